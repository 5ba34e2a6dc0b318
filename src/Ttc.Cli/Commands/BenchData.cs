using System.Text.Json.Nodes;

namespace Ttc.Cli.Commands;

/// <summary>Inputs of the benchmarks: the shared data when present, synthetic stand-ins when not.</summary>
internal static class BenchData
{
    /// <summary>Finds <paramref name="name"/> under ../shared/data above the current or the program's folder.</summary>
    public static string? Find(string name)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "data", name);
                if (File.Exists(candidate) || Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>The problems of every sal/*.jsonl file, or synthetic ones when the folder is absent.</summary>
    public static List<JsonObject> LoadSalProblems(string? folder, TextWriter stderr)
    {
        var list = new List<JsonObject>();
        if (folder is not null && Directory.Exists(folder))
        {
            foreach (var f in Directory.GetFiles(folder, "*.jsonl").Order())
            {
                list.AddRange(File.ReadLines(f).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()));
            }
        }

        if (list.Count == 0)
        {
            stderr.WriteLine("note: search-and-learn result files not found; synthesizing completions instead");
            var rng = new Random(7);
            for (int p = 0; p < 10; p++)
            {
                var completions = new JsonArray();
                var scores = new JsonArray();
                for (int c = 0; c < 16; c++)
                {
                    int answer = rng.Next(5);
                    completions.Add($"## Step 1: think about it.\n\n## Step 2: compute {answer} * 1 = {answer}.\n\nTherefore, the final answer is: $\\boxed{{{answer}}}$. I hope it is correct.");
                    scores.Add(new JsonArray(rng.NextDouble(), rng.NextDouble(), rng.NextDouble()));
                }

                list.Add(new JsonObject { ["unique_id"] = $"synthetic/{p}", ["level"] = (p % 5) + 1, ["answer"] = "2", ["completions"] = completions, ["scores"] = scores });
            }
        }

        return list;
    }

    /// <summary>Writes problems x completions by cycling through the sources; returns the file size.</summary>
    public static long WriteSynthesized(string path, List<JsonObject> sources, int problems, int completions)
    {
        using (var w = new StreamWriter(path))
        {
            for (int p = 0; p < problems; p++)
            {
                var src = sources[p % sources.Count];
                var srcCompletions = src["completions"]!.AsArray();
                var srcScores = src["scores"]!.AsArray();
                var c = new JsonArray();
                var s = new JsonArray();
                for (int i = 0; i < completions; i++)
                {
                    c.Add(srcCompletions[i % srcCompletions.Count]!.DeepClone());
                    s.Add(srcScores[i % srcScores.Count]!.DeepClone());
                }

                var o = new JsonObject { ["unique_id"] = $"bench/{p}", ["level"] = src["level"]?.DeepClone(), ["answer"] = src["answer"]?.DeepClone(), ["completions"] = c, ["scores"] = s };
                w.WriteLine(o.ToJsonString());
            }
        }

        return new FileInfo(path).Length;
    }
}
