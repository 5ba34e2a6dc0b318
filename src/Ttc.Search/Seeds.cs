namespace Ttc.Search;

/// <summary>Derives independent per-request seeds from the search seed, so no RNG state needs saving.</summary>
public static class Seeds
{
    /// <summary>A seed for (iteration, beam, candidate) of a search seeded with <paramref name="seed"/>.</summary>
    public static long Derive(long seed, int iteration, int beam, int candidate = 0)
    {
        ulong h = Mix((ulong)seed);
        h = Mix(h ^ (uint)iteration);
        h = Mix(h ^ ((ulong)(uint)beam << 20));
        h = Mix(h ^ ((ulong)(uint)candidate << 40));
        return (long)(h >> 1);
    }

    // SplitMix64's finalizer: consecutive inputs give unrelated outputs.
    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
