namespace Ttc.Inference;

/// <summary>Counters of an ONNX backend since it was opened (thread-safe), for benchmarks and logs.</summary>
public sealed class InferenceStats
{
    private long _prefillTokens;
    private long _decodeTokens;
    private long _prefillTicks;
    private long _decodeTicks;

    /// <summary>Tokens run through prefill calls (padding excluded).</summary>
    public long PrefillTokens => Interlocked.Read(ref _prefillTokens);

    /// <summary>Tokens produced by decode calls (one per live row per call).</summary>
    public long DecodeTokens => Interlocked.Read(ref _decodeTokens);

    /// <summary>Seconds inside prefill calls.</summary>
    public double PrefillSeconds => TimeSpan.FromTicks(Interlocked.Read(ref _prefillTicks)).TotalSeconds;

    /// <summary>Seconds inside decode calls.</summary>
    public double DecodeSeconds => TimeSpan.FromTicks(Interlocked.Read(ref _decodeTicks)).TotalSeconds;

    internal void AddPrefill(long tokens, TimeSpan elapsed)
    {
        Interlocked.Add(ref _prefillTokens, tokens);
        Interlocked.Add(ref _prefillTicks, elapsed.Ticks);
    }

    internal void AddDecode(long tokens, TimeSpan elapsed)
    {
        Interlocked.Add(ref _decodeTokens, tokens);
        Interlocked.Add(ref _decodeTicks, elapsed.Ticks);
    }
}
