using System.Diagnostics;
using System.Text;
using Microsoft.ML.OnnxRuntime;

namespace Ttc.Cli.Commands;

/// <summary>
/// The FP32 matrix-multiply rate ONNX Runtime reaches on this machine: a MatMul-only model, built here
/// in memory, run on square matrices. It is the ceiling the generator's GFLOP/s is compared with, since
/// its kernels are the same MLAS SGEMM; a datasheet peak (cores x clock x FMA width) is not reachable.
/// </summary>
internal static class SgemmPeak
{
    /// <summary>The best GFLOP/s over <paramref name="runs"/> products of two n x n matrices (after a warm-up).</summary>
    public static double Measure(int threads, int n = 1024, int runs = 8)
    {
        using var options = new SessionOptions { IntraOpNumThreads = threads };
        using var session = new InferenceSession(MatMulModel(), options);
        var rng = new Random(1);
        var a = new float[n * n];
        var b = new float[n * n];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (float)rng.NextDouble();
            b[i] = (float)rng.NextDouble();
        }

        using var va = OrtValue.CreateTensorValueFromMemory(a, [n, n]);
        using var vb = OrtValue.CreateTensorValueFromMemory(b, [n, n]);
        using var run = new RunOptions();
        string[] inputs = ["A", "B"], outputs = ["C"];
        OrtValue[] values = [va, vb];
        double best = 0;
        for (int r = -2; r < runs; r++)
        {
            long start = Stopwatch.GetTimestamp();
            using (session.Run(run, inputs, values, outputs))
            {
                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                best = r >= 0 ? System.Math.Max(best, 2.0 * n * n * n / seconds / 1e9) : best;
            }
        }

        return best;
    }

    /// <summary>ModelProto bytes of C = MatMul(A, B) over float [n, n] inputs (opset 17, written by hand: no ONNX package needed).</summary>
    private static byte[] MatMulModel()
    {
        static byte[] Tensor(string name)
        {
            // ValueInfoProto { name, type: TypeProto { tensor_type: { elem_type FLOAT, shape [n, n] } } } with symbolic dims.
            var dims = Concat(Bytes(1, Concat(Bytes(2, "n"))), Bytes(1, Concat(Bytes(2, "n"))));
            var tensorType = Concat(Varint(1, 1), Bytes(2, dims));
            return Concat(Bytes(1, name), Bytes(2, Bytes(1, tensorType)));
        }

        var node = Concat(Bytes(1, "A"), Bytes(1, "B"), Bytes(2, "C"), Bytes(3, "matmul"), Bytes(4, "MatMul"));
        var graph = Concat(Bytes(1, node), Bytes(2, "sgemm"), Bytes(11, Tensor("A")), Bytes(11, Tensor("B")), Bytes(12, Tensor("C")));
        var opset = Concat(Bytes(1, string.Empty), Varint(2, 17));
        return Concat(Varint(1, 8), Bytes(2, "ttc"), Bytes(7, graph), Bytes(8, opset));
    }

    private static byte[] Varint(int field, long value) => Concat(Key(field, 0), Raw((ulong)value));

    private static byte[] Bytes(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    private static byte[] Bytes(int field, byte[] value) => Concat(Key(field, 2), Raw((ulong)value.Length), value);

    private static byte[] Key(int field, int wireType) => Raw((ulong)((field << 3) | wireType));

    private static byte[] Raw(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            byte low = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? low : (byte)(low | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
