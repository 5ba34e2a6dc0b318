using System.Text.Json.Nodes;
using Ttc.Durable;
using Ttc.Search;

namespace TtcFunctions.Apis;

/// <summary>Solve jobs over HTTP with the Durable Functions contract (202 + Location, status, terminate, purge).</summary>
internal static class SolveApi
{
    private const int MaxBodyBytes = 256 * 1024;

    public static void MapSolveApi(this WebApplication app)
    {
        app.MapPost("/api/solve", StartAsync);
        app.MapGet("/api/instances/{id}", StatusAsync);
        app.MapGet("/api/instances", ListAsync);
        app.MapPost("/api/instances/{id}/terminate", TerminateAsync);
        app.MapDelete("/api/instances/{id}", PurgeAsync);
        app.MapPost("/api/batches", StartBatchAsync);
    }

    private static async Task<IResult> StartAsync(HttpRequest http, DurableClient client, HostSettings settings, CancellationToken ct)
    {
        if (http.ContentLength > MaxBodyBytes)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"is {http.ContentLength} bytes; at most {MaxBodyBytes} are accepted"] }, title: "Invalid solve request");
        }

        var (f, error) = await JsonFields.ReadAsync(http, MaxBodyBytes, ct);
        if (f is null)
        {
            return error!;
        }

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
        if (f.Errors.Count > 0)
        {
            return Results.ValidationProblem(f.Errors, title: "Invalid solve request");
        }

        var id = await client.StartSolveAsync(problem!, config, cancellationToken: ct);
        var urls = Urls(http, id);
        http.HttpContext.Response.Headers.RetryAfter = "2";
        return Results.Accepted(urls["statusQueryGetUri"]!.GetValue<string>(), urls);
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

    private static async Task<IResult> StartBatchAsync(HttpRequest http, DurableClient client, HostSettings settings, CancellationToken ct)
    {
        var (f, error) = await JsonFields.ReadAsync(http, MaxBodyBytes, ct);
        if (f is null)
        {
            return error!;
        }

        var dataset = f.String("dataset", required: true);
        if (dataset is not null && dataset.IndexOf('/', StringComparison.Ordinal) <= 0)
        {
            f.Fail("dataset", "must be a blob path 'container/name.jsonl' in the service's storage account");
        }

        int? limit = f.Body.ContainsKey("limit") ? f.Number("limit", 0) : null;
        if (limit is < 1)
        {
            f.Fail("limit", $"must be at least 1 (got {limit})");
        }

        var config = ReadConfig(f, settings);
        if (f.Errors.Count > 0)
        {
            return Results.ValidationProblem(f.Errors, title: "Invalid batch request");
        }

        var id = await client.StartBatchAsync(dataset!, config, limit, ct);
        var urls = Urls(http, id);
        http.HttpContext.Response.Headers.RetryAfter = "5";
        return Results.Accepted(urls["statusQueryGetUri"]!.GetValue<string>(), urls);
    }

    private static async Task<IResult> StatusAsync(string id, HttpRequest http, DurableClient client, CancellationToken ct)
    {
        var instance = await client.Instances.GetAsync(id, ct);
        if (instance is null)
        {
            return Results.Problem(title: "Instance not found", detail: $"No instance has id '{id}'.", statusCode: StatusCodes.Status404NotFound);
        }

        var body = ToJson(instance);
        if (instance.RuntimeStatus.IsTerminal())
        {
            return Results.Json(body);
        }

        http.HttpContext.Response.Headers.RetryAfter = "2";
        http.HttpContext.Response.Headers.Location = Urls(http, id)["statusQueryGetUri"]!.GetValue<string>();
        return Results.Json(body, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> ListAsync(HttpRequest http, DurableClient client, CancellationToken ct)
    {
        var statuses = new List<RuntimeStatus>();
        foreach (var part in (http.Query["runtimeStatus"].FirstOrDefault() ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<RuntimeStatus>(part, ignoreCase: true, out var s) || !Enum.IsDefined(s) || int.TryParse(part, out _))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["runtimeStatus"] = [$"unknown status '{part}'; expected {string.Join(", ", Enum.GetNames<RuntimeStatus>())}"] });
            }

            statuses.Add(s);
        }

        int top = 100;
        if (http.Query["top"].FirstOrDefault() is { } topText && (!int.TryParse(topText, out top) || top < 1 || top > 1000))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["top"] = [$"must be a whole number from 1 to 1000 (got '{topText}')"] });
        }

        var list = await client.Instances.ListAsync(statuses, top, ct);
        return Results.Json(new JsonArray(list.Select(i => (JsonNode)ToJson(i)).ToArray()));
    }

    private static async Task<IResult> TerminateAsync(string id, HttpRequest http, DurableClient client, CancellationToken ct)
    {
        var instance = await client.Instances.GetAsync(id, ct);
        if (instance is null)
        {
            return Results.Problem(title: "Instance not found", detail: $"No instance has id '{id}'.", statusCode: StatusCodes.Status404NotFound);
        }

        if (!await client.TerminateAsync(id, http.Query["reason"].FirstOrDefault(), ct))
        {
            return Results.Problem(title: "Instance already finished", detail: $"Instance '{id}' is {instance.RuntimeStatus}.", statusCode: StatusCodes.Status410Gone);
        }

        return Results.Accepted();
    }

    private static async Task<IResult> PurgeAsync(string id, DurableClient client, CancellationToken ct) =>
        await client.PurgeAsync(id, ct)
            ? Results.Json(new JsonObject { ["instancesDeleted"] = 1 })
            : Results.Problem(title: "Instance not found", detail: $"No instance has id '{id}'.", statusCode: StatusCodes.Status404NotFound);

    private static JsonObject Urls(HttpRequest http, string id)
    {
        var root = $"{http.Scheme}://{http.Host}/api/instances/{id}";
        return new JsonObject
        {
            ["id"] = id,
            ["statusQueryGetUri"] = root,
            ["terminatePostUri"] = root + "/terminate?reason={text}",
            ["purgeHistoryDeleteUri"] = root,
        };
    }

    private static JsonObject ToJson(InstanceRecord i) => new()
    {
        ["instanceId"] = i.InstanceId,
        ["name"] = i.Name,
        ["runtimeStatus"] = i.RuntimeStatus.ToString(),
        ["input"] = ParseOrNull(i.Input),
        ["customStatus"] = ParseOrNull(i.CustomStatus),
        ["output"] = ParseOrNull(i.Output),
        ["createdTime"] = i.CreatedTime.ToString("O"),
        ["lastUpdatedTime"] = i.LastUpdatedTime.ToString("O"),
    };

    private static JsonNode? ParseOrNull(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json);
        }
        catch (System.Text.Json.JsonException)
        {
            return json;
        }
    }
}
