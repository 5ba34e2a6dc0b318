namespace Ttc.Inference.Onnx;

/// <summary>The KV tensors of one token sequence: per layer key then value, each [heads, tokens, headDim].</summary>
internal sealed record CachedPrefix(int[] Tokens, float[][] Kv)
{
    public long Bytes => Kv.Sum(a => (long)a.Length * sizeof(float)) + (Tokens.Length * sizeof(int));
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

    /// <summary>The entry sharing the longest prefix with <paramref name="prompt"/> (at most prompt length - 1), or null.</summary>
    public (CachedPrefix Entry, int Length)? Find(int[] prompt)
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

            if (best is null)
            {
                return null;
            }

            _entries.Remove(best);
            _entries.AddFirst(best);
            HitTokens += bestLength;
            return (best.Value, bestLength);
        }
    }

    /// <summary>Stores a sequence, evicting the least recently used ones beyond capacity.</summary>
    public void Add(CachedPrefix entry)
    {
        if (entry.Bytes > capacityBytes)
        {
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
            }
        }
    }
}
