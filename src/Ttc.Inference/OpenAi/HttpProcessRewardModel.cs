using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Polly;
using Polly.Retry;
using Ttc.Search;

namespace Ttc.Inference.OpenAi;

/// <summary>The PRM behind our host's <c>/api/score</c> inference function (a GPU node), with Polly retries.</summary>
public sealed class HttpProcessRewardModel(HttpClient http, Uri scoreUri, string? functionKey = null) : IProcessRewardModel
{
    private readonly ResiliencePipeline _retry = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
    {
        MaxRetryAttempts = 3,
        Delay = TimeSpan.FromMilliseconds(200),
        BackoffType = DelayBackoffType.Exponential,
        ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>(e => e.StatusCode is null or >= System.Net.HttpStatusCode.InternalServerError),
    }).Build();

    /// <inheritdoc />
    public async Task<IReadOnlyList<StepScores>> ScoreAsync(IReadOnlyList<ScoreRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var body = new JsonObject
        {
            ["requests"] = new JsonArray(requests.Select(r => (JsonNode)new JsonObject
            {
                ["problem"] = r.Problem,
                ["steps"] = new JsonArray(r.Steps.Select(s => (JsonNode)s).ToArray()),
            }).ToArray()),
        };
        return await _retry.ExecuteAsync(
            async ct =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, scoreUri) { Content = JsonContent.Create(body) };
                if (functionKey is not null)
                {
                    request.Headers.Add("x-functions-key", functionKey);
                }

                using var response = await http.SendAsync(request, ct);
                response.EnsureSuccessStatusCode();
                var json = (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!;
                return (IReadOnlyList<StepScores>)json["results"]!.AsArray()
                    .Select(r => new StepScores(r!["scores"]!.AsArray().Select(x => x!.GetValue<double>()).ToList(), r["tokens"]!.GetValue<int>(), r["truncatedSteps"]?.GetValue<int>() ?? 0))
                    .ToList();
            },
            cancellationToken);
    }
}
