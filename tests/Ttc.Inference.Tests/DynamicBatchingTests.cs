using Ttc.Search;

namespace Ttc.Inference.Tests;

public class DynamicBatchingTests
{
    private sealed class CountingPrm : IProcessRewardModel
    {
        public List<int> Calls { get; } = [];

        public async Task<IReadOnlyList<StepScores>> ScoreAsync(IReadOnlyList<ScoreRequest> requests, CancellationToken cancellationToken = default)
        {
            lock (Calls)
            {
                Calls.Add(requests.Count);
            }

            await Task.Yield();
            return requests.Select(r => new StepScores(r.Steps.Select(s => s.Length / 10.0).ToList(), r.Steps.Count)).ToList();
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task ScoreAsync_ConcurrentCallers_ShareOneInnerCallAndGetTheirOwnResults()
    {
        var inner = new CountingPrm();
        await using var prm = new BatchingProcessRewardModel(inner, TimeSpan.FromMilliseconds(200), maxBatch: 64);
        var callers = Enumerable.Range(1, 4)
            .Select(k => prm.ScoreAsync(Enumerable.Range(0, k).Select(i => new ScoreRequest("p", [new string('x', k + i)])).ToList(), TestContext.Current.CancellationToken))
            .ToList();
        var results = await Task.WhenAll(callers);

        Assert.Equal([10], inner.Calls); // 1 + 2 + 3 + 4 requests, one call
        for (int k = 1; k <= 4; k++)
        {
            Assert.Equal(Enumerable.Range(0, k).Select(i => (k + i) / 10.0), results[k - 1].Select(r => r.Scores[0]));
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task RunAsync_InnerFails_EveryCallerInTheBatchSeesTheError()
    {
        await using var batcher = new DynamicBatcher<int, int>((_, _) => throw new InvalidOperationException("model down"), TimeSpan.FromMilliseconds(100), 8);
        var a = batcher.RunAsync([1], TestContext.Current.CancellationToken);
        var b = batcher.RunAsync([2, 3], TestContext.Current.CancellationToken);
        Assert.Equal("model down", (await Assert.ThrowsAsync<InvalidOperationException>(() => a)).Message);
        Assert.Equal("model down", (await Assert.ThrowsAsync<InvalidOperationException>(() => b)).Message);
    }
}
