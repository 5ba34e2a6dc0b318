using System.Text.Json.Nodes;
using Ttc.Search;

namespace Ttc.Evaluation.Tests;

public sealed class EvalSessionTests : IDisposable
{
    private static readonly EvalProblem[] Problems = Enumerable.Range(0, 6).Select(i => new EvalProblem($"p{i}", $"Compute {i} + {12 - i}.", "12", 1 + (i % 3))).ToArray();

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"ttc-session-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static EvalJob Job(string folder) => new(
        "test",
        Problems,
        EvalPlan.Build(["small"], [StrategyNames.Greedy, StrategyNames.Majority, StrategyNames.WeightedBestOfN, StrategyNames.BeamSearch], [1, 4], [0], (s, n, seed) => new SearchConfig { Strategy = s, N = n, Seed = seed, BeamWidth = System.Math.Min(2, n) }),
        [0],
        folder,
        Concurrency: 2);

    private static Func<EvalUnit, EvalBackend> Backend(IStepGenerator generator) => _ => new EvalBackend(new SearchContext(generator, new LeaningPrm()), new EvalCosts(1000, 500));

    // Everything but the measured seconds, which differ from run to run.
    private static List<string> Stable(string path) => File.ReadAllLines(path).Select(l => (EvalLine.TryParse(l)! with { Seconds = 0 }).ToJson()).Order(StringComparer.Ordinal).ToList();

    [Fact(Timeout = 60_000)]
    public async Task RunAsync_Grid_WritesLinesSummaryTableAndNonEmptyPlots()
    {
        var report = await EvalSession.RunAsync(Job(_folder), Backend(new SeededGenerator()), cancellationToken: TestContext.Current.CancellationToken);

        // greedy + majority and weighted at n = 1, 4 + beam search at n = 1, 4: 7 cells x 6 problems.
        Assert.Equal(42, File.ReadAllLines(Path.Combine(_folder, "results.jsonl")).Length);
        Assert.All(report.Lines, l => Assert.Equal(l.Level, l.Difficulty));
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(_folder, "summary.json")))!;
        Assert.True(summary["complete"]!.GetValue<bool>());
        Assert.Equal(7, summary["rows"]!.AsArray().Count);
        Assert.Contains("subsampled in order", summary["note"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("| small | beam_search | 4 |", File.ReadAllText(Path.Combine(_folder, "table.md")), StringComparison.Ordinal);

        Assert.Contains(Path.Combine(_folder, EvalPlots.FlopsPlot), report.Plots);
        Assert.Contains(Path.Combine(_folder, EvalPlots.BudgetPlot), report.Plots);
        Assert.Equal(2 + 3, report.Plots.Count); // n, FLOPs, and one per level
        foreach (var plot in report.Plots)
        {
            var bytes = File.ReadAllBytes(plot);
            Assert.True(bytes.Length > 5_000, $"{plot} has {bytes.Length} bytes");
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        }
    }

    [Fact]
    public void Write_ReferenceGenerator_DrawnAsLinesNotCurves()
    {
        var rows = new List<EvalSummaryRow>();
        EvalSummaryRow Row(string generator, string strategy, int n, double flops)
        {
            var tally = new AccuracyTally();
            tally.Add(1, true);
            tally.Add(1, false);
            return new EvalSummaryRow(generator, strategy, n, 1, false, tally, 10, 10, flops, 0, []);
        }

        rows.Add(Row("small", "beam_search", 4, 1e9));
        rows.Add(Row("small", "beam_search", 16, 4e9));
        rows.Add(Row("large", "greedy", 1, 1e9));
        rows.Add(Row("large", "majority", 4, 4e9));
        rows.Add(Row("large", "majority (adaptive)", 4, 3e9));
        Directory.CreateDirectory(_folder);
        var written = EvalPlots.Write(rows, _folder, DifficultyMethod.Level);
        Assert.Equal(3, written.Count); // n, level 1, FLOPs
        Assert.All(written, p => Assert.True(new FileInfo(p).Length > 5_000));
        Assert.Equal(["small beam_search 4", "small beam_search 16"], EvalPlots.Curves(rows).Select(r => $"{r.Generator} {r.Strategy} {r.N}"));
    }

    [Fact(Timeout = 60_000)]
    public async Task RunAsync_SameGridAgain_ResumesWithoutRunningAnythingAndSameResults()
    {
        await EvalSession.RunAsync(Job(_folder), Backend(new SeededGenerator()), cancellationToken: TestContext.Current.CancellationToken);
        var first = Stable(Path.Combine(_folder, "results.jsonl"));

        var again = new SeededGenerator();
        var report = await EvalSession.RunAsync(Job(_folder), Backend(again), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(0, again.Sequences);
        Assert.Equal(Job(_folder).Units.Count * Problems.Length, report.Resumed);
        Assert.Equal(first, Stable(Path.Combine(_folder, "results.jsonl")));
    }

    [Fact(Timeout = 60_000)]
    public async Task RunAsync_Stopped_KeepsFinishedProblemsAndTheRerunCompletesTheSameGrid()
    {
        var reference = Path.Combine(_folder, "reference");
        await EvalSession.RunAsync(Job(reference), Backend(new SeededGenerator()), cancellationToken: TestContext.Current.CancellationToken);

        var stopped = Path.Combine(_folder, "stopped");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var generator = new StoppingGenerator(new SeededGenerator(), after: 8, stop);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => EvalSession.RunAsync(Job(stopped), Backend(generator), cancellationToken: stop.Token));
        var partial = JsonNode.Parse(File.ReadAllText(Path.Combine(stopped, "summary.json")))!;
        Assert.False(partial["complete"]!.GetValue<bool>());
        int kept = File.ReadAllLines(Path.Combine(stopped, "results.jsonl")).Length;
        Assert.InRange(kept, 1, 41);
        // A kill in the middle of a write leaves half a line: it is ignored and its problem run again.
        await File.AppendAllTextAsync(Path.Combine(stopped, "results.jsonl"), "{\"generator\":\"small\",\"strat", TestContext.Current.CancellationToken);

        var rest = new SeededGenerator();
        var report = await EvalSession.RunAsync(Job(stopped), Backend(rest), cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(report.Resumed > 0);
        Assert.True(rest.Sequences > 0);
        Assert.Equal(Stable(Path.Combine(reference, "results.jsonl")), Stable(Path.Combine(stopped, "results.jsonl")));
    }

    private sealed class StoppingGenerator(IStepGenerator inner, int after, CancellationTokenSource stop) : IStepGenerator
    {
        private int _calls;

        public Task<IReadOnlyList<GeneratedStep>> GenerateAsync(IReadOnlyList<StepRequest> requests, CancellationToken cancellationToken = default)
        {
            if (++_calls == after)
            {
                stop.Cancel();
            }

            cancellationToken.ThrowIfCancellationRequested();
            return inner.GenerateAsync(requests, cancellationToken);
        }
    }
}
