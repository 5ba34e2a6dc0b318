using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Ttc.Orchestrations;
using Ttc.Search;

namespace TtcFunctions.Apis;

/// <summary>
/// Solve jobs over HTTP with the Durable Functions contract (202 + Location, status, list, terminate,
/// purge), written once against <see cref="IOrchestrationClient"/>: the self-host maps these handlers
/// to routes, the Functions app calls them from its HTTP triggers.
/// </summary>
public static class SolveApi
{
    internal const int MaxBodyBytes = 256 * 1024;

    /// <summary>The fields a solve body may have: the problem and the search settings.</summary>
    private static readonly string[] SolveFields = ["problem", .. SearchSettings.All.Select(s => s.Name)];

    /// <summary>Maps the routes (self-host).</summary>
    public static void MapSolveApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/" + Routes.Solve, StartAsync);
        app.MapGet("/" + Routes.Instance, StatusAsync);
        app.MapGet("/" + Routes.Instances, ListAsync);
        app.MapPost("/" + Routes.Terminate, TerminateAsync);
        app.MapDelete("/" + Routes.Instance, PurgeAsync);
        app.MapPost("/" + Routes.Batches, BatchApi.StartAsync);
    }

    /// <summary>POST /api/solve: 202 with the status URLs, or 400 naming the field.</summary>
    public static async Task<IResult> StartAsync(HttpRequest http, IOrchestrationClient client, HostSettings settings, PublicUrls urls, ContextCheck context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(urls);
        ArgumentNullException.ThrowIfNull(context);
        var (f, error) = await JsonFields.ReadAsync(http, MaxBodyBytes, ct);
        if (f is null)
        {
            return error!;
        }

        f.RejectUnknown(SolveFields);
        var problem = f.String("problem", required: true);
        if (problem is not null && string.IsNullOrWhiteSpace(problem))
        {
            f.Fail("problem", "must not be empty");
        }
        else if (problem is not null && problem.Length > settings.MaxPromptChars)
        {
            f.Fail("problem", $"must be at most {settings.MaxPromptChars} characters");
        }

        var config = ReadConfig(f, settings);
        if (f.Errors.Count == 0 && context.Check(problem!, config.Strategy) is { } tooLong)
        {
            // Known now, so refused now: a job for it would only fail after its retries.
            f.Fail("problem", tooLong["problem: ".Length..]);
        }

        if (f.Errors.Count > 0)
        {
            return Results.ValidationProblem(f.Errors, title: "Invalid solve request");
        }

        var id = Guid.NewGuid().ToString("N");
        await client.StartAsync(DurableNames.SolveOrchestrator, new SolveInput(problem!, config, settings.Workflow()), id, ct);
        return Accepted(http, urls, id, retryAfterSeconds: 2);
    }

    /// <summary>The search settings of a request body (<see cref="SearchSettings"/>: the core's defaults for absent fields); errors go to <paramref name="f"/>.</summary>
    internal static SearchConfig ReadConfig(JsonFields f, HostSettings settings)
    {
        var errors = new List<ConfigError>();
        var config = SearchSettings.Bind(f.Body, errors, maxN: settings.MaxN);
        foreach (var e in errors.Where(e => !f.Errors.ContainsKey(e.Field)))
        {
            f.Fail(e.Field, e.Message);
        }

        return config;
    }

    /// <summary>GET /api/instances/{id}: 202 while Pending or Running, 200 once finished, 404 when unknown.</summary>
    public static async Task<IResult> StatusAsync(string id, HttpRequest http, IOrchestrationClient client, PublicUrls urls, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(urls);
        bool history = string.Equals(http.Query["showHistory"].FirstOrDefault(), "true", StringComparison.OrdinalIgnoreCase);
        var instance = await client.GetAsync(id, history, ct);
        if (instance is null)
        {
            return NotFound(id);
        }

        var body = InstanceJson.From(instance);
        if (instance.IsFinished)
        {
            return Results.Json(body);
        }

        http.HttpContext.Response.Headers.RetryAfter = "2";
        http.HttpContext.Response.Headers.Location = urls.Instance(id)["statusQueryGetUri"]!.GetValue<string>();
        return Results.Json(body, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>GET /api/instances?runtimeStatus=Running,Completed&amp;top=N (continuation in the x-ms-continuation-token header).</summary>
    public static async Task<IResult> ListAsync(HttpRequest http, IOrchestrationClient client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(client);
        var statuses = new List<InstanceRuntimeStatus>();
        foreach (var part in (http.Query["runtimeStatus"].FirstOrDefault() ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<InstanceRuntimeStatus>(part, ignoreCase: true, out var s) || !Enum.IsDefined(s) || int.TryParse(part, out _))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["runtimeStatus"] = [$"unknown status '{part}'; expected {string.Join(", ", Enum.GetNames<InstanceRuntimeStatus>())}"] });
            }

            statuses.Add(s);
        }

        int top = 100;
        if (http.Query["top"].FirstOrDefault() is { } topText && (!int.TryParse(topText, out top) || top < 1 || top > 1000))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["top"] = [$"must be a whole number from 1 to 1000 (got '{topText}')"] });
        }

        var page = await client.ListAsync(statuses, top, http.Headers["x-ms-continuation-token"].FirstOrDefault(), ct);
        if (page.ContinuationToken is { } next)
        {
            http.HttpContext.Response.Headers["x-ms-continuation-token"] = next;
        }

        return Results.Json(new JsonArray(page.Instances.Select(i => (JsonNode)InstanceJson.From(i)).ToArray()));
    }

    /// <summary>POST /api/instances/{id}/terminate?reason=: 202, 404 when unknown, 410 when already finished.</summary>
    public static async Task<IResult> TerminateAsync(string id, HttpRequest http, IOrchestrationClient client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(client);
        var instance = await client.GetAsync(id, showHistory: false, ct);
        if (instance is null)
        {
            return NotFound(id);
        }

        if (instance.IsFinished)
        {
            return Results.Problem(title: "Instance already finished", detail: $"Instance '{id}' is {instance.RuntimeStatus}.", statusCode: StatusCodes.Status410Gone);
        }

        await client.TerminateAsync(id, http.Query["reason"].FirstOrDefault() ?? "terminated by request", ct);
        return Results.Accepted();
    }

    /// <summary>DELETE /api/instances/{id}: its history and its search trees; 404 when unknown.</summary>
    public static async Task<IResult> PurgeAsync(string id, IOrchestrationClient client, BlobServiceClient blobs, StorageNames names, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(names);
        int deleted = await client.PurgeAsync(id, ct);
        if (deleted == 0)
        {
            return NotFound(id);
        }

        var trees = blobs.GetBlobContainerClient(names.TreeContainer);
        if (await trees.ExistsAsync(ct))
        {
            await foreach (var blob in trees.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, id + "/", ct))
            {
                await trees.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: ct);
            }
        }

        return Results.Json(new JsonObject { ["instancesDeleted"] = deleted });
    }

    /// <summary>202 with Location, Retry-After and the instance URLs.</summary>
    internal static IResult Accepted(HttpRequest http, PublicUrls urls, string id, int retryAfterSeconds)
    {
        var body = urls.Instance(id);
        http.HttpContext.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Results.Accepted(body["statusQueryGetUri"]!.GetValue<string>(), body);
    }

    private static IResult NotFound(string id) =>
        Results.Problem(title: "Instance not found", detail: $"No instance has id '{id}'.", statusCode: StatusCodes.Status404NotFound);
}
