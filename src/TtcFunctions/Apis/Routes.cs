namespace TtcFunctions.Apis;

/// <summary>
/// The HTTP routes of both hosts: the self-host maps "/" + each, the Functions app's triggers use them
/// as their routes (host.json sets an empty routePrefix), and a test compares them with functions.metadata.
/// </summary>
public static class Routes
{
    /// <summary>POST: start a solve job.</summary>
    public const string Solve = "api/solve";

    /// <summary>GET: list instances.</summary>
    public const string Instances = "api/instances";

    /// <summary>GET: status; DELETE: purge.</summary>
    public const string Instance = "api/instances/{id}";

    /// <summary>POST: terminate.</summary>
    public const string Terminate = "api/instances/{id}/terminate";

    /// <summary>POST: start a batch run.</summary>
    public const string Batches = "api/batches";

    /// <summary>GET: liveness and roles.</summary>
    public const string Health = "api/health";

    /// <summary>POST: OpenAI-compatible completions.</summary>
    public const string Completions = "v1/completions";

    /// <summary>GET: the served models (OpenAI's list).</summary>
    public const string Models = "v1/models";

    /// <summary>GET: one served model.</summary>
    public const string Model = "v1/models/{id}";

    /// <summary>POST: PRM scoring.</summary>
    public const string Score = "api/score";
}
