using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Ttc.Inference.Onnx;

/// <summary>
/// The rows of a batch with their attention mask and KV tensors ([batch, heads, columns, headDim]
/// per layer), either as the last run's outputs or as arrays after a compaction.
/// </summary>
internal sealed partial class KvBatch : IDecodeBatch
{
    private readonly DecoderModel _m;
    private readonly long[] _mask;
    private readonly int _columns;
    private readonly int _logitsSeq;
    private readonly float[]? _logits;
    private readonly IDisposableReadOnlyCollection<OrtValue>? _outputs;
    private readonly OrtValue[] _past;

    private KvBatch(DecoderModel m, List<DecodeRow> rows, long[] mask, int columns, IDisposableReadOnlyCollection<OrtValue>? outputs, OrtValue[] past, int logitsSeq, float[]? logits = null)
    {
        _logits = logits;
        _m = m;
        Rows = rows;
        _mask = mask;
        _columns = columns;
        _outputs = outputs;
        _past = past;
        _logitsSeq = logitsSeq;
    }

    public List<DecodeRow> Rows { get; }

    private int Heads => _m.KvHeads;

    private int HeadDim => _m.HeadDim;

    /// <summary>
    /// Most attention scores (rows x query heads x new tokens x columns) one prefill call may compute.
    /// A long prompt is fed in chunks of tokens below it: one call over 32 rows of 500 new tokens
    /// computes 128 MiB of scores per layer, and ONNX Runtime's arena keeps the peak for good.
    /// </summary>
    internal const long MaxPrefillScores = 4L << 20;

    /// <summary>Runs the prompts (minus their cached prefixes), in as few calls as the score budget allows.</summary>
    public static KvBatch Prefill(DecoderModel m, List<DecodeRow> rows)
    {
        int b = rows.Count, h = m.KvHeads, d = m.HeadDim;
        int p = rows.Max(r => r.Cached);
        int n = rows.Max(r => r.Prompt.Length - r.Cached);
        var ids = new long[b * n];
        var pos = new long[b * n];
        var mask = new long[b * (p + n)];
        var owned = Enumerable.Range(0, 2 * m.Layers).Select(_ => Zeros(b, h, p, d)).ToArray();
        for (int i = 0; i < b; i++)
        {
            var r = rows[i];
            int c = r.Cached, fresh = r.Prompt.Length - c, padPast = p - c, padNew = n - fresh;
            for (int j = 0; j < owned.Length && c > 0; j++)
            {
                r.CacheEntry!.CopyKv(j, c, h, d, owned[j].GetTensorMutableDataAsSpan<float>()[((((i * h) * p) + padPast) * d)..], p * d);
            }

            Array.Fill(mask, 1L, (i * (p + n)) + padPast, c);
            Array.Fill(mask, 1L, (i * (p + n)) + p + padNew, fresh);
            for (int k = 0; k < fresh; k++)
            {
                ids[(i * n) + padNew + k] = r.Prompt[c + k];
                pos[(i * n) + padNew + k] = c + k;
            }

            r.Fed = r.Prompt.Length;
        }

        int chunk = (int)System.Math.Clamp(MaxPrefillScores / ((long)b * m.AttentionHeads * (p + n)), 1, n);
        IDisposableReadOnlyCollection<OrtValue>? outputs = null;
        try
        {
            for (int start = 0; start < n; start += chunk)
            {
                int s = System.Math.Min(chunk, n - start), t = p + start + s;
                var next = Execute(m, Columns(ids, b, n, start, s), Columns(pos, b, n, start, s), Columns(mask, b, p + n, 0, t), b, s, t, outputs is null ? owned : [.. outputs.Skip(1)]);
                outputs?.Dispose();
                outputs = next;
            }

            return new KvBatch(m, rows, mask, p + n, outputs, [], n - ((n - 1) / chunk * chunk));
        }
        catch
        {
            outputs?.Dispose();
            throw;
        }
        finally
        {
            foreach (var v in owned)
            {
                v.Dispose();
            }
        }
    }

    /// <summary>Columns [start, start + count) of every row of a [rows, width] array (the array itself when that is all of it).</summary>
    private static long[] Columns(long[] source, int rows, int width, int start, int count)
    {
        if (start == 0 && count == width)
        {
            return source;
        }

        var slice = new long[rows * count];
        for (int i = 0; i < rows; i++)
        {
            Array.Copy(source, (i * width) + start, slice, i * count, count);
        }

        return slice;
    }

    /// <summary>Logits of the next token of row <paramref name="b"/> (after a merge, of the joined rows only).</summary>
    public ReadOnlySpan<float> Logits(int b)
    {
        int v = _m.VocabSize;
        return _outputs is null ? _logits.AsSpan(b * v, v) : _outputs[0].GetTensorDataAsSpan<float>().Slice(((b * _logitsSeq) + _logitsSeq - 1) * v, v);
    }

