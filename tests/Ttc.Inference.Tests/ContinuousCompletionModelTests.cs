using Ttc.Inference.Onnx;
using Ttc.Search;
using Ttc.TestSupport;

namespace Ttc.Inference.Tests;

public class ContinuousCompletionModelTests
{
    private static readonly InferenceOptions OneLane = new() { IntraOpThreads = 1, DecodeParallelism = 1 };

    /// <summary>The shipped small generator (the fused layout), or with <paramref name="layout"/> "optimum" its plain-layout copy.</summary>
    private static OnnxStepGenerator Open(InferenceOptions options, string layout = "fused") => OnnxStepGenerator.Open(
        layout == "optimum" ? Path.Combine(SharedData.RepoRoot, "tests", "Ttc.Inference.Tests", "Fixtures", "optimum", "generator-small") : TestModels.Shipped("generator-small"),
        options);

    private static PromptRequest Request(OnnxStepGenerator gen, string problem, string prefix = "", bool toEnd = false, int maxTokens = 400, Action<string>? onText = null) =>
        new(gen.Template.Render(gen.SystemPrompt, problem, prefix), toEnd ? null : "\n\n", new Sampling(0, 1.0, maxTokens, 1)) { OnText = onText };

    /// <summary>What the CLI's generator gives each request alone (no prefix cache, one batch).</summary>
    private static async Task<GeneratedStep> AloneAsync(PromptRequest request, string layout = "fused")
    {
        using var gen = Open(new InferenceOptions { PrefixCacheMegabytes = 0, IntraOpThreads = 1, DecodeParallelism = 1 }, layout);
        return Assert.Single(await gen.CompleteAsync([request with { OnText = null }], TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 120_000)]
    public async Task ShortRequest_JoiningALongOne_FinishesWhileTheLongOneIsStillDecoding()
    {
        var ct = TestContext.Current.CancellationToken;
        using var gen = Open(OneLane);
        using var model = new ContinuousCompletionModel(gen);
        using var submitted = new ManualResetEventSlim();
        Task<IReadOnlyList<GeneratedStep>>? shortTask = null;
        int longTokens = 0, longTokensAtShortDone = -1;
        var longRequest = Request(gen, "Compute 9 * 8 - 12 + 3.", toEnd: true, onText: _ =>
        {
            // On the decode thread: the first token waits until the short request is queued, so it joins this running batch.
            if (++longTokens == 1)
            {
                submitted.Wait(TimeSpan.FromSeconds(30), ct);
            }

            if (shortTask?.IsCompleted == true && longTokensAtShortDone < 0)
            {
                longTokensAtShortDone = longTokens;
            }
        });
        var longTask = model.CompleteAsync([longRequest], ct);
        var shortRequest = Request(gen, "Compute 7 + 5.", maxTokens: 4);
        shortTask = model.CompleteAsync([shortRequest], ct);
        submitted.Set();

        var shortResult = Assert.Single(await shortTask);
        var longResult = Assert.Single(await longTask);
        Assert.Equal(4, shortResult.GeneratedTokens);
        Assert.InRange(longTokensAtShortDone, 2, 10); // its result was handed over a few tokens into the long row...
        Assert.True(longResult.GeneratedTokens > longTokensAtShortDone + 10, $"long row: {longResult.GeneratedTokens} tokens"); // ...which decoded on for many more
        Assert.Equal(1, model.Lanes);
        Assert.Equal(2, model.Requests);
        Assert.Equal(await AloneAsync(shortRequest), shortResult);
        Assert.Equal(await AloneAsync(longRequest), longResult);
    }

    [Theory(Timeout = 180_000)]
    [InlineData(1, 64, "fused")]
    [InlineData(2, 4, "fused")]
    [InlineData(2, 4, "optimum")]
    public async Task Greedy_RequestsJoiningAtDifferentSteps_SameAsTheGeneratorAlone(int lanes, int maxBatch, string layout)
    {
        var ct = TestContext.Current.CancellationToken;
        using var gen = Open(new InferenceOptions { IntraOpThreads = 1, DecodeParallelism = lanes, MaxBatchSize = maxBatch }, layout);
        using var model = new ContinuousCompletionModel(gen);
        var step1 = Assert.Single(await model.CompleteAsync([Request(gen, "Compute (3 + 4) * 2 - 5.")], ct));
        List<PromptRequest> later =
        [
            Request(gen, "Compute (3 + 4) * 2 - 5.", step1.Text, toEnd: true), // its prompt is served from the prefix cache
            Request(gen, "Compute 7 + 5."),
            Request(gen, "Compute 2 + 2.", toEnd: true, maxTokens: 30),
            Request(gen, "Compute 12 * 12 - 100 + 7 * 3.", toEnd: true),
            Request(gen, "Compute 9 * 8 - 12 + 3.", maxTokens: 1),
        ];
        var joined = new List<Task<IReadOnlyList<GeneratedStep>>>();
        int tokens = 0;

        // The first request's progress submits the others, so they join its batch at different steps (and widths).
        var first = Request(gen, "Compute 9 * 8 - 12 + 3.", toEnd: true, onText: _ =>
        {
            tokens++;
            if (tokens is 2 or 5 or 9 && joined.Count < later.Count)
            {
                joined.Add(model.CompleteAsync(later.Skip(joined.Count).Take(tokens == 9 ? 3 : 1).ToList(), ct));
            }
        });
        var firstResult = Assert.Single(await model.CompleteAsync([first], ct));
        var results = (await Task.WhenAll(joined)).SelectMany(r => r).ToList();

        Assert.Equal(later.Count, results.Count);
        Assert.Equal(await AloneAsync(first, layout), firstResult);
        for (int i = 0; i < later.Count; i++)
        {
            Assert.Equal(await AloneAsync(later[i], layout), results[i]);
        }

        Assert.True(gen.CachedPromptTokens > 0, "no prompt token came from the prefix cache");
        Assert.True(model.RowSteps > model.Steps, $"{model.RowSteps} rows over {model.Steps} steps: no step decoded two requests together");
    }

    [Fact(Timeout = 120_000)]
    public async Task DecodeSubBatchRows_CapsALanesBatch_SameTexts()
    {
        var ct = TestContext.Current.CancellationToken;
        using var gen = Open(new InferenceOptions { IntraOpThreads = 1, DecodeParallelism = 1, DecodeSubBatchRows = 2 });
        using var model = new ContinuousCompletionModel(gen);
        var requests = Enumerable.Range(0, 6).Select(i => Request(gen, $"Compute {i + 2} * 3 + {i}.", toEnd: true, maxTokens: 12)).ToList();

        var results = await model.CompleteAsync(requests, ct);

        // All six arrive at once; the lane takes two, and the others as rows leave.
        Assert.Equal(2, model.LaneRows);
        Assert.True(model.RowSteps <= 2 * model.Steps, $"{model.RowSteps} rows over {model.Steps} steps: a step decoded more than 2 rows");
        Assert.True(model.RowSteps > model.Steps, $"{model.RowSteps} rows over {model.Steps} steps: no step decoded two rows");
        for (int i = 0; i < requests.Count; i++)
        {
            Assert.Equal(await AloneAsync(requests[i]), results[i]);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Cancellation_OfOneCaller_RemovesOnlyItsRows()
    {
        var ct = TestContext.Current.CancellationToken;
        using var gen = Open(OneLane);
        using var model = new ContinuousCompletionModel(gen);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        int cancelledTokens = 0, afterCancel = 0;
        var others = new List<PromptRequest> { Request(gen, "Compute 7 + 5.", toEnd: true), Request(gen, "Compute 12 * 12 - 100 + 7 * 3.") };
        Task<IReadOnlyList<GeneratedStep>>? othersTask = null;
        var doomed = Request(gen, "Compute 9 * 8 - 12 + 3.", toEnd: true, onText: _ =>
        {
            if (cancel.IsCancellationRequested)
            {
                afterCancel++;
            }
            else if (++cancelledTokens == 2)
            {
                othersTask = model.CompleteAsync(others, ct);
            }
            else if (cancelledTokens == 6)
            {
                cancel.Cancel();
            }
        });

        var doomedTask = model.CompleteAsync([doomed, Request(gen, "Compute 2 + 2.", toEnd: true)], cancel.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => doomedTask);
        Assert.NotNull(othersTask);
        var results = await othersTask;
        Assert.Equal(0, afterCancel); // its rows left the batch at the next step
        for (int i = 0; i < others.Count; i++)
        {
            Assert.Equal(await AloneAsync(others[i]), results[i]);
        }

        // The lane goes on serving new callers.
        var again = Request(gen, "Compute 7 + 5.");
        Assert.Equal(await AloneAsync(again), Assert.Single(await model.CompleteAsync([again], ct)));
    }

    [Fact(Timeout = 120_000)]
    public async Task Error_InOneCallersRow_FailsOnlyThatCaller()
    {
        var ct = TestContext.Current.CancellationToken;
        using var gen = Open(OneLane);
        using var model = new ContinuousCompletionModel(gen);
        var other = Request(gen, "Compute 12 * 12 - 100 + 7 * 3.", toEnd: true);
        Task<IReadOnlyList<GeneratedStep>>? otherTask = null;
        int tokens = 0;
        var failing = Request(gen, "Compute 9 * 8 - 12 + 3.", toEnd: true, onText: _ =>
        {
            if (++tokens == 1)
            {
                otherTask = model.CompleteAsync([other], ct); // joins this batch at the next step
            }
            else if (tokens == 4)
            {
                throw new InvalidOperationException("stream closed");
            }
        });

        var failed = model.CompleteAsync([failing, Request(gen, "Compute 2 + 2.", toEnd: true)], ct);
        Assert.Equal("stream closed", (await Assert.ThrowsAsync<InvalidOperationException>(() => failed)).Message);
        Assert.Equal(4, tokens); // its row stopped there
        Assert.NotNull(otherTask);
        Assert.Equal(await AloneAsync(other), Assert.Single(await otherTask));
    }

    [Fact(Timeout = 60_000)]
    public async Task PromptOverTheContext_StopsWithLengthWithoutDecoding()
    {
        using var gen = Open(OneLane);
        using var model = new ContinuousCompletionModel(gen);
        var over = new PromptRequest(string.Concat(Enumerable.Repeat("1 + ", 200)), null, new Sampling(0, 1, 10, 0));
        var results = await model.CompleteAsync([over, Request(gen, "Compute 7 + 5.", maxTokens: 3)], TestContext.Current.CancellationToken);
        Assert.Equal((string.Empty, StopReason.Length, 0), (results[0].Text, results[0].StopReason, results[0].GeneratedTokens));
        Assert.Equal(await AloneAsync(over), results[0]);
        Assert.Equal(3, results[1].GeneratedTokens);
        Assert.Equal(1, model.Requests);
    }

    [Fact(Timeout = 60_000)]
    public async Task Dispose_ThenCall_Throws()
    {
        using var gen = Open(OneLane);
        var model = new ContinuousCompletionModel(gen);
        model.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => model.CompleteAsync([Request(gen, "Compute 7 + 5.")], TestContext.Current.CancellationToken));
    }
}
