using Ttc.Inference.Tokenization;
using Ttc.Search;

namespace Ttc.Inference;

/// <summary>A text completion model whose calls from concurrent callers are merged into shared batches.</summary>
public sealed class BatchingCompletionModel : ITextCompletionModel, IAsyncDisposable
{
    private readonly ITextCompletionModel _inner;
    private readonly DynamicBatcher<PromptRequest, GeneratedStep> _batcher;

    /// <summary>Wraps <paramref name="inner"/>; a batch closes after <paramref name="window"/> or at <paramref name="maxBatch"/> prompts.</summary>
    public BatchingCompletionModel(ITextCompletionModel inner, TimeSpan window, int maxBatch)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _batcher = new DynamicBatcher<PromptRequest, GeneratedStep>(inner.CompleteAsync, window, maxBatch);
    }

    /// <inheritdoc />
    public ChatTemplate Template => _inner.Template;

    /// <summary>The wrapped model's name, context and token counts, when it knows them (an ONNX model does).</summary>
    public IModelLimits? Limits => _inner as IModelLimits;

    /// <summary>Inner calls made so far.</summary>
    public long Batches => _batcher.Batches;

    /// <summary>Prompts served so far.</summary>
    public long Requests => _batcher.Requests;

    /// <inheritdoc />
    public Task<IReadOnlyList<GeneratedStep>> CompleteAsync(IReadOnlyList<PromptRequest> requests, CancellationToken cancellationToken = default) =>
        _batcher.RunAsync(requests, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _batcher.DisposeAsync();
}
