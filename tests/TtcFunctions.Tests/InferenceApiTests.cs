using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Ttc.Inference;
using Ttc.Inference.Onnx;
using Ttc.Inference.OpenAi;
using Ttc.Search;
using Ttc.TestSupport;

namespace TtcFunctions.Tests;

[Collection(nameof(HostGroup))]
public class InferenceApiTests(HostFixture host)
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact(Timeout = 120_000)]
    public async Task OpenAiBackend_AgainstOurHost_SameTextAsInProcessOnnx()
    {
        var ct = TestContext.Current.CancellationToken;
        using var local = OnnxStepGenerator.Open(TestModels.Shipped("generator-small"), new InferenceOptions { PrefixCacheMegabytes = 0 });
        var remote = new OpenAiCompletionModel(new Uri(host.BaseAddress, "v1"), "generator-small", local.Template, HostFixture.Key);
        var requests = new[] { "Compute 7 + 5.", "Compute (3 + 4) * 2 - 5.", "Compute 9 * 8 - 12 + 3." }
            .SelectMany((p, i) => new[]
            {
                new StepRequest(p, string.Empty, "\n\n", new Sampling(0.8, 1.0, 300, i)),
                new StepRequest(p, string.Empty, null, new Sampling(0, 1.0, 300, 0)),
            }).ToList();

        var expected = await local.GenerateAsync(requests, ct);
        var actual = await new TemplatedStepGenerator(remote, null).GenerateAsync(requests, ct);
        Assert.Equal(expected, actual);
    }

    [Fact(Timeout = 60_000)]
    public async Task OpenAiBackend_PromptOverTheContext_StopsWithLengthLikeTheOnnxGenerator()
    {
        var ct = TestContext.Current.CancellationToken;
        var template = Ttc.Inference.Tokenization.ChatTemplate.Detect(null, new Dictionary<string, int> { ["<|assistant|>"] = 4 });
        var remote = new OpenAiCompletionModel(new Uri(host.BaseAddress, "v1"), "generator", template, HostFixture.Key);
        var results = await remote.CompleteAsync([new PromptRequest(string.Concat(Enumerable.Repeat("1 + ", 200)), "\n\n", new Sampling(0, 1, 10, 0)), new PromptRequest("<|begin|><|user|>Compute 1 + 1.<|assistant|>", null, new Sampling(0, 1, 5, 0))], ct);
        Assert.Equal(new GeneratedStep(string.Empty, StopReason.Length, 0, 0), results[0]);
        Assert.Equal(5, results[1].GeneratedTokens);
    }

    [Fact(Timeout = 120_000)]
    public async Task SearchOverHttp_BeamSearch_RunsThroughTheOpenAiBackend()
    {
        var ct = TestContext.Current.CancellationToken;
        var template = Ttc.Inference.Tokenization.ChatTemplate.Detect(null, new Dictionary<string, int> { ["<|assistant|>"] = 4 });
        var remote = new TemplatedStepGenerator(new OpenAiCompletionModel(new Uri(host.BaseAddress, "v1"), "generator", template, HostFixture.Key), null);
        var config = new SearchConfig { Strategy = StrategyNames.BeamSearch, N = 4, BeamWidth = 2, Seed = 3 };
        var continuous = host.Backends.Continuous;
        (long steps, long rowSteps) = (continuous.Steps, continuous.RowSteps);
        var result = await SearchRunner.SolveAsync("Compute 6 + 7.", config, new SearchContext(remote, host.Backends.Prm), cancellationToken: ct);
        Assert.Contains("\\boxed{", result.Completion, StringComparison.Ordinal);
        // Four concurrent HTTP requests per step share decode steps in the continuous batching.
        (steps, rowSteps) = (continuous.Steps - steps, continuous.RowSteps - rowSteps);
        Assert.True(rowSteps > steps, $"{rowSteps} rows over {steps} decode steps for {result.Compute.GeneratedSequences} sequences");
    }

    [Fact(Timeout = 60_000)]
    public async Task Completions_ResponseShape_FollowsOpenAi()
    {
        using var client = host.Client();
        var response = await client.PostAsync("/v1/completions", Json("""{"prompt": "<|begin|><|user|>Compute 1 + 1.<|assistant|>", "max_tokens": 40, "temperature": 0, "stop": "\n\n", "n": 2}"""), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!;
        Assert.Equal("text_completion", body["object"]!.GetValue<string>());
        var choices = body["choices"]!.AsArray();
        Assert.Equal(2, choices.Count);
        Assert.Equal("stop", choices[0]!["finish_reason"]!.GetValue<string>());
        Assert.Equal("\n\n", choices[0]!["stop_reason"]!.GetValue<string>());
        Assert.DoesNotContain("\n\n", choices[0]!["text"]!.GetValue<string>(), StringComparison.Ordinal); // dropped unless include_stop_str_in_output
        Assert.True(body["usage"]!["completion_tokens"]!.GetValue<int>() > 0);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("{not json", null, "Malformed JSON")]
    [InlineData("[1, 2]", null, "must be a JSON object")]
    [InlineData("""{"max_tokens": 5}""", "prompt", "prompt: is required")]
    [InlineData("""{"prompt": "x", "n": 100000}""", "n", "n: must be between 1 and")]
    [InlineData("""{"prompt": "x", "temperature": "hot"}""", "temperature", "temperature: must be a number")]
    [InlineData("""{"prompt": "x", "stop": ["a", "b"]}""", "stop", "at most one stop sequence")]
    public async Task Completions_BadInput_400InOpenAiShapeNamingTheParam(string json, string? param, string expected)
    {
        using var client = host.Client();
        var response = await client.PostAsync("/v1/completions", Json(json), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["error"]!;
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.Equal(param, error["param"]?.GetValue<string>());
        Assert.Contains(expected, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Score_Batch_OneScorePerStep()
    {
        using var client = host.Client();
        var response = await client.PostAsync("/api/score", Json("""{"requests": [{"problem": "Compute 7 + 5.", "steps": ["## Step 1: 7 + 5 = 12.", "Therefore, the final answer is: $\\boxed{12}$. I hope it is correct."]}, {"problem": "Compute 1 + 1.", "steps": ["## Step 1: 1 + 1 = 2."]}]}"""), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["results"]!.AsArray();
        Assert.Equal(2, results[0]!["scores"]!.AsArray().Count);
        Assert.Single(results[1]!["scores"]!.AsArray());
    }

    [Fact(Timeout = 60_000)]
    public async Task Score_MissingSteps_400NamingTheField()
    {
        using var client = host.Client();
        var response = await client.PostAsync("/api/score", Json("""{"requests": [{"problem": "p"}]}"""), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("requests[0].steps", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("wrong", HttpStatusCode.Unauthorized)]
    [InlineData(HostFixture.Key, HttpStatusCode.OK)]
    public async Task Score_FunctionKeyInCodeQuery_Checked(string? code, HttpStatusCode expected)
    {
        using var client = host.Client(withKey: false);
        var url = "/api/score" + (code is null ? string.Empty : "?code=" + code);
        var response = await client.PostAsync(url, Json("""{"requests": [{"problem": "p", "steps": ["s"]}]}"""), TestContext.Current.CancellationToken);
        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Unauthorized)
        {
            Assert.Contains("function key", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }
    }
}
