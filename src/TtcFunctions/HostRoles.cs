namespace TtcFunctions;

/// <summary>
/// What this process runs: "api" (HTTP solve/status endpoints), "worker" (queue consumers),
/// "inference" (/v1/completions and /api/score). One process runs all three by default; scale-out
/// runs the same binary with some of them (--roles worker).
/// </summary>
public sealed class HostRoles
{
    /// <summary>The known role names.</summary>
    public static readonly IReadOnlyList<string> Known = ["api", "worker", "inference"];

    private HostRoles(HashSet<string> roles) => Roles = roles;

    /// <summary>The selected roles.</summary>
    public IReadOnlySet<string> Roles { get; }

    /// <summary>Serves the solve API.</summary>
    public bool Api => Roles.Contains("api");

    /// <summary>Consumes work items.</summary>
    public bool Worker => Roles.Contains("worker");

    /// <summary>Serves the inference functions (and runs the models in-process).</summary>
    public bool Inference => Roles.Contains("inference");

    /// <summary>Parses "api,worker,inference" (null: all).</summary>
    /// <exception cref="ArgumentException">An unknown role; the message lists the known ones.</exception>
    public static HostRoles Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new HostRoles([.. Known]);
        }

        var roles = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(r => r.ToLowerInvariant()).ToHashSet();
        var unknown = roles.Where(r => !Known.Contains(r)).ToList();
        return unknown.Count == 0
            ? new HostRoles(roles)
            : throw new ArgumentException($"--roles: unknown role(s) {string.Join(", ", unknown)}; expected any of {string.Join(", ", Known)}");
    }
}
