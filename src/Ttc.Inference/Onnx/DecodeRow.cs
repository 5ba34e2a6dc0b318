using Ttc.Search;

namespace Ttc.Inference.Onnx;

/// <summary>One sequence being decoded: its prompt, what was reused from the cache, what it produced.</summary>
internal sealed class DecodeRow(int[] prompt, PromptRequest request)
{
    public int[] Prompt { get; } = prompt;

    public PromptRequest Request { get; } = request;

    public TokenSampler Sampler { get; } = new(request.Sampling.Seed);

    /// <summary>Prompt tokens whose KV came from the prefix cache.</summary>
    public int Cached { get; set; }

    /// <summary>The cached prefix its prefill reuses (a reference held until <see cref="ReleaseCache"/>).</summary>
    public CachedPrefix? CacheEntry { get; set; }

    /// <summary>Drops the reference to the cached prefix (once its KV has been copied, or when the row never runs).</summary>
    public void ReleaseCache()
    {
        CacheEntry?.Release();
        CacheEntry = null;
    }

    /// <summary>Tokens sampled so far (end-of-sequence included).</summary>
    public List<int> Sampled { get; } = [];

    /// <summary>Tokens whose KV is in the batch (prompt and fed samples).</summary>
    public int Fed { get; set; }

    public string Text { get; set; } = string.Empty;

    public StopReason? Stop { get; set; }

    public bool Done => Stop is not null;

    /// <summary>The tokens whose KV the batch holds for this row, in order.</summary>
    public int[] FedTokens() => [.. Prompt, .. Sampled.Take(Fed - Prompt.Length)];
}
