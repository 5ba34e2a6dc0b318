using System.Text.Json.Nodes;
using Ttc.Inference;
using Ttc.Search;

namespace TtcFunctions.Apis;

/// <summary>The inference functions: OpenAI-compatible completions and PRM scoring, dynamically batched.</summary>
internal static class InferenceApi
{
    private const int MaxBodyBytes = 4 * 1024 * 1024;

    public static void MapInferenceApi(this WebApplication app)
    {
        app.MapPost("/" + Routes.Completions, CompleteAsync);
        app.MapPost("/" + Routes.Score, ScoreAsync);
    }

    internal static async Task<IResult> CompleteAsync(HttpRequest http, InferenceBackends backends, HostSettings settings, CancellationToken ct)
    {
        var (f, error) = await JsonFields.ReadAsync(http, MaxBodyBytes, ct);
        if (f is null)
        {
            return error!;
        }

        var prompts = f.Strings("prompt", required: true) ?? [];
        int maxTokens = f.Number("max_tokens", 256);
        double temperature = f.Number("temperature", 1.0);
        double topP = f.Number("top_p", 1.0);
        int n = f.Number("n", 1);
        long seed = f.Number("seed", 0L);
        var stops = f.Strings("stop", required: false) ?? [];
        bool keepStop = f.Bool("include_stop_str_in_output", false);
        var model = f.String("model", required: false) ?? "generator";
        if (maxTokens < 1)
        {
            f.Fail("max_tokens", $"must be at least 1 (got {maxTokens})");
        }

        if (!double.IsFinite(temperature) || temperature < 0)
        {
            f.Fail("temperature", $"must be >= 0 (got {temperature})");
        }

        if (!(topP > 0 && topP <= 1))
        {
            f.Fail("top_p", $"must be in (0, 1] (got {topP})");
        }

        if (n < 1 || n > settings.MaxN)
        {
            f.Fail("n", $"must be between 1 and {settings.MaxN} (got {n})");
        }

        if (stops.Count > 1)
        {
            f.Fail("stop", "at most one stop sequence is supported");
        }

        if (prompts.Any(p => p.Length > settings.MaxPromptChars))
        {
            f.Fail("prompt", $"must be at most {settings.MaxPromptChars} characters");
        }

        if (f.Errors.Count > 0)
        {
            return Results.ValidationProblem(f.Errors, title: "Invalid completion request");
        }

        string? stop = stops.Count == 1 ? stops[0] : null;
        var requests = prompts.SelectMany(p => Enumerable.Range(0, n).Select(i =>
            new PromptRequest(p, stop, new Sampling(temperature, topP, maxTokens, i == 0 ? seed : Seeds.Derive(seed, 0, i))))).ToList();
        var results = await backends.Generator.CompleteAsync(requests, ct);
        var choices = new JsonArray();
        for (int i = 0; i < results.Count; i++)
        {
            var r = results[i];
            bool stopped = r.StopReason == StopReason.Separator;
            var text = stopped && !keepStop ? r.Text[..^stop!.Length] : r.Text;
            choices.Add(new JsonObject
            {
                ["index"] = i,
                ["text"] = text,
                ["logprobs"] = null,
                ["finish_reason"] = r.StopReason == StopReason.Length ? "length" : "stop",
                ["stop_reason"] = stopped ? stop : null,
            });
        }

        return Results.Json(new JsonObject
        {
            ["id"] = "cmpl-" + Guid.NewGuid().ToString("N"),
            ["object"] = "text_completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = model,
            ["choices"] = choices,
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = results.Sum(r => r.PromptTokens),
                ["completion_tokens"] = results.Sum(r => r.GeneratedTokens),
                ["total_tokens"] = results.Sum(r => r.PromptTokens + r.GeneratedTokens),
            },
        });
    }

    internal static async Task<IResult> ScoreAsync(HttpRequest http, InferenceBackends backends, HostSettings settings, CancellationToken ct)
    {
        var (f, error) = await JsonFields.ReadAsync(http, MaxBodyBytes, ct);
        if (f is null)
        {
            return error!;
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
            }).ToArray()),
        });
    }
}
