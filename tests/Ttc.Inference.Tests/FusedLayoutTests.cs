using Ttc.Inference.Onnx;
using Ttc.Search;
using Ttc.TestSupport;

namespace Ttc.Inference.Tests;

/// <summary>
/// The shipped generators are in the fused layout; Fixtures/optimum holds the same weights in the
/// Optimum layout. Both must give the same logits (within 1e-4) and the same text, with the fused
/// attention run by our kernel ("ttc") and by ONNX Runtime's ("onnxruntime").
/// </summary>
public class FusedLayoutTests
{
    private const float Tolerance = 1e-4f;
    private static readonly InferenceOptions Options = new() { PrefixCacheMegabytes = 0, IntraOpThreads = 1, DecodeParallelism = 1 };

    /// <summary>Both shipped generators, each with its attention on our kernel and on ONNX Runtime's.</summary>
    public static TheoryData<string, string> GeneratorsAndKernels => new()
    {
        { "generator-small", "ttc" },
        { "generator-large", "ttc" },
        { "generator-small", "onnxruntime" },
        { "generator-large", "onnxruntime" },
    };

    /// <summary>The options with the fused attention on <paramref name="kernel"/>; skips "ttc" where the kernel was not built.</summary>
    internal static InferenceOptions WithKernel(string kernel, int prefixCacheMegabytes = 0)
    {
        if (kernel == "ttc" && AttentionKernel.Path is null)
        {
            Assert.Skip($"{AttentionKernel.FileName} was not built here (it needs Linux and g++)");
        }

        return new() { PrefixCacheMegabytes = prefixCacheMegabytes, IntraOpThreads = 1, DecodeParallelism = 1, AttentionKernel = kernel };
    }

    private static readonly (string Problem, string Prefix)[] Prompts =
    [
        ("Compute 7 + 5.", ""),
        ("Compute (3 + 4) * 2 - 5.", "## Step 1: 3 + 4 = 7.\n\n"),
        ("Compute 9 * 8 - 12 + 3 - 41 + 17 * 2.", ""),
        ("Compute 2 + 2.", "## Step 1"),
    ];

    internal static string Optimum(string name) => Path.Combine(SharedData.RepoRoot, "tests", "Ttc.Inference.Tests", "Fixtures", "optimum", name);

    private static DecodeRow Row(DecoderModel m, string problem, string prefix = "")
    {
        string prompt = m.Folder.Template.Render(null, problem, prefix);
        return new(m.Folder.Tokenizer.Encode(prompt).ToArray(), new PromptRequest(prompt, null, new Sampling(0, 1, 50, 1)));
    }

