using System.Threading.Channels;

namespace Ttc.Inference;

/// <summary>
/// Dynamic batching: requests from concurrent callers (many jobs, many HTTP requests) that arrive
/// within a short window run as one call of the inner model, so the hardware sees large batches.
/// One failed call fails exactly the callers that shared it.
/// </summary>
/// <typeparam name="TRequest">One request (a prompt, a solution to score).</typeparam>
/// <typeparam name="TResult">Its result.</typeparam>
public sealed class DynamicBatcher<TRequest, TResult> : IAsyncDisposable
{
    private readonly Func<IReadOnlyList<TRequest>, CancellationToken, Task<IReadOnlyList<TResult>>> _inner;
    private readonly TimeSpan _window;
    private readonly int _maxBatch;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private long _batches;
    private long _requests;

    /// <summary>Batches calls of <paramref name="inner"/>; a batch closes after <paramref name="window"/> or at <paramref name="maxBatch"/> requests.</summary>
    public DynamicBatcher(Func<IReadOnlyList<TRequest>, CancellationToken, Task<IReadOnlyList<TResult>>> inner, TimeSpan window, int maxBatch)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _window = window;
        _maxBatch = maxBatch;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Inner calls made so far.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Requests served so far.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Runs <paramref name="requests"/> in the next batch; one result per request, in order.</summary>
    public async Task<IReadOnlyList<TResult>> RunAsync(IReadOnlyList<TRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return [];
        }

        var pending = new Pending(requests, new TaskCompletionSource<IReadOnlyList<TResult>>(TaskCreationOptions.RunContinuationsAsynchronously));
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
                await RunBatchAsync(batch);
            }
        }
    }

    private async Task RunBatchAsync(List<Pending> batch)
    {
        try
        {
            var all = batch.SelectMany(p => p.Requests).ToList();
            var results = await _inner(all, CancellationToken.None);
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

    private sealed record Pending(IReadOnlyList<TRequest> Requests, TaskCompletionSource<IReadOnlyList<TResult>> Done);
}
