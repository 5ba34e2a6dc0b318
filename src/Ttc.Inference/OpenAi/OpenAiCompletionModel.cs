using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenAI;
using Polly;
using Polly.Retry;
using Ttc.Inference.Tokenization;
using Ttc.Search;

namespace Ttc.Inference.OpenAi;

/// <summary>
/// A generator behind any OpenAI-compatible <c>/v1/completions</c> endpoint (vLLM, llama.cpp server,
/// our own host), through the OpenAI client's pipeline. One HTTP request per prompt, sent
/// concurrently so the server can batch them; transient failures are retried by Polly.
/// </summary>
public sealed class OpenAiCompletionModel : ITextCompletionModel
{
    private readonly OpenAIClient _client;
    private readonly Uri _completions;
    private readonly string _model;
    private readonly ResiliencePipeline _retry;
    private readonly int _concurrency;

    /// <summary>Creates the client.</summary>
    /// <param name="endpoint">Base address, e.g. http://127.0.0.1:8000/v1.</param>
    /// <param name="model">Model name sent with each request.</param>
    /// <param name="template">Chat layout of the served model (prompts are rendered client-side).</param>
    /// <param name="apiKey">Bearer key; servers that need none accept any.</param>
    /// <param name="concurrency">Requests in flight at once.</param>
    public OpenAiCompletionModel(Uri endpoint, string model, ChatTemplate template, string? apiKey = null, int concurrency = 64)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrEmpty(model);
        Template = template ?? throw new ArgumentNullException(nameof(template));
        _model = model;
        _concurrency = concurrency;
        var baseUri = endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
        _completions = new Uri(baseUri, "completions");
        // Retries live in Polly (one mechanism per layer), so the client's own policy is off.
        _client = new OpenAIClient(new ApiKeyCredential(apiKey ?? "none"), new OpenAIClientOptions { Endpoint = baseUri, RetryPolicy = new ClientRetryPolicy(0) });
        _retry = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 3,
            Delay = TimeSpan.FromMilliseconds(200),
            BackoffType = DelayBackoffType.Exponential,
            ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<ClientResultException>(e => e.Status is 0 or 408 or 429 or >= 500),
        }).Build();
    }

    /// <inheritdoc />
    public ChatTemplate Template { get; }

    /// <inheritdoc />
    public async Task<IReadOnlyList<GeneratedStep>> CompleteAsync(IReadOnlyList<PromptRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var results = new GeneratedStep[requests.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, requests.Count), new ParallelOptions { MaxDegreeOfParallelism = _concurrency, CancellationToken = cancellationToken }, async (i, ct) =>
            results[i] = await _retry.ExecuteAsync(token => CompleteOneAsync(requests[i], token), ct));
        return results;
    }

    private async ValueTask<GeneratedStep> CompleteOneAsync(PromptRequest request, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["model"] = _model,
            ["prompt"] = request.Prompt,
            ["max_tokens"] = request.Sampling.MaxTokens,
            ["temperature"] = request.Sampling.Temperature,
            ["top_p"] = request.Sampling.TopP,
            ["n"] = 1,
            ["seed"] = request.Sampling.Seed,
            ["include_stop_str_in_output"] = true, // vLLM: keep the separator, as search-and-learn does
            ["skip_special_tokens"] = true,
        };
        if (request.StopSequence is not null)
        {
            body["stop"] = new JsonArray(request.StopSequence);
        }

        using var message = _client.Pipeline.CreateMessage();
        message.Request.Method = "POST";
        message.Request.Uri = _completions;
        message.Request.Headers.Set("Content-Type", "application/json");
        message.Request.Content = BinaryContent.Create(BinaryData.FromString(body.ToJsonString()));
        message.Apply(new RequestOptions { CancellationToken = cancellationToken });
        await _client.Pipeline.SendAsync(message);
        var response = message.Response!;
        if (IsContextLengthExceeded(response))
        {
            // As the ONNX generator does: a prompt with no room left stops at once with Length, and the search goes on.
            return new GeneratedStep(string.Empty, StopReason.Length, 0, 0);
        }

        if (response.IsError)
        {
            throw new ClientResultException(response);
        }

        using var doc = JsonDocument.Parse(response.Content.ToMemory());
        var choice = doc.RootElement.GetProperty("choices")[0];
        var text = choice.GetProperty("text").GetString() ?? string.Empty;
        var finish = choice.TryGetProperty("finish_reason", out var f) ? f.GetString() : null;
        string? stopReason = choice.TryGetProperty("stop_reason", out var sr) && sr.ValueKind == JsonValueKind.String ? sr.GetString() : null;
        var usage = doc.RootElement.TryGetProperty("usage", out var u) ? u : default;
        int promptTokens = usage.ValueKind == JsonValueKind.Object ? usage.GetProperty("prompt_tokens").GetInt32() : 0;
        int completionTokens = usage.ValueKind == JsonValueKind.Object ? usage.GetProperty("completion_tokens").GetInt32() : 0;
        var stop = request.StopSequence;
        StopReason reason;
        if (finish == "length")
        {
            reason = StopReason.Length;
        }
        else if (stop is not null && (stopReason == stop || text.EndsWith(stop, StringComparison.Ordinal)))
        {
            // Servers that drop the stop string from the text still say which one matched.
            text = text.EndsWith(stop, StringComparison.Ordinal) ? text : text + stop;
            reason = StopReason.Separator;
        }
        else
        {
            reason = StopReason.EndOfSequence;
        }

        return new GeneratedStep(text, reason, promptTokens, completionTokens);
    }

    /// <summary>A 400 saying the prompt does not fit: OpenAI's and our code context_length_exceeded, or vLLM's "maximum context length" message.</summary>
    private static bool IsContextLengthExceeded(PipelineResponse response)
    {
        if (response.Status != 400)
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(response.Content.ToMemory());
            var root = doc.RootElement;
            var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : root;
            bool code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String && c.GetString() == "context_length_exceeded";
            bool message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String && m.GetString()!.Contains("maximum context length", StringComparison.OrdinalIgnoreCase);
            return code || message;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
