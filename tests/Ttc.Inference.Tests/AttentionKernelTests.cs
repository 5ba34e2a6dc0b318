using Microsoft.ML.OnnxRuntime;
using Ttc.Inference.Onnx;
using Ttc.TestSupport;

namespace Ttc.Inference.Tests;

/// <summary>
/// Our GroupQueryAttention kernel against ONNX Runtime's on single-operator graphs (Fixtures/gqa, written
/// by tools/ttc_models/gqa_fixtures.py) with what the shipped generators do not use: head sizes 48, 64
/// and 128, packed QKV, interleaved and partial rotary, groups of 1 and 4, past and present in separate
/// buffers. FusedLayoutTests covers the shipped generators, whose past and present share one buffer.
/// </summary>
public class AttentionKernelTests
{
    private const float Tolerance = 1e-4f;

    private static string Fixture(string name) => Path.Combine(SharedData.RepoRoot, "tests", "Ttc.Inference.Tests", "Fixtures", "gqa", name + ".onnx");

    /// <summary>A call of the operator: new tokens per row, each row's total length (seqlens_k + 1), and whether it is a first prompt.</summary>
    private sealed record OperatorCall(string Name, int Batch, int Seq, int[] Totals)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var fixture in new[] { "h64_g4_packed_interleaved", "h128_g1_norotary", "h48_g4_partial_rotary" })
        {
            foreach (var c in new[] { "first-prompt", "decode", "continuation" })
            {
                data.Add(fixture, c);
            }
        }

        return data;
    }

    private static OperatorCall Make(string name) => name switch
    {
        // Two rows right padded: the second holds 3 of the 5 positions.
        "first-prompt" => new(name, 2, 5, [5, 3]),
        // Three rows of different past lengths, one new token each.
        "decode" => new(name, 3, 1, [7, 11, 4]),
        // Three new tokens on a past of 6 (batch 1, as the operator requires).
        _ => new(name, 1, 3, [9]),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Run_SameOutputsAsOnnxRuntimesKernel(string fixture, string caseName)
    {
        var ours = FusedLayoutTests.WithKernel("ttc");
        using var mine = OnnxSessionFactory.Create(Fixture(fixture), ours);
        using var theirs = OnnxSessionFactory.Create(Fixture(fixture), FusedLayoutTests.WithKernel("onnxruntime"));
        var c = Make(caseName);
        var inputs = Inputs(mine, c, seed: fixture.Length * 31 + caseName.Length);

        long calls = AttentionKernel.CallsOnThisThread;
        var a = Run(mine, inputs);
        Assert.Equal(1, AttentionKernel.CallsOnThisThread - calls);
        var b = Run(theirs, inputs);
        Assert.Equal(calls + 1, AttentionKernel.CallsOnThisThread);

        var kvShape = mine.InputMetadata["past_key"].Dimensions; // [batch, kv_heads, capacity, head]
        int kvHeads = kvShape[1], cap = kvShape[2], head = kvShape[3];
        int width = a["output"].Length / (c.Batch * c.Seq);
        for (int row = 0; row < c.Batch; row++)
        {
            // Only the positions a row holds: a padded token's output and the cache beyond the row are unspecified.
            int valid = System.Math.Min(c.Seq, c.Totals[row]);
            for (int s = 0; s < valid; s++)
            {
                AssertClose(b["output"].AsSpan((row * c.Seq + s) * width, width), a["output"].AsSpan((row * c.Seq + s) * width, width), $"output row {row} token {s}");
            }

            for (int h = 0; h < kvHeads; h++)
            {
                int start = ((row * kvHeads) + h) * cap * head;
                foreach (var present in new[] { "present_key", "present_value" })
                {
                    AssertClose(b[present].AsSpan(start, c.Totals[row] * head), a[present].AsSpan(start, c.Totals[row] * head), $"{present} row {row} head {h}");
                }
            }
        }
    }

    [Fact]
    public void Create_ModelUsingWhatOurKernelLacks_AutoFallsBackAndTtcNamesIt()
    {
        var ttc = FusedLayoutTests.WithKernel("ttc");
        var ex = Assert.Throws<ModelLoadException>(() => OnnxSessionFactory.Create(Fixture("h32_g2_softcap"), ttc));
        Assert.Contains("softcap is not supported", ex.Message, StringComparison.Ordinal);

        // "auto": ONNX Runtime's kernel runs the model.
        using var session = OnnxSessionFactory.Create(Fixture("h32_g2_softcap"), new InferenceOptions { IntraOpThreads = 1, DecodeParallelism = 1 });
        long calls = AttentionKernel.CallsOnThisThread;
        var outputs = Run(session, Inputs(session, Make("decode"), seed: 5));
        Assert.Equal(calls, AttentionKernel.CallsOnThisThread);
        Assert.All(outputs["output"], v => Assert.True(float.IsFinite(v)));
    }

    [Theory]
    [InlineData("fast")]
    [InlineData("")]
    public void Validate_UnknownKernel_NamesTheField(string kernel)
    {
        var errors = new InferenceOptions { AttentionKernel = kernel }.Validate();
        Assert.Contains(errors, e => e.StartsWith("attentionKernel: must be 'auto', 'ttc' or 'onnxruntime'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_TtcOnCuda_NamesTheProvider()
    {
        var options = FusedLayoutTests.WithKernel("ttc");
        options.ExecutionProvider = "cuda";
        Assert.Contains(options.Validate(), e => e.StartsWith("attentionKernel: 'ttc' runs on the CPU provider only", StringComparison.Ordinal));
        Assert.False(AttentionKernel.Applies(new InferenceOptions { AttentionKernel = "onnxruntime" }));
    }

    /// <summary>Random inputs for <paramref name="c"/>: new tokens, a past filled up to each row's past length, the rotary tables.</summary>
    private static Dictionary<string, (float[]? F, int[]? I, long[] Shape)> Inputs(InferenceSession session, OperatorCall c, int seed)
    {
        var rng = new Random(seed);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
        var inputs = new Dictionary<string, (float[]? F, int[]? I, long[] Shape)>();
        var past = session.InputMetadata["past_key"].Dimensions;
        int kvHeads = past[1], cap = past[2], head = past[3];
        bool first = c.Totals.Max() == c.Seq && c.Seq > 1;
        foreach (var (name, meta) in session.InputMetadata)
        {
            switch (name)
            {
                case "query" or "key" or "value":
                    inputs[name] = (Random(c.Batch * c.Seq * meta.Dimensions[2]), null, [c.Batch, c.Seq, meta.Dimensions[2]]);
                    break;
                case "past_key" or "past_value":
                    var kv = new float[c.Batch * kvHeads * cap * head];
                    for (int b = 0; b < c.Batch && !first; b++)
                    {
                        for (int h = 0; h < kvHeads; h++)
                        {
                            Random((c.Totals[b] - c.Seq) * head).CopyTo(kv, ((b * kvHeads) + h) * cap * head);
                        }
                    }

                    inputs[name] = (kv, null, [c.Batch, kvHeads, cap, head]);
                    break;
                case "seqlens_k":
                    inputs[name] = (null, c.Totals.Select(t => t - 1).ToArray(), [c.Batch]);
                    break;
                case "total_sequence_length":
                    inputs[name] = (null, [c.Totals.Max()], [1]);
                    break;
                case "cos_cache" or "sin_cache":
                    int half = meta.Dimensions[1];
                    var table = new float[cap * half];
                    for (int p = 0; p < cap; p++)
                    {
                        for (int i = 0; i < half; i++)
                        {
                            double angle = p / System.Math.Pow(10000, 2.0 * i / (2 * half));
                            table[(p * half) + i] = (float)(name == "cos_cache" ? System.Math.Cos(angle) : System.Math.Sin(angle));
                        }
                    }

                    inputs[name] = (table, null, [cap, half]);
                    break;
                default:
                    throw new InvalidOperationException($"unexpected input {name}");
            }
        }

        return inputs;
    }

    private static Dictionary<string, float[]> Run(InferenceSession session, Dictionary<string, (float[]? F, int[]? I, long[] Shape)> inputs)
    {
        var values = inputs.ToDictionary(
            p => p.Key,
            p => p.Value.F is { } f ? OrtValue.CreateTensorValueFromMemory(f, p.Value.Shape) : OrtValue.CreateTensorValueFromMemory(p.Value.I!, p.Value.Shape));
        try
        {
            var names = session.OutputNames;
            using var options = new RunOptions();
            using var outputs = session.Run(options, values.Keys.ToArray(), values.Values.ToArray(), names);
            return names.Zip(outputs, (n, v) => (n, v.GetTensorDataAsSpan<float>().ToArray())).ToDictionary(p => p.n, p => p.Item2);
        }
        finally
        {
            foreach (var v in values.Values)
            {
                v.Dispose();
            }
        }
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string where)
    {
        float worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            worst = System.Math.Max(worst, System.Math.Abs(expected[i] - actual[i]));
        }

        Assert.True(worst <= Tolerance, $"{where}: differs by {worst}");
    }
}