    /// <summary>Feeds every live row its last sampled token.</summary>
    public KvBatch Step()
    {
        int b = Rows.Count, t = _columns + 1;
        var ids = new long[b];
        var pos = new long[b];
        var mask = new long[b * t];
        for (int i = 0; i < b; i++)
        {
            Array.Copy(_mask, i * _columns, mask, i * t, _columns);
            var r = Rows[i];
            if (!r.Done)
            {
                ids[i] = r.Sampled[^1];
                pos[i] = r.Fed++;
                mask[(i * t) + _columns] = 1;
            }
        }

        var outputs = Execute(_m, ids, pos, mask, b, 1, t, Kv());
        Dispose();
        return new KvBatch(_m, Rows, mask, t, outputs, [], 1);
    }

    /// <summary>A batch of the live rows only (copies their KV).</summary>
    public KvBatch Compact()
    {
        var keep = Enumerable.Range(0, Rows.Count).Where(i => !Rows[i].Done).ToList();
        int h = Heads, d = HeadDim, rowSize = h * _columns * d;
        var past = Kv().Select(src =>
        {
            var all = src.GetTensorDataAsSpan<float>();
            var value = Zeros(keep.Count, h, _columns, d);
            var dst = value.GetTensorMutableDataAsSpan<float>();
            for (int k = 0; k < keep.Count; k++)
            {
                all.Slice(keep[k] * rowSize, rowSize).CopyTo(dst[(k * rowSize)..]);
            }

            return value;
        }).ToArray();
        var mask = new long[keep.Count * _columns];
        for (int k = 0; k < keep.Count; k++)
        {
            Array.Copy(_mask, keep[k] * _columns, mask, k * _columns, _columns);
        }

        Dispose();
        return new KvBatch(_m, keep.Select(i => Rows[i]).ToList(), mask, _columns, null, past, 1);
    }

    /// <summary>The KV of row <paramref name="b"/>'s real (unmasked) columns, for the prefix cache (the caller holds its one reference).</summary>
    public CachedPrefix Extract(int b, int[] tokens)
    {
        int h = Heads, d = HeadDim;
        var columns = Enumerable.Range(0, _columns).Where(c => _mask[(b * _columns) + c] == 1).ToArray();
        var kv = Kv();
        var entry = new CachedPrefix(tokens.Length == columns.Length ? tokens : tokens[..System.Math.Min(tokens.Length, columns.Length)], kv.Length, h * columns.Length * d);
        for (int j = 0; j < kv.Length; j++)
        {
            var all = kv[j].GetTensorDataAsSpan<float>();
            var dst = entry.Kv(j);
            for (int head = 0; head < h; head++)
            {
                for (int k = 0; k < columns.Length; k++)
                {
                    all.Slice((((b * h) + head) * _columns + columns[k]) * d, d).CopyTo(dst[(((head * columns.Length) + k) * d)..]);
                }
            }
        }

        return entry;
    }

    /// <summary>
    /// A zeroed [b, h, columns, d] tensor in ONNX Runtime's allocator: freed when disposed, where managed
    /// arrays of this size lingered in the large object heap long after their batch (masked columns must
    /// be finite, hence zeroed).
    /// </summary>
    internal static OrtValue Zeros(int b, int h, int columns, int d)
    {
        if ((long)b * h * columns * d == 0)
        {
            return OrtValue.CreateTensorValueFromMemory(Array.Empty<float>(), [b, h, columns, d]);
        }

        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [b, h, columns, d]);
        value.GetTensorMutableDataAsSpan<float>().Clear();
        return value;
    }

    private OrtValue[] Kv() => _outputs is null ? _past : _outputs.Skip(1).ToArray();

    private static IDisposableReadOnlyCollection<OrtValue> Execute(DecoderModel m, long[] ids, long[] pos, long[] mask, int b, int s, int t, OrtValue[] past)
    {
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [b, s]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [b, t]);
        using var posValue = OrtValue.CreateTensorValueFromMemory(pos, [b, s]);
        var names = new List<string> { "input_ids", "attention_mask" };
        var values = new List<OrtValue> { idsValue, maskValue };
        if (m.UsesPositionIds)
        {
            names.Add("position_ids");
            values.Add(posValue);
        }

        names.AddRange(m.PastNames);
        values.AddRange(past);
        using var options = new RunOptions();
        return m.Session.Run(options, names, values, ["logits", .. m.PresentNames]);
    }

    IDecodeBatch IDecodeBatch.Step() => Step();

    IDecodeBatch IDecodeBatch.Compact() => Compact();

    public void Dispose()
    {
        _outputs?.Dispose();
        foreach (var v in _past)
        {
            v.Dispose();
        }
    }
}
