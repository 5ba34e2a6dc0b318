namespace Ttc.Inference;

/// <summary>Counters of an ONNX backend since it was opened (thread-safe), for benchmarks and logs.</summary>
public sealed class InferenceStats
{
    private long _prefillTokens;
    private long _decodeTokens;
    private long _prefillTicks;
    private long _decodeTicks;
    private long _prefills;
    private long _prefillRows;

    /// <summary>Tokens run through prefill calls (padding excluded).</summary>
    public long PrefillTokens => Interlocked.Read(ref _prefillTokens);

    /// <summary>Tokens produced by decode calls (one per live row per call).</summary>
    public long DecodeTokens => Interlocked.Read(ref _decodeTokens);

    /// <summary>Prefill calls: one per (sub-)batch, and per admission of rows to a running batch.</summary>
    public long Prefills => Interlocked.Read(ref _prefills);

    /// <summary>Rows those prefill calls started.</summary>
    public long PrefillRows => Interlocked.Read(ref _prefillRows);

    /// <summary>Seconds inside prefill calls.</summary>
    public double PrefillSeconds => TimeSpan.FromTicks(Interlocked.Read(ref _prefillTicks)).TotalSeconds;

    /// <summary>Seconds inside decode calls.</summary>
    public double DecodeSeconds => TimeSpan.FromTicks(Interlocked.Read(ref _decodeTicks)).TotalSeconds;

    internal void AddPrefill(int rows, long tokens, TimeSpan elapsed)
    {
        Interlocked.Increment(ref _prefills);
        Interlocked.Add(ref _prefillRows, rows);
        Interlocked.Add(ref _prefillTokens, tokens);
        Interlocked.Add(ref _prefillTicks, elapsed.Ticks);
    }

    internal void AddDecode(long tokens, TimeSpan elapsed)
    {
        Interlocked.Add(ref _decodeTokens, tokens);
        Interlocked.Add(ref _decodeTicks, elapsed.Ticks);
    }
}
