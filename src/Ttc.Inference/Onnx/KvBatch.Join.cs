namespace Ttc.Inference.Onnx;

/// <summary>Rows joining a running batch (continuous batching).</summary>
internal sealed partial class KvBatch
{
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
}
