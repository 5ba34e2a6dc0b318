using System.Runtime.InteropServices;

namespace Ttc.Inference.Onnx;

/// <summary>
/// The KV tensors of one token sequence: per layer key then value, each [heads, tokens, headDim], in
/// one native block with a reference count. Native, because a cache entry lives for several rounds
/// and then dies: as managed arrays they reached gen 2 and stayed there as garbage long after their
/// eviction (a 256 MiB cache held over 500 MiB of heap in one n = 64 beam search). The cache holds one
/// reference; a row that reuses the entry holds another until its prefill has copied it. An entry may
/// also keep a few floats per token beside the KV (a PRM's per-token logits and carried state).
/// </summary>
internal sealed unsafe class CachedPrefix
{
    private readonly float* _data;
    private readonly int _arrayLength;
    private readonly int _arrays;
    private readonly int _extraWidth;
    private int _references = 1;

    /// <summary>
    /// Allocates <paramref name="arrays"/> tensors of <paramref name="arrayLength"/> floats for
    /// <paramref name="tokens"/>, and <paramref name="extraWidth"/> more floats per token.
    /// </summary>
    public CachedPrefix(int[] tokens, int arrays, int arrayLength, int extraWidth = 0)
    {
        Tokens = tokens;
        _arrays = arrays;
        _arrayLength = arrayLength;
        _extraWidth = extraWidth;
        _data = (float*)NativeMemory.Alloc(Floats, sizeof(float));
    }

    public int[] Tokens { get; }

    private nuint Floats => ((nuint)_arrays * (nuint)_arrayLength) + ((nuint)_extraWidth * (nuint)Tokens.Length);

    public long Bytes => ((long)Floats * sizeof(float)) + (Tokens.Length * sizeof(int));

    /// <summary>Tensor <paramref name="index"/> (layer i's key is 2i, its value 2i + 1); valid while a reference is held.</summary>
    public Span<float> Kv(int index) => new(_data + ((long)index * _arrayLength), _arrayLength);

    /// <summary>The extra floats kept for token <paramref name="token"/>; valid while a reference is held.</summary>
    public Span<float> Extra(int token) => new(_data + ((long)_arrays * _arrayLength) + ((long)token * _extraWidth), _extraWidth);

    /// <summary>Takes a reference (only while another is held, e.g. under the cache's lock).</summary>
    public void Acquire() => Interlocked.Increment(ref _references);

    /// <summary>Drops a reference; the last one frees the memory.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            NativeMemory.Free(_data);
        }
    }
}

/// <summary>
/// A bounded LRU of recent sequences' KV tensors. A prompt that starts with a cached sequence (or
/// shares a prefix with one) skips recomputing those tokens: continuing a beam costs only its new step.
/// </summary>
internal sealed class PrefixCache(long capacityBytes)
{
    private readonly LinkedList<CachedPrefix> _entries = new();
    private readonly Lock _gate = new();
    private long _bytes;

    /// <summary>Tokens served from the cache so far.</summary>
    public long HitTokens { get; private set; }

    /// <summary>How many leading tokens of <paramref name="prompt"/> the cache could serve now (to order rows; takes nothing).</summary>
    public int Peek(int[] prompt) => Find(prompt, acquire: false)?.Length ?? 0;

    /// <summary>
    /// The entry sharing the longest prefix with <paramref name="prompt"/> (at most prompt length - 1), or
    /// null; the caller holds a reference to it and must <see cref="CachedPrefix.Release"/> it.
    /// </summary>
    public (CachedPrefix Entry, int Length)? Find(int[] prompt) => Find(prompt, acquire: true);

    private (CachedPrefix Entry, int Length)? Find(int[] prompt, bool acquire)
    {
        lock (_gate)
        {
            LinkedListNode<CachedPrefix>? best = null;
            int bestLength = 0;
            for (var node = _entries.First; node is not null; node = node.Next)
            {
                var t = node.Value.Tokens;
                int n = System.Math.Min(System.Math.Min(t.Length, prompt.Length - 1), int.MaxValue);
                int k = 0;
                while (k < n && t[k] == prompt[k])
                {
                    k++;
                }

                if (k > bestLength)
                {
                    best = node;
                    bestLength = k;
                }
            }

            if (best is null || !acquire)
            {
                return best is null ? null : (best.Value, bestLength);
            }

            _entries.Remove(best);
            _entries.AddFirst(best);
            best.Value.Acquire();
            HitTokens += bestLength;
            return (best.Value, bestLength);
        }
    }

    /// <summary>Stores a sequence (taking over the caller's reference), evicting the least recently used ones beyond capacity.</summary>
    public void Add(CachedPrefix entry)
    {
        if (entry.Bytes > capacityBytes)
        {
            entry.Release();
            return;
        }

        lock (_gate)
        {
            _entries.AddFirst(entry);
            _bytes += entry.Bytes;
            while (_bytes > capacityBytes && _entries.Last is { } last)
            {
                _bytes -= last.Value.Bytes;
                _entries.RemoveLast();
                last.Value.Release();
            }
        }
    }

    /// <summary>Drops every entry (their memory is freed once no row uses them).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            foreach (var entry in _entries)
            {
                entry.Release();
            }

            _entries.Clear();
            _bytes = 0;
        }
    }
}
