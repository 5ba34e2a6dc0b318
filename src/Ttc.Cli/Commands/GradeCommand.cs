using System.CommandLine;
using Ttc.Math;

namespace Ttc.Cli.Commands;

/// <summary><c>ttc grade [FILE]</c>: grades JSONL predictions against gold answers.</summary>
internal static class GradeCommand
{
    public static Command Create(TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string?>("file") { Arity = ArgumentArity.ZeroOrOne, Description = "JSONL with 'prediction' and 'answer' per line; standard input when omitted or '-'." };
        var percent = new Option<string>("--percent")
        {
            Description = "How percentages compare: strict (Math-Verify's rule, the default: 28\\% is 0.28, not 28) or lenient (the MATH convention: the percent sign is dropped and x100 or /100 also matches).",
            DefaultValueFactory = _ => "strict",
        };
        var command = new Command("grade", "Grade model outputs: adds 'correct', 'extracted', 'normalized' and 'gold_normalized' to each JSONL line.") { file, percent };
        command.SetAction(parse => Run(parse.GetValue(file), parse.GetValue(percent)!, stdin, stdout, stderr));
        return command;
    }

    internal static int Run(string? path, string percentMode, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        PercentMode? percent = percentMode.ToUpperInvariant() switch { "STRICT" => PercentMode.Strict, "LENIENT" => PercentMode.Lenient, _ => null };
        if (percent is null)
        {
            stderr.WriteLine($"error: --percent must be strict or lenient (got '{percentMode}')");
            return ExitCodes.Usage;
        }

        var options = new GradingOptions { Percent = percent.Value };
        if (path is not null and not "-" && !File.Exists(path))
        {
            stderr.WriteLine($"error: input file '{path}' does not exist");
            return ExitCodes.Error;
        }

        int skipped = 0, graded = 0, correct = 0;
        using (var reader = Jsonl.Open(path, stdin))
        {
            foreach (var line in Jsonl.Read(reader, stderr, () => skipped++))
            {
                var prediction = Jsonl.GetString(line.Value, "prediction", out var e1);
                var answer = Jsonl.GetString(line.Value, "answer", out var e2, allowNumber: true);
                if (e1 is not null || e2 is not null)
                {
                    stderr.WriteLine($"line {line.Number}: {e1 ?? e2}; skipped");
                    skipped++;
                    continue;
                }

                var result = MathGrader.Grade(prediction, answer, options);
                var o = line.Value;
                o["correct"] = result.Correct;
                o["extracted"] = result.Extracted;
                o["normalized"] = result.Normalized;
                o["gold_normalized"] = result.GoldNormalized;
                stdout.WriteLine(o.ToJsonString());
                graded++;
                correct += result.Correct ? 1 : 0;
            }
        }

        stderr.WriteLine($"graded {graded} line(s): {correct} correct" + (skipped > 0 ? $"; {skipped} malformed line(s) skipped" : string.Empty));
        return skipped > 0 ? ExitCodes.SkippedInput : ExitCodes.Ok;
    }
}
