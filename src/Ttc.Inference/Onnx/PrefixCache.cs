using System.Runtime.InteropServices;

namespace Ttc.Inference.Onnx;

/// <summary>
/// The KV tensors of one token sequence: per layer key then value, each [heads, tokens, headDim], in
/// one native block with a reference count. Native, because a cache entry lives for several rounds
/// and then dies: as managed arrays they reached gen 2 and stayed there as garbage long after their
/// eviction (a 256 MiB cache held over 500 MiB of heap in one n = 64 beam search). The cache holds one
/// reference; a row that reuses the entry holds another until its prefill has copied it. An entry may
/// also keep a few floats per token beside the KV (a PRM's per-token logits and carried state), and may
/// store only its own tail after the first tokens of a parent entry it references: the children of one
/// beam then share its prefix instead of each holding a copy (a batch of 16 beam searches rescored
/// about 190 MiB of whole solutions per step, and an LRU of 64 MiB kept evicting the prefixes the next
/// step needed).
/// </summary>
internal sealed unsafe class CachedPrefix
{
    private readonly float* _data;
    private readonly int _arrayLength;
    private readonly int _arrays;
    private readonly int _extraWidth;
    private readonly CachedPrefix? _parent;
    private int _references = 1;

    /// <summary>
    /// Allocates <paramref name="arrays"/> tensors of <paramref name="arrayLength"/> floats for the tokens of
    /// <paramref name="tokens"/> after the first <paramref name="parentLength"/> (which <paramref name="parent"/>
    /// holds; this entry takes a reference to it), and <paramref name="extraWidth"/> more floats per own token.
    /// </summary>
    public CachedPrefix(int[] tokens, int arrays, int arrayLength, int extraWidth = 0, CachedPrefix? parent = null, int parentLength = 0)
    {
        Tokens = tokens;
        _arrays = arrays;
        _arrayLength = arrayLength;
        _extraWidth = extraWidth;
        _parent = parentLength > 0 ? parent : null;
        ParentLength = _parent is null ? 0 : parentLength;
        _parent?.Acquire();
        _data = (float*)NativeMemory.Alloc(Floats, sizeof(float));
    }

    public int[] Tokens { get; }

    /// <summary>Leading tokens held by the parent entry (0 for an entry that holds all its tokens).</summary>
    public int ParentLength { get; }

    private int OwnTokens => Tokens.Length - ParentLength;

    private nuint Floats => ((nuint)_arrays * (nuint)_arrayLength) + ((nuint)_extraWidth * (nuint)OwnTokens);

    /// <summary>Memory of this entry's own part (a shared parent is counted where it is cached).</summary>
    public long Bytes => ((long)Floats * sizeof(float)) + (Tokens.Length * sizeof(int));

    /// <summary>Tensor <paramref name="index"/> of the own tokens (layer i's key is 2i, its value 2i + 1); valid while a reference is held.</summary>
    public Span<float> Kv(int index) => new(_data + ((long)index * _arrayLength), _arrayLength);

    /// <summary>The extra floats kept for token <paramref name="token"/> (looked up in the parent for its tokens); valid while a reference is held.</summary>
    public Span<float> Extra(int token) => token < ParentLength
        ? _parent!.Extra(token)
        : new(_data + ((long)_arrays * _arrayLength) + ((long)(token - ParentLength) * _extraWidth), _extraWidth);

    /// <summary>
    /// Copies tensor <paramref name="index"/>'s first <paramref name="count"/> tokens, for each of
    /// <paramref name="heads"/> heads of <paramref name="headDim"/> floats, to <paramref name="destination"/>
    /// (head k at k x <paramref name="headStride"/>), from the parent chain where it holds them.
    /// </summary>
    public void CopyKv(int index, int count, int heads, int headDim, Span<float> destination, int headStride)
    {
        int fromParent = System.Math.Min(count, ParentLength);
        if (fromParent > 0)
        {
            _parent!.CopyKv(index, fromParent, heads, headDim, destination, headStride);
        }

        int own = count - fromParent;
        if (own <= 0)
        {
            return;
        }

        var source = Kv(index);
        for (int head = 0; head < heads; head++)
        {
            source.Slice(head * OwnTokens * headDim, own * headDim).CopyTo(destination[((head * headStride) + (fromParent * headDim))..]);
        }
    }

    /// <summary>Takes a reference (only while another is held, e.g. under the cache's lock).</summary>
    public void Acquire() => Interlocked.Increment(ref _references);

    /// <summary>Drops a reference; the last one frees the memory (and drops this entry's reference to its parent).</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            NativeMemory.Free(_data);
            _parent?.Release();
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
