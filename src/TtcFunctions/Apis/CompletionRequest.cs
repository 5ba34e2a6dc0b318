using System.Text.Json;
using System.Text.Json.Nodes;
using Ttc.Inference;
using Ttc.Search;

namespace TtcFunctions.Apis;

/// <summary>A checked <c>POST /v1/completions</c> body: prompts x n choices and how to answer them.</summary>
internal sealed record CompletionRequest(
    IReadOnlyList<string> Prompts,
    string Model,
    int MaxTokens,
    double Temperature,
    double TopP,
    int N,
    long Seed,
    string? Stop,
    bool KeepStop,
    bool Echo,
    bool Stream,
    bool IncludeUsage)
{
    /// <summary>OpenAI's default when max_tokens is absent.</summary>
    public const int DefaultMaxTokens = 16;

    /// <summary>The name workers use for the served generator, accepted besides its folder name.</summary>
    public const string GeneratorAlias = "generator";

    /// <summary>Every field the endpoint reads; any other is rejected as unknown.</summary>
    private static readonly string[] Fields =
    [
        "model", "prompt", "max_tokens", "temperature", "top_p", "n", "seed", "stop", "stream", "stream_options",
        "echo", "logprobs", "include_stop_str_in_output", "skip_special_tokens", "user",
        "best_of", "frequency_penalty", "presence_penalty", "logit_bias", "suffix",
    ];

    /// <summary>Choices in request order: prompt-major, then n; each choice's seed derives from the request's.</summary>
    public IReadOnlyList<PromptRequest> ToPromptRequests() =>
        Prompts.SelectMany(p => Enumerable.Range(0, N).Select(i =>
            new PromptRequest(p, Stop, new Sampling(Temperature, TopP, MaxTokens, i == 0 ? Seed : Seeds.Derive(Seed, 0, i))))).ToList();

    /// <summary>Reads and checks the body; the error is an OpenAI-shaped 400, 404 (unknown model) or context_length_exceeded.</summary>
    public static (CompletionRequest? Request, IResult? Error) Read(JsonFields f, HostSettings settings, IModelLimits? limits)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(settings);
        f.RejectUnknown(Fields);
        var prompts = f.Strings("prompt", required: true) ?? [];
        int maxTokens = f.Number("max_tokens", DefaultMaxTokens);
        double temperature = f.Number("temperature", 1.0);
        double topP = f.Number("top_p", 1.0);
        int n = f.Number("n", 1);
        long seed = f.Number("seed", 0L);
        var stops = f.Strings("stop", required: false) ?? [];
        bool keepStop = f.Bool("include_stop_str_in_output", false);
        bool echo = f.Bool("echo", false);
        bool stream = f.Bool("stream", false);
        bool includeUsage = StreamOptions(f);
        var model = f.String("model", required: false);
        f.String("user", required: false);
        Unsupported(f, n);
        if (f.Body.ContainsKey("prompt") && prompts.Count == 0 && !f.Errors.ContainsKey("prompt"))
        {
            f.Fail("prompt", "must not be empty");
        }

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
        else if ((long)prompts.Count * n > settings.MaxChoicesPerRequest)
        {
            f.Fail("n", $"{prompts.Count} prompt(s) x n = {n} asks for {(long)prompts.Count * n} completions; at most {settings.MaxChoicesPerRequest} are served per request (ttc:maxChoicesPerRequest)");
        }

        if (stops.Count > 1)
        {
            f.Fail("stop", "at most one stop sequence is supported");
        }
        else if (stops.Count == 1 && stops[0].Length == 0)
        {
            f.Fail("stop", "must not be empty");
        }

        if (prompts.FindIndex(p => p.Length > settings.MaxPromptChars) is var longIndex and >= 0)
        {
            f.Fail(PromptParam(prompts, longIndex), $"must be at most {settings.MaxPromptChars} characters");
        }
        else if (prompts.FindIndex(p => p.Length == 0) is var emptyIndex and >= 0)
        {
            f.Fail(PromptParam(prompts, emptyIndex), "must not be empty");
        }

        if (f.Errors.Count > 0)
        {
            return (null, OpenAiErrors.InvalidFields(f.Errors));
        }

        var served = limits?.ModelId ?? GeneratorAlias;
        if (model is not null && model != served && model != GeneratorAlias)
        {
            return (null, OpenAiErrors.ModelNotFound(model, [served]));
        }

        if (limits is not null && CheckContext(prompts, limits) is { } tooLong)
        {
            return (null, tooLong);
        }

        return (new CompletionRequest(prompts, model ?? served, maxTokens, temperature, topP, n, seed, stops.Count == 1 ? stops[0] : null, keepStop, echo, stream, includeUsage), null);
    }

    /// <summary>A prompt must have a token and leave room for one more; a longer answer stops at the context with finish_reason "length".</summary>
    private static IResult? CheckContext(List<string> prompts, IModelLimits limits)
    {
        for (int i = 0; i < prompts.Count; i++)
        {
            int tokens = limits.CountTokens(prompts[i]);
            if (tokens == 0)
            {
                return OpenAiErrors.InvalidRequest(PromptParam(prompts, i), $"{PromptParam(prompts, i)}: the prompt has no tokens");
            }

            if (tokens >= limits.ContextLength)
            {
                return OpenAiErrors.ContextLengthExceeded(
                    PromptParam(prompts, i),
                    $"{PromptParam(prompts, i)}: the prompt has {tokens} tokens; the model '{limits.ModelId}' supports {limits.ContextLength}, prompt and generated tokens together");
            }
        }

        return null;
    }

    private static string PromptParam(List<string> prompts, int index) => prompts.Count == 1 ? "prompt" : $"prompt[{index}]";

    private static bool StreamOptions(JsonFields f)
    {
        if (!f.Body.TryGetPropertyValue("stream_options", out var node) || node is null)
        {
            return false;
        }

        if (node is not JsonObject o || o.Any(p => p.Key != "include_usage"))
        {
            f.Fail("stream_options", "must be an object with only include_usage");
            return false;
        }

        var inner = new JsonFields(o);
        bool usage = inner.Bool("include_usage", false);
        foreach (var (key, messages) in inner.Errors)
        {
            f.Errors["stream_options." + key] = messages;
        }

        if (!f.Bool("stream", false))
        {
            f.Fail("stream_options", "is only allowed with stream: true");
        }

        return usage;
    }

    /// <summary>OpenAI fields we do not implement: accepted at their neutral value, a clear 400 otherwise.</summary>
    private static void Unsupported(JsonFields f, int n)
    {
        if (f.Body["logprobs"] is { } logprobs)
        {
            f.Fail("logprobs", $"is not supported by this server (got {logprobs.ToJsonString()}); leave it out or send null");
        }

        if (f.Body["best_of"] is { } bestOf && !(bestOf.GetValueKind() == JsonValueKind.Number && bestOf.GetValue<double>() is var b && (b == 1 || b == n)))
        {
            f.Fail("best_of", "is not supported by this server: leave it out, or send 1 or the same value as n");
        }

        foreach (var penalty in new[] { "frequency_penalty", "presence_penalty" })
        {
            if (f.Body[penalty] is { } p && !(p.GetValueKind() == JsonValueKind.Number && p.GetValue<double>() == 0))
            {
                f.Fail(penalty, "is not supported by this server: leave it out or send 0");
            }
        }

        if (f.Body["logit_bias"] is { } bias && !(bias is JsonObject o && o.Count == 0))
        {
            f.Fail("logit_bias", "is not supported by this server: leave it out or send {}");
        }

        if (f.Body["suffix"] is { } suffix && !(suffix.GetValueKind() == JsonValueKind.String && suffix.GetValue<string>().Length == 0))
        {
            f.Fail("suffix", "is not supported by this server (insertion is not implemented)");
        }

        if (f.Body.ContainsKey("skip_special_tokens") && !f.Bool("skip_special_tokens", true))
        {
            f.Fail("skip_special_tokens", "only true is supported (special tokens are always left out of the text)");
        }
    }
}
