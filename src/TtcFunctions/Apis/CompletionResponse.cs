using System.Text.Json.Nodes;
using Ttc.Search;

namespace TtcFunctions.Apis;

/// <summary>The <c>text_completion</c> objects of <c>/v1/completions</c>: the whole response, or its stream's chunks.</summary>
internal sealed class CompletionResponse(CompletionRequest request)
{
    /// <summary>The id shared by the response or by every chunk of a stream.</summary>
    public string Id { get; } = "cmpl-" + Guid.NewGuid().ToString("N");

    /// <summary>Unix seconds when the request was answered.</summary>
    public long Created { get; } = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>The prompt of choice <paramref name="index"/> (prompt-major, then n).</summary>
    public string Prompt(int index) => request.Prompts[index / request.N];

    /// <summary>A choice's text as returned: the stop sequence dropped unless include_stop_str_in_output, the prompt first with echo.</summary>
    public string Text(int index, GeneratedStep result)
    {
        ArgumentNullException.ThrowIfNull(result);
        bool stopped = result.StopReason == StopReason.Separator && request.Stop is not null;
        var text = stopped && !request.KeepStop ? result.Text[..^request.Stop!.Length] : result.Text;
        return request.Echo ? Prompt(index) + text : text;
    }

    /// <summary>The non-streaming response.</summary>
    public JsonObject Complete(IReadOnlyList<GeneratedStep> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var choices = new JsonArray();
        for (int i = 0; i < results.Count; i++)
        {
            choices.Add(Choice(i, Text(i, results[i]), results[i]));
        }

        return Envelope(choices, Usage(results));
    }

    /// <summary>A stream chunk: text of one choice, with its finish reason when <paramref name="final"/> is given.</summary>
    public JsonObject Chunk(int index, string text, GeneratedStep? final) => Envelope(new JsonArray(Choice(index, text, final)), null);

    /// <summary>The last chunk with stream_options.include_usage: no choices, the usage of all.</summary>
    public JsonObject UsageChunk(IReadOnlyList<GeneratedStep> results) => Envelope([], Usage(results));

    private JsonObject Choice(int index, string text, GeneratedStep? result)
    {
        bool stopped = result?.StopReason == StopReason.Separator && request.Stop is not null;
        return new JsonObject
        {
            ["index"] = index,
            ["text"] = text,
            ["logprobs"] = null,
            ["finish_reason"] = result is null ? null : result.StopReason == StopReason.Length ? "length" : "stop",
            ["stop_reason"] = stopped ? request.Stop : null,
        };
    }

    private JsonObject Envelope(JsonArray choices, JsonObject? usage)
    {
        var o = new JsonObject
        {
            ["id"] = Id,
            ["object"] = "text_completion",
            ["created"] = Created,
            ["model"] = request.Model,
            ["choices"] = choices,
        };
        if (usage is not null || !request.Stream)
        {
            o["usage"] = usage;
        }

        return o;
    }

    private static JsonObject Usage(IReadOnlyList<GeneratedStep> results) => new()
    {
        ["prompt_tokens"] = results.Sum(r => r.PromptTokens),
        ["completion_tokens"] = results.Sum(r => r.GeneratedTokens),
        ["total_tokens"] = results.Sum(r => r.PromptTokens + r.GeneratedTokens),
    };
}
