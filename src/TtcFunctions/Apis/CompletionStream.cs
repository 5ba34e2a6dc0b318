using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Ttc.Inference;
using Ttc.Search;

namespace TtcFunctions.Apis;

/// <summary>
/// <c>stream: true</c>: server-sent events in OpenAI's format, one <c>data: {text_completion chunk}</c>
/// per piece of a choice's text as it is decoded, a last chunk per choice with its finish reason,
/// the usage chunk when asked, then <c>data: [DONE]</c>. The chunks of a choice concatenate to the
/// non-streaming text: text that could still turn out to be the start of the stop sequence is held
/// back until it is known.
/// </summary>
internal sealed class CompletionStream(ITextCompletionModel model, CompletionRequest request) : IResult
{
    private static readonly byte[] Done = Encoding.UTF8.GetBytes("data: [DONE]\n\n");

    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var ct = httpContext.RequestAborted;
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";

        var shape = new CompletionResponse(request);
        var pieces = Channel.CreateUnbounded<(int Index, string Text)>(new UnboundedChannelOptions { SingleReader = true });
        var prompts = request.ToPromptRequests().Select((r, i) => r with { OnText = text => pieces.Writer.TryWrite((i, text)) }).ToList();
        var sent = new string[prompts.Count];
        Array.Fill(sent, string.Empty);
        for (int i = 0; i < prompts.Count && request.Echo; i++)
        {
            await WriteAsync(response, shape.Chunk(i, shape.Prompt(i), null), ct);
        }

        var completing = model.CompleteAsync(prompts, ct);
        _ = completing.ContinueWith(_ => pieces.Writer.TryComplete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await foreach (var (index, text) in pieces.Reader.ReadAllAsync(ct))
        {
            var settled = Settled(text);
            if (settled.Length > sent[index].Length && settled.StartsWith(sent[index], StringComparison.Ordinal))
            {
                await WriteAsync(response, shape.Chunk(index, settled[sent[index].Length..], null), ct);
                sent[index] = settled;
            }
        }

        IReadOnlyList<GeneratedStep> results;
        try
        {
            results = await completing;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // The status line is gone already: the error travels as an event, which OpenAI clients raise.
            await WriteAsync(response, OpenAiErrors.Body($"The completion failed: {ex.Message}", "server_error", null, null), ct);
            return;
        }

        for (int i = 0; i < results.Count; i++)
        {
            var full = shape.Text(i, results[i]);
            var body = request.Echo ? full[shape.Prompt(i).Length..] : full;
            // Everything sent was a prefix of the final text; a decoder that rewrote earlier text would only lose the overlap.
            var rest = body.StartsWith(sent[i], StringComparison.Ordinal) ? body[sent[i].Length..] : body;
            await WriteAsync(response, shape.Chunk(i, rest, results[i]), ct);
        }

        if (request.IncludeUsage)
        {
            await WriteAsync(response, shape.UsageChunk(results), ct);
        }

        await response.Body.WriteAsync(Done, ct);
        await response.Body.FlushAsync(ct);
    }

    /// <summary>The part of the text so far that can be sent: without a trailing partial character or a tail that may begin the stop sequence.</summary>
    private string Settled(string text)
    {
        int end = text.Length;
        while (end > 0 && (text[end - 1] == '\uFFFD' || char.IsHighSurrogate(text[end - 1])))
        {
            end--;
        }

        if (request.Stop is { } stop)
        {
            for (int k = System.Math.Min(stop.Length - 1, end); k > 0; k--)
            {
                if (text.AsSpan(end - k, k).SequenceEqual(stop.AsSpan(0, k)))
                {
                    end -= k;
                    break;
                }
            }
        }

        return text[..end];
    }

    private static async Task WriteAsync(HttpResponse response, JsonObject data, CancellationToken ct)
    {
        await response.WriteAsync("data: " + data.ToJsonString() + "\n\n", ct);
        await response.Body.FlushAsync(ct);
    }
}
