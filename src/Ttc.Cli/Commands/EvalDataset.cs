namespace Ttc.Cli.Commands;

/// <summary>One evaluation problem in the MATH-500 shape.</summary>
internal sealed record EvalProblem(string Id, string Problem, string Answer, int? Level);

/// <summary>Loads evaluation problems from JSONL (problem, answer, level, unique_id).</summary>
internal static class EvalDataset
{
    public static List<EvalProblem> Load(string path, int limit, TextWriter stderr, out int skipped)
    {
        int bad = 0;
        var problems = new List<EvalProblem>();
        using (var reader = new StreamReader(path))
        {
            foreach (var line in Jsonl.Read(reader, stderr, () => bad++))
            {
                var o = line.Value;
                var problem = Jsonl.GetString(o, "problem", out var e1) ?? Jsonl.GetString(o, "question", out _);
                var answer = Jsonl.GetString(o, "answer", out var e2, allowNumber: true);
                if (problem is null || answer is null)
                {
                    stderr.WriteLine($"line {line.Number}: {e1 ?? e2}; skipped");
                    bad++;
                    continue;
                }

                // GSM8K writes the worked solution ending "#### 42" in 'answer'.
                int hashes = answer.LastIndexOf("####", StringComparison.Ordinal);
                if (hashes >= 0)
                {
                    answer = answer[(hashes + 4)..].Trim();
                }

                int? level = o["level"]?.GetValueKind() == System.Text.Json.JsonValueKind.Number ? o["level"]!.GetValue<int>() : null;
                var id = o["unique_id"]?.ToString() ?? o["id"]?.ToString() ?? $"line {line.Number}";
                problems.Add(new EvalProblem(id, problem, answer, level));
                if (problems.Count >= limit)
                {
                    break;
                }
            }
        }

        skipped = bad;
        return problems;
    }
}
