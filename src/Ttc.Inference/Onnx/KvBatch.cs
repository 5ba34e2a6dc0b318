using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Ttc.Inference.Onnx;

/// <summary>
/// The rows of a batch with their attention mask and KV tensors ([batch, heads, columns, headDim]
/// per layer), either as the last run's outputs or as arrays after a compaction.
/// </summary>
internal sealed class KvBatch : IDecodeBatch
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
                var src = r.CacheEntry!.Kv(j);
                var dst = owned[j].GetTensorMutableDataAsSpan<float>();
                int srcColumns = src.Length / (h * d);
                for (int head = 0; head < h; head++)
                {
                    src.Slice(head * srcColumns * d, c * d).CopyTo(dst[((((i * h) + head) * p + padPast) * d)..]);
                }
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

    /// <summary>Prefills <paramref name="rows"/> as a batch of their own and merges it after this one's rows.</summary>
    public IDecodeBatch Join(List<DecodeRow> rows)
    {
        var added = Prefill(_m, rows);
        try
        {
            return Merge(added);
        }
        catch
        {
            added.Dispose();
            throw;
        }
    }

    /// <summary>
    /// One batch of this batch's rows then <paramref name="other"/>'s (both are consumed), for rows that
    /// join a running batch. Each side keeps its columns from the first one any of its rows attends to,
    /// right-aligned (left-padded) to the wider side: columns that every row masks are dropped, so a
    /// batch that rows keep joining does not keep the width of rows that left long ago.
    /// </summary>

    public KvBatch Merge(KvBatch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        KvBatch[] sides = [this, other];
        int[] skip = [FirstAttended(), other.FirstAttended()];
        int h = Heads, d = HeadDim, b = Rows.Count + other.Rows.Count, w = System.Math.Max(_columns - skip[0], other._columns - skip[1]);
        var mask = new long[b * w];
        var past = Enumerable.Range(0, 2 * _m.Layers).Select(_ => Zeros(b, h, w, d)).ToArray();
        for (int side = 0, at = 0; side < 2; at += sides[side++].Rows.Count)
        {
            var x = sides[side];
            int width = x._columns - skip[side];
            var kv = x.Kv();
            for (int i = 0; i < x.Rows.Count; i++)
            {
                Array.Copy(x._mask, (i * x._columns) + skip[side], mask, ((at + i) * w) + w - width, width);
                for (int j = 0; j < kv.Length; j++)
                {
                    var src = kv[j].GetTensorDataAsSpan<float>();
                    var dst = past[j].GetTensorMutableDataAsSpan<float>();
                    for (int head = 0; head < h; head++)
                    {
                        int to = (((((at + i) * h) + head) * w) + w - width) * d;
                        src.Slice(((((i * h) + head) * x._columns) + skip[side]) * d, width * d).CopyTo(dst[to..]);
                    }
                }
            }
        }

        // The joined rows' next-token logits come along (they sample from them next); this side's were used.
        int v = _m.VocabSize;
        var logits = new float[b * v];
        for (int i = 0; i < other.Rows.Count && other._outputs is not null; i++)
        {
            other.Logits(i).CopyTo(logits.AsSpan((Rows.Count + i) * v));
        }

        var merged = new KvBatch(_m, [.. Rows, .. other.Rows], mask, w, null, past, 1, logits);
        Dispose();
        other.Dispose();
        return merged;
    }

    /// <summary>The first column some row attends to (the width when none does).</summary>
    private int FirstAttended() => Enumerable.Range(0, _columns).FirstOrDefault(c => Enumerable.Range(0, Rows.Count).Any(i => _mask[(i * _columns) + c] == 1), _columns);

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
