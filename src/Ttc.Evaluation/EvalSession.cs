using System.Text.Json;
using Ttc.Search;

namespace Ttc.Evaluation;

/// <summary>What a driver lends the evaluation to run one unit: the models, their sizes, the context check.</summary>
/// <param name="Context">The generator and PRM.</param>
/// <param name="Costs">Their parameter counts, for FLOPs.</param>
/// <param name="Admit">The reason a problem cannot be run (it does not fit the context), or null.</param>
public sealed record EvalBackend(SearchContext Context, EvalCosts Costs, Func<string, string?>? Admit = null);

/// <summary>An evaluation to run.</summary>
/// <param name="Dataset">The dataset's name, as given.</param>
/// <param name="Problems">Its problems.</param>
/// <param name="Units">The grid (<see cref="EvalPlan.Build"/>).</param>
/// <param name="Seeds">The seeds of the grid.</param>
/// <param name="OutputFolder">Where results.jsonl, summary.json, table.md and the plots go.</param>
/// <param name="Difficulty">How difficulty is told.</param>
/// <param name="Concurrency">Problems solved at once (default: enough to fill <paramref name="MaxBatchSize"/>).</param>
/// <param name="MaxBatchSize">Sequences per model batch.</param>
public sealed record EvalJob(
    string Dataset,
    IReadOnlyList<EvalProblem> Problems,
    IReadOnlyList<EvalUnit> Units,
    IReadOnlyList<long> Seeds,
    string OutputFolder,
    DifficultyMethod Difficulty = DifficultyMethod.Auto,
    int? Concurrency = null,
    int MaxBatchSize = 64);

/// <summary>What an evaluation measured.</summary>
/// <param name="Lines">Every line of the grid's cells, difficulty assigned.</param>
/// <param name="Rows">The summary rows.</param>
/// <param name="Difficulty">The difficulty method used.</param>
/// <param name="Resumed">Problem x unit pairs found in results.jsonl and not run again.</param>
/// <param name="Plots">The PNG files written.</param>
public sealed record EvalReport(IReadOnlyList<EvalLine> Lines, IReadOnlyList<EvalSummaryRow> Rows, DifficultyMethod Difficulty, int Resumed, IReadOnlyList<string> Plots);

/// <summary>Progress of an evaluation, in work units (a problem of a unit at n counts n).</summary>
public interface IEvalProgress
{
    /// <summary>The work to do (what was resumed is not counted).</summary>
    void Begin(double total);

    /// <summary>A unit starts with <paramref name="problems"/> problems to run.</summary>
    void Unit(EvalUnit unit, int problems);

    /// <summary><paramref name="work"/> more is done.</summary>
    void Advance(double work);
}

/// <summary>
/// Runs an evaluation grid: resumes from results.jsonl (a problem whose lines are all there is not run
/// again), runs the rest unit by unit, appends each problem's lines as it finishes, and rewrites
/// summary.json and table.md after every unit; at the end difficulty is assigned (it needs every problem)
/// and written into results.jsonl, and the plots are drawn. Stopped (cancelled), it writes the summary of
/// what it has and rethrows; a rerun with the same grid goes on from there.
/// </summary>
public static class EvalSession
{
    /// <summary>Runs <paramref name="job"/>; <paramref name="backend"/> lends the models of each unit.</summary>
    public static async Task<EvalReport> RunAsync(EvalJob job, Func<EvalUnit, EvalBackend> backend, IEvalProgress? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(backend);
        Directory.CreateDirectory(job.OutputFolder);
        var difficulty = DifficultyEstimate.Resolve(job.Difficulty, job.Problems);
        var path = Path.Combine(job.OutputFolder, "results.jsonl");
        var keys = job.Units.SelectMany(u => job.Problems.SelectMany(u.Keys)).ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<EvalLine> Current(ResultsFile f) => f.Lines.Values.Where(l => keys.Contains(l.Key)).ToList();

        await using (var results = await ResultsFile.OpenAsync(path, cancellationToken))
        {
            var todo = job.Units.Select(u => (Unit: u, Problems: job.Problems.Where(p => !results.HasAll(u.Keys(p))).ToList())).ToList();
            int resumed = (job.Units.Count * job.Problems.Count) - todo.Sum(t => t.Problems.Count);
            progress?.Begin(todo.Sum(t => (double)t.Problems.Count * t.Unit.Config.N));
            try
            {
                foreach (var (unit, problems) in todo.Where(t => t.Problems.Count > 0))
                {
                    progress?.Unit(unit, problems.Count);
                    var models = backend(unit);
                    int concurrency = job.Concurrency ?? EvalGrid.DefaultConcurrency(unit.Config, job.MaxBatchSize);
                    await EvalGrid.RunAsync(
                        unit,
                        problems,
                        models.Context,
                        models.Costs,
                        concurrency,
                        async (lines, ct) =>
                        {
                            await results.AppendAsync(lines, ct);
                            progress?.Advance(unit.Config.N);
                        },
                        models.Admit,
                        cancellationToken);
                    await WriteSummaryAsync(job, difficulty, Current(results), complete: false, CancellationToken.None);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // What finished is in results.jsonl; the summary says what it covers.
                await WriteSummaryAsync(job, difficulty, Current(results), complete: false, CancellationToken.None);
                throw;
            }

            var final = DifficultyEstimate.Assign(Current(results), difficulty);
            var rows = await WriteSummaryAsync(job, difficulty, final, complete: true, cancellationToken);
            // The lines of other grids that shared the folder stay, after this grid's.
            var others = results.Lines.Values.Where(l => !keys.Contains(l.Key)).ToList();
            await results.DisposeAsync();
            await ResultsFile.RewriteAsync(path, final.Concat(others), cancellationToken);
            var plots = EvalPlots.Write(rows, job.OutputFolder, difficulty);
            return new EvalReport(final, rows, difficulty, resumed, plots);
        }
    }

    private static async Task<IReadOnlyList<EvalSummaryRow>> WriteSummaryAsync(EvalJob job, DifficultyMethod difficulty, IReadOnlyList<EvalLine> lines, bool complete, CancellationToken cancellationToken)
    {
        var rows = EvalSummary.Rows(complete ? lines : DifficultyEstimate.Assign(lines, difficulty));
        var summary = EvalSummary.ToJson(job.Dataset, job.Problems.Count, job.Seeds, difficulty, complete, rows);
        await File.WriteAllTextAsync(Path.Combine(job.OutputFolder, "summary.json"), summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(job.OutputFolder, "table.md"), EvalSummary.Markdown(rows, difficulty), cancellationToken);
        return rows;
    }
}