    private static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++)
        {
            best = logits[i] > logits[best] ? i : best;
        }

        return best;
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string where)
    {
        Assert.Equal(expected.Length, actual.Length);
        float worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            worst = System.Math.Max(worst, System.Math.Abs(expected[i] - actual[i]));
        }

        Assert.True(worst <= Tolerance, $"logits differ by {worst} at {where}");
    }

    [Theory]
    [InlineData("generator-small", 2, 16)]
    [InlineData("generator-large", 4, 32)]
    public void Open_EitherLayout_DetectedFromTheGraph(string name, int layers, int headDim)
    {
        using var plain = DecoderModel.Open(Optimum(name), Options);
        using var fused = DecoderModel.Open(TestModels.Shipped(name), Options);
        Assert.Equal(KvLayout.Optimum, plain.Layout);
        Assert.Equal(0, plain.KvCapacity);
        Assert.True(plain.UsesPositionIds);
        Assert.Equal(KvLayout.Fused, fused.Layout);
        Assert.Equal(512, fused.KvCapacity);
        Assert.False(fused.UsesPositionIds);
        Assert.Equal(layers, fused.Layers);
        Assert.Equal(headDim, fused.HeadDim); // the small model's 12-wide heads are padded to 16 for the operator
        Assert.Equal(plain.MaxPositions, fused.MaxPositions);
    }

    [Theory]
    [MemberData(nameof(GeneratorsAndKernels))]
    public void PrefillAndSteps_MixedLengthsAndCachedPrefixes_SameLogitsAsTheOptimumLayout(string name, string kernel)
    {
        using var plain = DecoderModel.Open(Optimum(name), Options);
        using var fused = DecoderModel.Open(TestModels.Shipped(name), WithKernel(kernel));
        long calls = AttentionKernel.CallsOnThisThread;
        var models = new[] { plain, fused };
        var first = models.Select(m => Prompts.Select(p => Row(m, p.Problem, p.Prefix)).ToList()).ToArray();

        // Each layout keeps its own KV of row 1, which round two continues.
        var kept = Decode(models, first, 6, keep: 1);
        try
        {
            string continued = Prompts[1].Prefix + plain.Folder.Tokenizer.Decode(first[0][1].Sampled.Take(5), skipAdded: true);
            var second = models.Select((m, k) =>
            {
                var rows = new List<DecodeRow> { Row(m, Prompts[0].Problem), Row(m, Prompts[1].Problem, continued), Row(m, Prompts[3].Problem, Prompts[3].Prefix) };
                // Three tokens left to run on top of the cached ones: a continuation of several tokens.
                int shared = System.Math.Min(kept[k].Tokens.Zip(rows[1].Prompt).TakeWhile(p => p.First == p.Second).Count(), rows[1].Prompt.Length - 3);
                Assert.True(shared > Prompts[1].Prefix.Length, "the continued prompt reuses the cached tokens");
                kept[k].Acquire();
                rows[1].Cached = shared;
                rows[1].CacheEntry = kept[k];
                return rows;
            }).ToArray();
            Decode(models, second, 4, keep: -1);
            Assert.Equal(second[0].Select(r => r.Sampled), second[1].Select(r => r.Sampled));
            Assert.Equal(first[0].Select(r => r.Sampled), first[1].Select(r => r.Sampled));
            // One intra-op thread: the session ran its kernels on this thread.
            Assert.Equal(kernel == "ttc", AttentionKernel.CallsOnThisThread > calls);
        }
        finally
        {
            Array.ForEach(kept, e => e.Release());
        }
    }

    [Theory]
    [MemberData(nameof(GeneratorsAndKernels))]
    public void Prefill_ManyRowsContinuingACachedPrefix_FedTogether_SameLogitsAsTheOptimumLayout(string name, string kernel)
    {
        // Beams after the first step: more rows continuing cached prefixes than new tokens each, which the
        // fused layout feeds together a token per call (rows of 1 to 3 new tokens, so some run out early).
        using var plain = DecoderModel.Open(Optimum(name), Options);
        using var fused = DecoderModel.Open(TestModels.Shipped(name), WithKernel(kernel));
        var models = new[] { plain, fused };
        var first = models.Select(m => Prompts.Select(p => Row(m, p.Problem, p.Prefix)).ToList()).ToArray();
        var kept = Decode(models, first, 8, keep: 1);
        try
        {
            var second = models.Select((m, k) => Enumerable.Range(1, 6).Select(j =>
            {
                string continued = Prompts[1].Prefix + plain.Folder.Tokenizer.Decode(first[0][1].Sampled.Take(j), skipAdded: true);
                var row = Row(m, Prompts[1].Problem, continued);
                int shared = kept[k].Tokens.Zip(row.Prompt).TakeWhile(p => p.First == p.Second).Count();
                row.Cached = System.Math.Min(shared, row.Prompt.Length - (1 + (j % 3)));
                Assert.True(row.Cached > Prompts[1].Prefix.Length, "the continued prompt reuses the cached tokens");
                kept[k].Acquire();
                row.CacheEntry = kept[k];
                return row;
            }).ToList()).ToArray();
            Decode(models, second, 3, keep: -1);
            Assert.Equal(second[0].Select(r => r.Sampled), second[1].Select(r => r.Sampled));
        }
        finally
        {
            Array.ForEach(kept, e => e.Release());
        }
    }

    /// <summary>
    /// Greedy steps on both layouts (the Optimum one decides the tokens), comparing every row's logits
    /// each step; returns each layout's KV of row <paramref name="keep"/> at the end, if asked.
    /// </summary>
    private static CachedPrefix[] Decode(DecoderModel[] models, List<DecodeRow>[] rows, int steps, int keep)
    {
        var states = new IDecodeBatch[] { KvBatch.Prefill(models[0], rows[0]), FusedKvBatch.Prefill(models[1], rows[1]) };
        foreach (var row in rows.SelectMany(r => r))
        {
            row.ReleaseCache();
        }

        try
        {
            for (int step = 0; ; step++)
            {
                for (int i = 0; i < rows[0].Count; i++)
                {
                    var logits = states.Select((s, k) => s.Logits(s.Rows.IndexOf(rows[k][i])).ToArray()).ToArray();
                    AssertClose(logits[0], logits[1], $"step {step}, row {i}");
                    int token = ArgMax(logits[0]);
                    rows[0][i].Sampled.Add(token);
                    rows[1][i].Sampled.Add(token);
                }

                if (step == steps)
                {
                    return keep < 0 ? [] : states.Select((s, k) => s.Extract(s.Rows.IndexOf(rows[k][keep]), rows[k][keep].FedTokens())).ToArray();
                }

                states = states.Select(s => s.Step()).ToArray();
            }
        }
        finally
        {
            Array.ForEach(states, s => s.Dispose());
        }
    }

    [Theory(Timeout = 300_000)]
    [MemberData(nameof(GeneratorsAndKernels))]
    public async Task GenerateAsync_OneByOneAndBatchedWithPrefixReuse_SameTextInBothLayouts(string name, string kernel)
    {
        var options = WithKernel(kernel, prefixCacheMegabytes: 16);
        using var plain = OnnxStepGenerator.Open(Optimum(name), options);
        using var fused = OnnxStepGenerator.Open(TestModels.Shipped(name), options);
        var ct = TestContext.Current.CancellationToken;
        // Nine rows of mixed lengths, some to the end and some one step, so finished rows are compacted away.
        var requests = Enumerable.Range(0, 9)
            .Select(i => new StepRequest($"Compute {i + 3} * {i + 2} - {(i * 7) + 1} + {i}.", i % 3 == 0 ? "## Step 1" : string.Empty, i % 2 == 0 ? null : "\n\n", new Sampling(0, 1, 120, i)))
            .ToList();
        foreach (var request in requests.Take(2))
        {
            Assert.Equal(await plain.GenerateAsync([request], ct), await fused.GenerateAsync([request], ct));
        }

        var firstPlain = await plain.GenerateAsync(requests, ct);
        Assert.Equal(firstPlain, await fused.GenerateAsync(requests, ct));

        // Round two continues every row after its first step: the prefix cache serves the shared tokens.
        var next = requests.Zip(firstPlain, (r, g) => r with { Prefix = r.Prefix + g.Text, StopSequence = "\n\n" }).ToList();
        Assert.Equal(await plain.GenerateAsync(next, ct), await fused.GenerateAsync(next, ct));
        Assert.True(fused.CachedPromptTokens > 0);
        Assert.Equal(plain.CachedPromptTokens, fused.CachedPromptTokens);
    }

    [Fact]
    public void TryAdmit_RowInAFinishedRowsSlot_SameLogitsAsAlone()
    {
        using var fused = DecoderModel.Open(TestModels.Shipped("generator-large"), Options);
        var rows = new List<DecodeRow> { Row(fused, Prompts[0].Problem), Row(fused, Prompts[2].Problem) };
        var admitted = Row(fused, Prompts[1].Problem, Prompts[1].Prefix);
        var alone = new List<DecodeRow> { Row(fused, Prompts[1].Problem, Prompts[1].Prefix) };
        using var reference = FusedKvBatch.Prefill(fused, alone);
        using var batch = FusedKvBatch.Prefill(fused, rows);
        Assert.False(batch.TryAdmit(admitted)); // both slots live
        rows[0].Sampled.Add(ArgMax(batch.Logits(0)));
        rows[0].Stop = StopReason.EndOfSequence;
        Assert.True(batch.TryAdmit(admitted));
        Assert.Same(admitted, batch.Rows[0]);
        AssertClose(reference.Logits(0), batch.Logits(0), "admission");
        for (int step = 0; step < 3; step++)
        {
            int token = ArgMax(reference.Logits(0));
            alone[0].Sampled.Add(token);
            admitted.Sampled.Add(token);
            rows[1].Sampled.Add(ArgMax(batch.Logits(1)));
            reference.Step();
            batch.Step();
            AssertClose(reference.Logits(0), batch.Logits(0), $"step {step}");
        }

        Assert.Equal(admitted.Prompt.Length + 3, admitted.Fed);
    }

    [Theory]
    [InlineData("ttc")]
    [InlineData("onnxruntime")]
    public void Step_PastAndPresentBoundToOneBuffer_OperatorWritesInPlace(string kernel)
    {
        using var fused = DecoderModel.Open(TestModels.Shipped("generator-small"), WithKernel(kernel));
        var rows = new List<DecodeRow> { Row(fused, Prompts[0].Problem), Row(fused, Prompts[2].Problem) };
        using var batch = FusedKvBatch.Prefill(fused, rows);
        // A mark past every row's positions: a separate present (zeroed, then copied back into the bound
        // buffer) would wipe it; the operator updating the shared buffer in place never touches it.
        int cap = fused.KvCapacity;
        batch.Head(0, 0, 0, cap)[^1] = 42f;
        var before = batch.Head(0, 0, 0, rows[0].Fed).ToArray();
        rows.ForEach(r => r.Sampled.Add(5));
        long calls = AttentionKernel.CallsOnThisThread;
        batch.Step();
        Assert.Equal(kernel == "ttc" ? 2 : 0, AttentionKernel.CallsOnThisThread - calls); // one call per layer
        Assert.Equal(42f, batch.Head(0, 0, 0, cap)[^1]);
        Assert.Equal(before, batch.Head(0, 0, 0, rows[0].Fed - 1).ToArray()); // the prompt's keys stay put
        Assert.Contains(batch.Head(0, 0, 0, rows[0].Fed).ToArray()[before.Length..], v => v != 0); // the new token's key
    }
}
