using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace TtcFunctions.Tests;

/// <summary>/v1/* as OpenAI clients see it: errors in OpenAI's shape, the model list, defaults, streaming, limits.</summary>
[Collection(nameof(HostGroup))]
public class OpenAiEndpointTests(HostFixture host)
{
    private const string Prompt = "<|begin|><|user|>Compute 7 + 5.<|assistant|>";

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Body(object fields) => System.Text.Json.JsonSerializer.Serialize(fields);

    private async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(string json)
    {
        using var client = host.Client();
        var response = await client.PostAsync("/v1/completions", Json(json), TestContext.Current.CancellationToken);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("""{"prompt": "x", "prompt": "y"}""", "Duplicate")]
    [InlineData("""{"prompt": "\ud800"}""", "prompt: the text has a lone UTF-16 surrogate")]
    [InlineData("""{"prompt": "x", "stop": "\udc00a"}""", "stop: the text has a lone UTF-16 surrogate")]
    public async Task Completions_DuplicateKeyOrLoneSurrogate_400(string json, string expected)
    {
        var (status, body) = await PostAsync(json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("""{"prompt": "x", "beam_width": 4}""", "beam_width", "unknown field 'beam_width'")]
    [InlineData("""{"prompt": "x", "maxTokens": 4}""", "maxTokens", "unknown field 'maxTokens' (did you mean 'max_tokens'?)")]
    [InlineData("""{"prompt": "x", "logprobs": 2}""", "logprobs", "logprobs: is not supported")]
    [InlineData("""{"prompt": "x", "presence_penalty": 0.5}""", "presence_penalty", "is not supported")]
    [InlineData("""{"prompt": ""}""", "prompt", "prompt: must not be empty")]
    [InlineData("""{"prompt": []}""", "prompt", "prompt: must not be empty")]
    [InlineData("""{"prompt": "x", "stop": ""}""", "stop", "stop: must not be empty")]
    public async Task Completions_UnknownUnsupportedOrEmpty_400NamingTheParam(string json, string param, string expected)
    {
        var (status, body) = await PostAsync(json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(param, body["error"]!["param"]!.GetValue<string>());
        Assert.Contains(expected, body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Completions_PromptsTimesNOverTheCap_400()
    {
        var (status, body) = await PostAsync(Body(new { prompt = Enumerable.Repeat("x", 200).ToArray(), n = 256, max_tokens = 1 }));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("n", body["error"]!["param"]!.GetValue<string>());
        Assert.Contains("200 prompt(s) x n = 256 asks for 51200 completions; at most 256", body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Completions_PromptOverTheContext_400ContextLengthExceeded()
    {
        var (status, body) = await PostAsync(Body(new { prompt = string.Concat(Enumerable.Repeat("1 + ", 200)), max_tokens = 5 }));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = body["error"]!;
        Assert.Equal("context_length_exceeded", error["code"]!.GetValue<string>());
        Assert.Equal("prompt", error["param"]!.GetValue<string>());
        Assert.Matches(@"^prompt: the prompt has \d+ tokens; the model 'generator-small' supports 512", error["message"]!.GetValue<string>());
    }

    [Fact(Timeout = 60_000)]
    public async Task Completions_UnknownModel_404ModelNotFound()
    {
        var (status, body) = await PostAsync(Body(new { model = "gpt-4o", prompt = Prompt }));
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("model_not_found", body["error"]!["code"]!.GetValue<string>());
        Assert.Contains("'gpt-4o' does not exist", body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Completions_NoMaxTokens_DefaultsToSixteenLikeOpenAi()
    {
        var (status, body) = await PostAsync(Body(new { model = "generator-small", prompt = Prompt, temperature = 0 }));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(16, body["usage"]!["completion_tokens"]!.GetValue<int>());
        Assert.Equal("length", body["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.Equal("generator-small", body["model"]!.GetValue<string>());
    }

    [Fact(Timeout = 60_000)]
    public async Task Completions_Echo_TextStartsWithThePrompt()
    {
        var (_, plain) = await PostAsync(Body(new { prompt = Prompt, temperature = 0, max_tokens = 10 }));
        var (status, echoed) = await PostAsync(Body(new { prompt = Prompt, temperature = 0, max_tokens = 10, echo = true }));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Prompt + plain["choices"]![0]!["text"]!.GetValue<string>(), echoed["choices"]![0]!["text"]!.GetValue<string>());
    }

    [Fact(Timeout = 60_000)]
    public async Task Models_List_ServesTheLoadedGeneratorAndRetrievesIt()
    {
        using var client = host.Client();
        var ct = TestContext.Current.CancellationToken;
        var list = (await client.GetFromJsonAsync<JsonObject>("/v1/models", ct))!;
        Assert.Equal("list", list["object"]!.GetValue<string>());
        var model = Assert.Single(list["data"]!.AsArray())!;
        Assert.Equal("generator-small", model["id"]!.GetValue<string>());
        Assert.Equal("model", model["object"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/models/generator-small", ct)).StatusCode);
        var missing = await client.GetAsync("/v1/models/nope", ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("model_not_found", (await missing.Content.ReadFromJsonAsync<JsonObject>(ct))!["error"]!["code"]!.GetValue<string>());
    }

    [Fact(Timeout = 60_000)]
    public async Task UnknownV1Route_404InOpenAiShape()
    {
        using var client = host.Client();
        var response = await client.PostAsync("/v1/chat/completions", Json("{}"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("/v1/chat/completions", (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Completions_Stream_SseChunksAssembleToTheNonStreamingText()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, whole) = await PostAsync(Body(new { prompt = Prompt, temperature = 0, max_tokens = 80, stop = "\n\n", n = 2 }));
        using var client = host.Client();
        var response = await client.PostAsync("/v1/completions", Json(Body(new { prompt = Prompt, temperature = 0, max_tokens = 80, stop = "\n\n", n = 2, stream = true, stream_options = new { include_usage = true } })), ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var events = (await response.Content.ReadAsStringAsync(ct)).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e, StringComparison.Ordinal));
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonNode.Parse(e["data: ".Length..])!).ToList();
        Assert.All(chunks, c => Assert.Equal("text_completion", c["object"]!.GetValue<string>()));
        Assert.True(chunks.Count > 4, $"{chunks.Count} chunks: the text should arrive in pieces");
        for (int i = 0; i < 2; i++)
        {
            var mine = chunks.SelectMany(c => c["choices"]!.AsArray()).Where(c => c!["index"]!.GetValue<int>() == i).ToList();
            Assert.Equal(whole["choices"]![i]!["text"]!.GetValue<string>(), string.Concat(mine.Select(c => c!["text"]!.GetValue<string>())));
            Assert.Equal("stop", mine[^1]!["finish_reason"]!.GetValue<string>());
        }

        Assert.Equal(whole["usage"]!.ToJsonString(), chunks[^1]["usage"]!.ToJsonString());
        Assert.Empty(chunks[^1]["choices"]!.AsArray());
    }

    [Fact(Timeout = 60_000)]
    public async Task Score_UnknownField_400NamingIt()
    {
        using var client = host.Client();
        var response = await client.PostAsync("/api/score", Json("""{"requests": [{"problem": "p", "steps": ["s"], "step": "x"}]}"""), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("unknown field 'step'", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
