using Ttc.Inference.Onnx;

namespace Ttc.Inference.Tests;

public class PrefixCacheTests
{
    private static CachedPrefix Entry(int[] tokens, float fill)
    {
        var entry = new CachedPrefix(tokens, 2, tokens.Length * 4);
        entry.Kv(0).Fill(fill);
        entry.Kv(1).Fill(-fill);
        return entry;
    }

    [Fact]
    public void Find_LongestSharedPrefix_AtMostPromptMinusOne()
    {
        var cache = new PrefixCache(1 << 20);
        cache.Add(Entry([1, 2, 3], 1));
        cache.Add(Entry([1, 2, 3, 4, 5], 2));
        var hit = cache.Find([1, 2, 3, 4, 5]);
        Assert.NotNull(hit);
        Assert.Equal(4, hit.Value.Length); // the last prompt token is always fed, to get its logits
        Assert.Equal(2f, hit.Value.Entry.Kv(0)[0]);
        Assert.Equal(4, cache.HitTokens);
        hit.Value.Entry.Release();
        cache.Clear();
    }

    [Fact]
    public void Peek_CountsNothingAndTakesNothing()
    {
        var cache = new PrefixCache(1 << 20);
        cache.Add(Entry([7, 8, 9], 1));
        Assert.Equal(2, cache.Peek([7, 8, 9]));
        Assert.Equal(0, cache.Peek([5, 6]));
        Assert.Equal(0, cache.HitTokens);
        cache.Clear();
    }

    [Fact]
    public void Add_OverCapacity_EvictsTheLeastRecentlyUsedButAHeldEntryStaysReadable()
    {
        var first = Entry([1, 1, 1, 1], 3);
        long size = first.Bytes;
        var cache = new PrefixCache((2 * size) + 1);
        cache.Add(first);
        cache.Add(Entry([2, 2, 2, 2], 4));
        var held = cache.Find([1, 1, 1, 1, 1])!.Value.Entry; // now the most recent
        cache.Add(Entry([3, 3, 3, 3], 5)); // evicts [2, 2, 2, 2]
        Assert.Equal(0, cache.Peek([2, 2, 2, 2, 2]));
        Assert.Equal(4, cache.Peek([1, 1, 1, 1, 1]));
        cache.Clear(); // drops the cache's reference; ours keeps the memory
        Assert.Equal(3f, held.Kv(0)[0]);
        Assert.Equal(-3f, held.Kv(1)[^1]);
        held.Release();
    }

    [Fact]
    public void Add_EntryLargerThanTheCache_NotKept()
    {
        var cache = new PrefixCache(16);
        cache.Add(Entry([1, 2, 3, 4], 1));
        Assert.Equal(0, cache.Peek([1, 2, 3, 4, 5]));
    }
}
