using System.Text.Json.Nodes;
using Ttc.Search;

namespace TtcFunctions.Apis;

/// <summary>
/// The inference functions: OpenAI-compatible completions (streaming or not) and the model list, and
/// PRM scoring, dynamically batched. Errors on <c>/v1/*</c> are in OpenAI's shape; on <c>/api/score</c>
/// RFC 7807 problem details. Each handler is a static method taking the request, services and a
/// cancellation token and returning an <see cref="IResult"/>, so any host (minimal APIs here, Azure
/// Functions HTTP triggers) can call it.
/// </summary>
internal static class InferenceApi
{
    private const int MaxBodyBytes = 4 * 1024 * 1024;

    private static readonly string[] ScoreFields = ["requests"];

    private static readonly string[] ScoreItemFields = ["problem", "steps"];

    public static void MapInferenceApi(this WebApplication app)
    {
        app.MapPost("/" + Routes.Completions, CompleteAsync);
        app.MapGet("/" + Routes.Models, ListModels);
        app.MapGet("/" + Routes.Model, GetModel);
        app.MapPost("/" + Routes.Score, ScoreAsync);
        app.MapFallback("/v1/{**path}", (HttpRequest http) => OpenAiErrors.Error(StatusCodes.Status404NotFound, $"Invalid URL ({http.Method} {http.Path}): this server serves POST /v1/completions and GET /v1/models.", "invalid_request_error"));
    }

    /// <summary><c>POST /v1/completions</c>: the JSON response, or server-sent events with <c>stream: true</c>.</summary>
    internal static async Task<IResult> CompleteAsync(HttpRequest http, InferenceBackends backends, HostSettings settings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backends);
        var (f, failure) = await JsonFields.ParseAsync(http, MaxBodyBytes, ct);
        if (f is null)
        {
            return OpenAiErrors.Unreadable(failure!);
        }

        var (request, error) = CompletionRequest.Read(f, settings, backends.Continuous);
        if (request is null)
        {
            return error!;
        }

        if (request.Stream)
        {
            return new CompletionStream(backends.Generator, request);
        }

        var results = await backends.Generator.CompleteAsync(request.ToPromptRequests(), ct);
        return Results.Json(new CompletionResponse(request).Complete(results));
    }

    /// <summary><c>GET /v1/models</c>: the served generator, under its folder's name.</summary>
    internal static IResult ListModels(InferenceBackends backends)
    {
        ArgumentNullException.ThrowIfNull(backends);
        return Results.Json(new JsonObject { ["object"] = "list", ["data"] = new JsonArray(Model(backends)) });
    }

    /// <summary><c>GET /v1/models/{id}</c>: one model, or 404 model_not_found.</summary>
    internal static IResult GetModel(string id, InferenceBackends backends)
    {
        ArgumentNullException.ThrowIfNull(backends);
        var model = Model(backends);
        var served = model["id"]!.GetValue<string>();
        return id == served || id == CompletionRequest.GeneratorAlias ? Results.Json(model) : OpenAiErrors.ModelNotFound(id, [served]);
    }

    private static JsonObject Model(InferenceBackends backends) => new()
    {
        ["id"] = backends.Continuous.ModelId,
        ["object"] = "model",
        ["created"] = 0,
        ["owned_by"] = "ttc",
        ["max_model_len"] = backends.Continuous.ContextLength,
    };

    /// <summary><c>POST /api/score</c>: per-step PRM scores of a batch of solutions.</summary>
    internal static async Task<IResult> ScoreAsync(HttpRequest http, InferenceBackends backends, HostSettings settings, CancellationToken ct)
    {
        var (f, error) = await JsonFields.ReadAsync(http, MaxBodyBytes, ct);
        if (f is null)
        {
            return error!;
        }

        f.RejectUnknown(ScoreFields);
        if (f.Errors.Count > 0)
        {
            return Results.ValidationProblem(f.Errors, title: "Invalid score request");
        }

        if (f.Body["requests"] is not JsonArray items || items.Count == 0)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["requests"] = ["must be a non-empty array of {problem, steps}"] }, title: "Invalid score request");
        }

        var requests = new List<ScoreRequest>();
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i] is not JsonObject o)
            {
                f.Fail($"requests[{i}]", "must be an object");
                continue;
            }

            var item = new JsonFields(o);
            item.RejectUnknown(ScoreItemFields);
            var problem = item.String("problem", required: true);
            var steps = item.Strings("steps", required: true);
            foreach (var (k, v) in item.Errors)
            {
                f.Errors[$"requests[{i}].{k}"] = v;
            }

            if (problem is not null && steps is not null)
            {
                requests.Add(new ScoreRequest(problem, steps));
            }
        }

        if (f.Errors.Count > 0)
        {
            return Results.ValidationProblem(f.Errors, title: "Invalid score request");
        }

        var scores = await backends.Prm.ScoreAsync(requests, ct);
        return Results.Json(new JsonObject
        {
            ["results"] = new JsonArray(scores.Select(s => (JsonNode)new JsonObject
            {
                ["scores"] = new JsonArray(s.Scores.Select(x => (JsonNode)x).ToArray()),
                ["tokens"] = s.Tokens,
                ["truncatedSteps"] = s.TruncatedSteps,
            }).ToArray()),
        });
    }
}
