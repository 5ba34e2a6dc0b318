using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ttc.Evaluation;
using Ttc.Search;

namespace Ttc.Cli.Commands;

/// <summary><c>ttc fit-policy DIR</c>: compute_optimal's policy from an eval run on a development split (<see cref="PolicyFit"/>).</summary>
internal static class FitPolicyCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var folder = new Argument<string>("eval-folder") { Description = "The --out folder of a 'ttc eval' run on a development split (never the held-out set) with best_of_n or weighted_best_of_n (the probe) and the strategies to choose from." };
        var output = new Option<string>("--out") { Description = "The policy file to write.", Required = true };
        var bins = new Option<int>("--bins") { Description = "Difficulty bins (equal shares of the problems by probe score).", DefaultValueFactory = _ => 3 };
        var folds = new Option<int>("--folds") { Description = "Folds of the cross-validation over problems.", DefaultValueFactory = _ => 5 };
        var generator = new Option<string?>("--generator") { Description = "The generator whose lines to fit (default: the only one in the run)." };
        var probe = new Option<int>("--probe-samples") { Description = "Samples in compute_optimal's probe (the eval's pool lines score the same first samples).", DefaultValueFactory = _ => new ComputeOptimalPolicy().ProbeSamples };
        var command = new Command("fit-policy", "Fit compute_optimal's policy (difficulty bins from the probe score, the best strategy per bin and n) from an eval run on a development split, cross-validated; writes the policy as JSON with the fit report.")
        {
            folder, output, bins, folds, generator, probe,
        };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(folder)!, parse.GetValue(output)!, parse.GetValue(bins), parse.GetValue(folds), parse.GetValue(generator), parse.GetValue(probe), stdout, stderr, ct));
        return command;
    }

    private static async Task<int> RunAsync(string folder, string output, int bins, int folds, string? generator, int probeSamples, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var results = Path.Combine(folder, "results.jsonl");
        if (!File.Exists(results))
        {
            stderr.WriteLine($"error: eval-folder: '{results}' does not exist");
            return ExitCodes.Error;
        }

        if (bins < 1 || folds < 2 || probeSamples < 1)
        {
            stderr.WriteLine("error: --bins and --probe-samples must be at least 1, --folds at least 2");
            return ExitCodes.Usage;
        }

        var lines = ResultsFile.Read(results);
        // The held-out set is for the report; a policy fitted on it would grade itself.
        if (lines.FirstOrDefault(l => l.UniqueId.Contains("synthetic/test/", StringComparison.Ordinal)) is { } heldOut)
        {
            stderr.WriteLine($"error: eval-folder: the run has held-out problems ({heldOut.UniqueId}); fit on the development split (ttc eval --dataset synthetic-dev)");
            return ExitCodes.Usage;
        }

        var names = lines.Select(l => l.Generator).Distinct().ToList();
        generator ??= names.Count == 1 ? names[0] : null;
        if (generator is null || !names.Contains(generator))
        {
            stderr.WriteLine($"error: --generator: choose one of {string.Join(", ", names)}");
            return ExitCodes.Usage;
        }

        PolicyFitResult fit;
        try
        {
            fit = PolicyFit.Fit(lines.Where(l => l.Generator == generator).ToList(), bins, folds, probeSamples);
        }
        catch (ArgumentException ex)
        {
            stderr.WriteLine("error: " + ex.Message);
            return ExitCodes.Usage;
        }

        var json = JsonSerializer.SerializeToNode(fit.Policy, TtcJson.Options)!.AsObject();
        fit.Report["source"] = results.Replace('\\', '/');
        json["fit"] = fit.Report;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", ct);
        stdout.WriteLine("| n | compute_optimal (cross-validated) | best single strategy | which |");
        stdout.WriteLine("|---:|---:|---:|---|");
        foreach (var row in fit.Report["crossValidation"]!.AsArray().OfType<JsonObject>())
        {
            stdout.WriteLine($"| {row["n"]} | {row["computeOptimal"]!.GetValue<double>():P1} | {row["bestSingle"]!.GetValue<double>():P1} | {row["bestSingleStrategy"]} |");
        }

        stderr.WriteLine($"wrote {output}: {fit.Policy.Bins} bins, thresholds {string.Join(", ", fit.Policy.Thresholds.Select(t => t.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}");
        return ExitCodes.Ok;
    }
}
