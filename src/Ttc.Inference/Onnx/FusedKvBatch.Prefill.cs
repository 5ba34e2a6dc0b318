using Microsoft.ML.OnnxRuntime;

namespace Ttc.Inference.Onnx;

/// <summary>Filling slots: the batch's prefill and a new row in a free slot.</summary>
internal sealed unsafe partial class FusedKvBatch
{
    /// <summary>
    /// Allocates the batch's buffers (<paramref name="slots"/> rows, at least one per row) and runs the
    /// prompts (<see cref="Join"/>).
    /// </summary>
    public static FusedKvBatch Prefill(DecoderModel m, List<DecodeRow> rows, int slots = 0)
    {
        var batch = new FusedKvBatch(m, System.Math.Max(slots, rows.Count));
        try
        {
            batch.Join(rows);
            return batch;
        }
        catch
        {
            batch.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the prompts of <paramref name="rows"/> into the free slots after the batch's rows (a caller
    /// compacts finished rows away first). Rows without a cached prefix go first, as one first-prompt call
    /// per group of slots (right padded); a row with a cached prefix has it copied into its slot and runs
    /// only its new tokens, on its own, because GroupQueryAttention takes several new tokens on top of a
    /// past only in a batch of one. When a call fails, the rows are taken out again.
    /// </summary>
    public IDecodeBatch Join(List<DecodeRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int at = Rows.Count;
        if (at + rows.Count > _slots)
        {
            throw new InvalidOperationException($"A batch of {_slots} slots cannot take {rows.Count} rows beside its {at}.");
        }

        Rows.AddRange([.. rows.Where(r => r.Cached == 0), .. rows.Where(r => r.Cached > 0)]);
        try
        {
            int fresh = at + rows.Count(r => r.Cached == 0);
            for (int first = at; first < fresh;)
            {
                int n = Rows[first].Prompt.Length, count = 1;
                while (first + count < fresh && Scores(count + 1, System.Math.Max(n, Rows[first + count].Prompt.Length)) <= KvBatch.MaxPrefillScores)
                {
                    n = System.Math.Max(n, Rows[first + count].Prompt.Length);
                    count++;
                }

                if (count == 1)
                {
                    FillSlot(first, Rows[first]);
                }
                else
                {
                    FirstPrompt(first, count, n);
                }

                first += count;
            }

            // Rows continuing a cached prefix (beams): many rows with few new tokens each go in together,
            // a token per call, since GroupQueryAttention runs several new tokens on a past one row at a time.
            int cached = Rows.Count - fresh, longest = Rows.Skip(fresh).Select(r => r.Prompt.Length - r.Cached).DefaultIfEmpty().Max();
            if (cached > 1 && longest < cached)
            {
                FeedTogether(fresh, cached, longest);
            }
            else
            {
                for (int i = fresh; i < Rows.Count; i++)
                {
                    FillSlot(i, Rows[i]);
                }
            }

            return this;
        }
        catch
        {
            Rows.RemoveRange(at, rows.Count);
            throw;
        }
    }

    /// <summary>
    /// Puts <paramref name="row"/> (its cached prefix taken, if any) into a free slot: the slot of a finished
    /// row, or one that a compaction emptied. Its prompt runs at once, on its own, and its logits are ready
    /// for the next step. False when every slot holds a live row.
    /// </summary>
    public bool TryAdmit(DecodeRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        int slot = Rows.FindIndex(r => r.Done);
        if (slot < 0 && Rows.Count == _slots)
        {
            return false;
        }

        if (slot < 0)
        {
            slot = Rows.Count;
            Rows.Add(row);
        }
        else
        {
            Rows[slot] = row;
        }

        FillSlot(slot, row);
        return true;
    }

    /// <summary>Attention scores one call computes: GroupQueryAttention sizes them by the cache's capacity.</summary>
    private long Scores(int rows, int tokens) => (long)rows * _m.AttentionHeads * tokens * _m.KvCapacity;

    /// <summary>One first-prompt call over slots [first, first + count), prompts right padded to <paramref name="n"/>.</summary>
    private void FirstPrompt(int first, int count, int n)
    {
        var ids = new long[count * n];
        var mask = new long[count * n];
        for (int i = 0; i < count; i++)
        {
            var r = Rows[first + i];
            for (int k = 0; k < r.Prompt.Length; k++)
            {
                ids[(i * n) + k] = r.Prompt[k];
                mask[(i * n) + k] = 1;
            }

            r.Fed = r.Prompt.Length;
        }

        Run(first, count, ids, mask, n, n, (i, logits) => logits.Slice((((i * n) + Rows[first + i].Prompt.Length - 1) * _m.VocabSize), _m.VocabSize));
    }

    /// <summary>
    /// Fills slots [first, first + count) of rows with cached prefixes: the prefixes copied in, then
    /// <paramref name="steps"/> calls of one token for all of them; a row whose prompt ran out is fed a pad
    /// at its first free position, not counted (the first decode step overwrites it), and keeps the logits
    /// of its last prompt token.
    /// </summary>
    private void FeedTogether(int first, int count, int steps)
    {
        var ids = new long[count];
        var lengths = new int[count];
        for (int i = 0; i < count; i++)
        {
            CopyCached(first + i, Rows[first + i]);
        }

        for (int k = 0; k < steps; k++)
        {
            for (int i = 0; i < count; i++)
            {
                var r = Rows[first + i];
                int at = System.Math.Min(r.Cached + k, r.Prompt.Length);
                ids[i] = at < r.Prompt.Length ? r.Prompt[at] : 0;
                lengths[i] = at + 1;
            }

            int t = lengths.Max();
            var mask = new long[count * t];
            for (int i = 0; i < count; i++)
            {
                mask.AsSpan(i * t, lengths[i]).Fill(1L);
            }

            int step = k;
            Run(first, count, ids, mask, 1, t, (i, logits) =>
            {
                var r = Rows[first + i];
                return r.Cached + step == r.Prompt.Length - 1 ? logits.Slice(i * _m.VocabSize, _m.VocabSize) : _logits.AsSpan((first + i) * _m.VocabSize, _m.VocabSize);
            });
        }

        for (int i = 0; i < count; i++)
        {
            Rows[first + i].Fed = Rows[first + i].Prompt.Length;
        }
    }

    /// <summary>Copies the row's cached prefix into its slot.</summary>
    private void CopyCached(int slot, DecodeRow r)
    {
        int c = r.Cached, h = _m.KvHeads, d = _m.HeadDim;
        for (int j = 0; j < _kv.Length && c > 0; j++)
        {
            r.CacheEntry!.CopyKv(j, c, h, d, Head(j, slot, 0, h * _m.KvCapacity), _m.KvCapacity * d);
        }
    }

    /// <summary>
    /// Fills one slot: the row's cached prefix copied in, then its other prompt tokens in calls of one row
    /// (as many tokens per call as the score budget allows).
    /// </summary>
    private void FillSlot(int slot, DecodeRow r)
    {
        CopyCached(slot, r);
        int c = r.Cached;

        int chunk = (int)System.Math.Clamp(KvBatch.MaxPrefillScores / Scores(1, 1), 1, int.MaxValue);
        for (int start = c; start < r.Prompt.Length; start += chunk)
        {
            int s = System.Math.Min(chunk, r.Prompt.Length - start), t = start + s;
            var ids = r.Prompt.AsSpan(start, s).ToArray().Select(x => (long)x).ToArray();
            var mask = new long[t];
            Array.Fill(mask, 1L);
            Run(slot, 1, ids, mask, s, t, (_, logits) => logits.Slice((s - 1) * _m.VocabSize, _m.VocabSize));
        }

        r.Fed = r.Prompt.Length;
    }

    /// <summary>
    /// One call on slots [first, first + rows) with <paramref name="s"/> new tokens per row and a mask
    /// <paramref name="t"/> wide; each row's next-token logits (picked by <paramref name="last"/>) are kept.
    /// </summary>
    private void Run(int first, int rows, long[] ids, long[] mask, int s, int t, LastLogits last)
    {
        var kv = Views(first, rows);
        try
        {
            using var binding = _m.Session.CreateIoBinding();
            using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [rows, s]);
            using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [rows, t]);
            binding.BindInput("input_ids", idsValue);
            binding.BindInput("attention_mask", maskValue);
            binding.BindOutputToDevice("logits", OrtMemoryInfo.DefaultInstance);
            for (int j = 0; j < kv.Length; j++)
            {
                binding.BindInput(_m.PastNames[j], kv[j]);
                binding.BindOutput(_m.PresentNames[j], kv[j]);
            }

            using var options = new RunOptions();
            _m.Session.RunWithBinding(options, binding);
            using var outputs = binding.GetOutputValues();
            var logits = outputs[0].GetTensorDataAsSpan<float>();
            for (int i = 0; i < rows; i++)
            {
                last(i, logits).CopyTo(_logits.AsSpan((first + i) * _m.VocabSize));
            }
        }
        finally
        {
            foreach (var v in kv)
            {
                v.Dispose();
            }
        }
    }

    private delegate ReadOnlySpan<float> LastLogits(int row, ReadOnlySpan<float> logits);
}
