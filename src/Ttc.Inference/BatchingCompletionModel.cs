using System.Threading.Channels;
using Ttc.Inference.Tokenization;
using Ttc.Search;

namespace Ttc.Inference;

/// <summary>
/// Dynamic batching: requests from concurrent callers (many jobs, many HTTP requests) that arrive
/// within a short window run as one call of the inner model, so the hardware sees large batches.
/// </summary>
public sealed class BatchingCompletionModel : ITextCompletionModel, IAsyncDisposable
{
    private readonly ITextCompletionModel _inner;
    private readonly TimeSpan _window;
    private readonly int _maxBatch;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private long _batches;
    private long _requests;

    /// <summary>Wraps <paramref name="inner"/>; a batch closes after <paramref name="window"/> or at <paramref name="maxBatch"/> prompts.</summary>
    public BatchingCompletionModel(ITextCompletionModel inner, TimeSpan window, int maxBatch)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _window = window;
        _maxBatch = maxBatch;
        _loop = Task.Run(LoopAsync);
    }

    /// <inheritdoc />
    public ChatTemplate Template => _inner.Template;

    /// <summary>Inner calls made so far.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Prompts served so far.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <inheritdoc />
    public async Task<IReadOnlyList<GeneratedStep>> CompleteAsync(IReadOnlyList<PromptRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return [];
        }

        var pending = new Pending(requests, new TaskCompletionSource<IReadOnlyList<GeneratedStep>>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        return await pending.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task LoopAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            var batch = new List<Pending>();
            int count = 0;
            using var windowEnd = new CancellationTokenSource(_window);
            try
            {
                while (count < _maxBatch)
                {
                    if (reader.TryRead(out var p))
                    {
                        batch.Add(p);
                        count += p.Requests.Count;
                    }
                    else if (batch.Count == 0 || !await reader.WaitToReadAsync(windowEnd.Token))
                    {
                        if (batch.Count > 0)
                        {
                            break;
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (windowEnd.IsCancellationRequested)
            {
                // The window closed: run what has arrived.
            }

            if (batch.Count > 0)
            {
                await RunAsync(batch);
            }
        }
    }

    private async Task RunAsync(List<Pending> batch)
    {
        try
        {
            var all = batch.SelectMany(p => p.Requests).ToList();
            var results = await _inner.CompleteAsync(all);
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _requests, all.Count);
            int at = 0;
            foreach (var p in batch)
            {
                p.Done.TrySetResult(results.Skip(at).Take(p.Requests.Count).ToList());
                at += p.Requests.Count;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // One failed inner call fails exactly the callers that shared it.
            foreach (var p in batch)
            {
                p.Done.TrySetException(ex);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private sealed record Pending(IReadOnlyList<PromptRequest> Requests, TaskCompletionSource<IReadOnlyList<GeneratedStep>> Done);
}
