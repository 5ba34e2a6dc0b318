using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Ttc.Inference.Onnx;

/// <summary>
/// A batch for the fused layout (<see cref="KvLayout.Fused"/>): per layer one key and one value buffer of
/// [slots, kvHeads, capacity, headDim], allocated once for the batch and bound with an
/// <see cref="OrtIoBinding"/> as both past and present, so GroupQueryAttention writes each new token's
/// KV in place and no step allocates or copies the cache. Row i lives in slot i, right padded: its
/// <see cref="DecodeRow.Fed"/> tokens at positions [0, Fed). Dropping finished rows moves the live
/// rows' filled positions down to the first slots; a freed slot can take a new row
/// (<see cref="TryAdmit"/>).
/// </summary>
internal sealed unsafe partial class FusedKvBatch : IDecodeBatch
{
    private readonly DecoderModel _m;
    private readonly int _slots;
    private readonly long _slotFloats;
    private readonly nint[] _kv;
    private readonly float[] _logits;
    private readonly long[] _ids;
    private readonly long[] _mask;
    private OrtIoBinding? _binding;
    private OrtValue[] _bound = [];
    private int _boundRows = -1;

    private FusedKvBatch(DecoderModel m, int slots)
    {
        _m = m;
        _slots = slots;
        _slotFloats = (long)m.KvHeads * m.KvCapacity * m.HeadDim;
        _kv = new nint[2 * m.Layers];
        // Not zeroed: the operator reads a row's positions [0, length) only, and every one of them was
        // written before it is read (a prefill writes the prompt, a step its token).
        for (int j = 0; j < _kv.Length; j++)
        {
            _kv[j] = (nint)NativeMemory.AlignedAlloc((nuint)(slots * _slotFloats * sizeof(float)), 64);
        }

        _logits = new float[slots * m.VocabSize];
        _ids = new long[slots];
        _mask = new long[slots * m.KvCapacity];
    }

    public List<DecodeRow> Rows { get; private set; } = [];

    /// <summary>Logits of the next token of row <paramref name="b"/>.</summary>
    public ReadOnlySpan<float> Logits(int b) => _logits.AsSpan(b * _m.VocabSize, _m.VocabSize);

    /// <summary>
    /// Feeds every live row its last sampled token (one call for the batch). A finished row is fed a pad
    /// token at its first free position without counting it, so its KV stays as it was.
    /// </summary>
    public IDecodeBatch Step()
    {
        int b = Rows.Count, cap = _m.KvCapacity, t = 0;
        var lengths = new int[b];
        for (int i = 0; i < b; i++)
        {
            var r = Rows[i];
            _ids[i] = r.Done ? 0 : r.Sampled[^1];
            lengths[i] = System.Math.Min(r.Done ? r.Fed : r.Fed++, cap - 1) + 1;
            t = System.Math.Max(t, lengths[i]);
        }

        for (int i = 0; i < b; i++)
        {
            _mask.AsSpan(i * t, lengths[i]).Fill(1L);
            _mask.AsSpan((i * t) + lengths[i], t - lengths[i]).Clear();
        }

        Bind(b);
        using var ids = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _ids.AsMemory(0, b), [b, 1]);
        using var mask = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _mask.AsMemory(0, b * t), [b, t]);
        _binding!.BindInput("input_ids", ids);
        _binding.BindInput("attention_mask", mask);
        using var options = new RunOptions();
        _m.Session.RunWithBinding(options, _binding);
        return this;
    }

    /// <summary>Moves the live rows to the first slots (their filled positions only) and drops the finished ones.</summary>
    public IDecodeBatch Compact()
    {
        var keep = Rows.Where(r => !r.Done).ToList();
        int k = 0;
        for (int i = 0; i < Rows.Count; i++)
        {
            if (!Rows[i].Done)
            {
                MoveSlot(i, k, Rows[i].Fed);
                Logits(i).CopyTo(_logits.AsSpan(k * _m.VocabSize));
                k++;
            }
        }

        Rows = keep;
        return this;
    }

    /// <summary>The KV of row <paramref name="b"/>'s fed tokens, for the prefix cache.</summary>
    public CachedPrefix Extract(int b, int[] tokens)
    {
        int h = _m.KvHeads, d = _m.HeadDim, n = System.Math.Min(Rows[b].Fed, _m.KvCapacity);
        var entry = new CachedPrefix(tokens.Length == n ? tokens : tokens[..System.Math.Min(tokens.Length, n)], _kv.Length, h * n * d);
        for (int j = 0; j < _kv.Length; j++)
        {
            for (int head = 0; head < h; head++)
            {
                Head(j, b, head, n).CopyTo(entry.Kv(j)[(head * n * d)..]);
            }
        }

        return entry;
    }

    /// <summary>Positions [0, <paramref name="count"/>) of one head of one slot in buffer <paramref name="j"/>.</summary>
    internal Span<float> Head(int j, int slot, int head, int count) =>
        new((float*)_kv[j] + (slot * _slotFloats) + ((long)head * _m.KvCapacity * _m.HeadDim), count * _m.HeadDim);

    private void MoveSlot(int from, int to, int count)
    {
        if (from == to)
        {
            return;
        }

        for (int j = 0; j < _kv.Length; j++)
        {
            for (int head = 0; head < _m.KvHeads; head++)
            {
                Head(j, from, head, count).CopyTo(Head(j, to, head, count));
            }
        }
    }

    /// <summary>OrtValues over slots [first, first + rows) of every KV buffer (no copy: views of the batch's memory).</summary>
    private OrtValue[] Views(int first, int rows)
    {
        long[] shape = [rows, _m.KvHeads, _m.KvCapacity, _m.HeadDim];
        long bytes = rows * _slotFloats * sizeof(float);
        return _kv.Select(p => OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float, shape, p + (nint)(first * _slotFloats * sizeof(float)), bytes)).ToArray();
    }

    /// <summary>
    /// Binds the first <paramref name="rows"/> slots' buffers as past and present, and the logits to the
    /// batch's array; done again only when the batch's row count changes.
    /// </summary>
    private void Bind(int rows)
    {
        if (rows == _boundRows)
        {
            return;
        }

        ReleaseBinding();
        _binding = _m.Session.CreateIoBinding();
        var kv = Views(0, rows);
        var logits = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _logits.AsMemory(0, rows * _m.VocabSize), [rows, 1, _m.VocabSize]);
        _bound = [.. kv, logits];
        for (int j = 0; j < kv.Length; j++)
        {
            _binding.BindInput(_m.PastNames[j], kv[j]);
            _binding.BindOutput(_m.PresentNames[j], kv[j]);
        }

        _binding.BindOutput("logits", logits);
        _boundRows = rows;
    }

    private void ReleaseBinding()
    {
        _binding?.Dispose();
        _binding = null;
        foreach (var v in _bound)
        {
            v.Dispose();
        }

        _bound = [];
        _boundRows = -1;
    }

    public void Dispose()
    {
        ReleaseBinding();
        for (int j = 0; j < _kv.Length; j++)
        {
            NativeMemory.AlignedFree((void*)_kv[j]);
            _kv[j] = 0;
        }
    }
}
