using Ttc.TestSupport;

namespace TtcFunctions.Tests.Infra;

/// <summary>
/// A Dockerfile read the way the builder does: comments and parser directives dropped, continuation lines joined,
/// each instruction split into its keyword and arguments, ARG defaults substituted in FROM, stages by name.
/// This is the parse check the tests do themselves; dockerfile-utils (npm) lints on top when installed.
/// </summary>
internal sealed class Dockerfile
{
    /// <summary>Instructions the Dockerfile reference defines.</summary>
    public static readonly HashSet<string> Known = ["FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL", "MAINTAINER"];

    private Dockerfile(string path, List<(string Keyword, string Args, int Line)> instructions)
    {
        Path = path;
        Instructions = instructions;
    }

    public static string Folder => System.IO.Path.Combine(SharedData.RepoRoot, "infra", "docker");

    public string Path { get; }

    /// <summary>Every instruction in order, with the line it starts on.</summary>
    public IReadOnlyList<(string Keyword, string Args, int Line)> Instructions { get; }

    /// <summary>Instructions of the last stage (the image that ships).</summary>
    public IEnumerable<(string Keyword, string Args, int Line)> FinalStage =>
        Instructions.Skip(Instructions.Select((x, i) => (x, i)).Last(p => p.x.Keyword == "FROM").i);

    /// <summary>ENV of the final stage (KEY=VALUE pairs, space separated).</summary>
    public IReadOnlyDictionary<string, string> Env => FinalStage.Where(i => i.Keyword == "ENV")
        .SelectMany(i => i.Args.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Select(pair => pair.Split('=', 2))
        .ToDictionary(p => p[0], p => p.Length == 2 ? p[1] : string.Empty);

    /// <summary>ARG defaults declared before the first FROM (the ones FROM may use).</summary>
    public IReadOnlyDictionary<string, string> GlobalArgs => Instructions.TakeWhile(i => i.Keyword != "FROM").Where(i => i.Keyword == "ARG")
        .Select(i => i.Args.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);

    /// <summary>Each stage: its base image (ARG defaults substituted) and its name.</summary>
    public IReadOnlyList<(string Image, string? Name)> Stages => Instructions.Where(i => i.Keyword == "FROM").Select(i =>
    {
        var words = i.Args.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
        var image = words[0];
        foreach (var (name, value) in GlobalArgs)
        {
            image = image.Replace("${" + name + "}", value, StringComparison.Ordinal).Replace("$" + name, value, StringComparison.Ordinal);
        }

        return (image, words.Length == 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : null);
    }).ToList();

    /// <summary>The arguments of the last instruction with this keyword in the final stage.</summary>
    public string Last(string keyword) => FinalStage.Last(i => i.Keyword == keyword).Args;

    public static Dockerfile Read(string name)
    {
        var path = System.IO.Path.Combine(Folder, name);
        var instructions = new List<(string, string, int)>();
        string? pending = null;
        int start = 0;
        var lines = File.ReadAllLines(path);
        for (int n = 0; n < lines.Length; n++)
        {
            var line = lines[n].Trim();
            if (pending is null && (line.Length == 0 || line.StartsWith('#')))
            {
                continue;
            }

            if (pending is not null && line.StartsWith('#'))
            {
                continue;
            }

            if (pending is null)
            {
                start = n + 1;
            }

            bool continues = line.EndsWith('\\');
            pending = (pending is null ? string.Empty : pending + " ") + (continues ? line[..^1].Trim() : line);
            if (!continues)
            {
                int space = pending.IndexOf(' ', StringComparison.Ordinal);
                var keyword = (space < 0 ? pending : pending[..space]).ToUpperInvariant();
                instructions.Add((keyword, space < 0 ? string.Empty : pending[(space + 1)..].Trim(), start));
                pending = null;
            }
        }

        Assert.True(pending is null, $"{name}: the last instruction ends with a line continuation");
        return new Dockerfile(path, instructions);
    }
}
