using Ttc.Inference.Tokenization;
using Ttc.Search;

namespace Ttc.Inference.Onnx;

/// <summary>
/// Continuous batching over an <see cref="OnnxStepGenerator"/>, for a server with many concurrent
/// callers: a request joins a running decode batch between two decode steps and leaves it, its
/// caller's task completing, as soon as it stops, so a short request never waits for the longest
/// member of a batch it happened to share. Decoding runs on <c>decodeParallelism</c> lanes, each its
/// own thread with a running batch of at most <c>maxBatchSize / lanes</c> rows (fewer where
/// <c>decodeSubBatchRows</c> says so, see <see cref="InferenceOptions.DecodeSubBatchRows"/>); waiting requests go
/// to the least loaded lane, which prefills them (with the generator's prefix cache) and merges them
/// into its batch. Per-row samplers keep each request's text what the generator gives it alone.
/// A cancelled caller's rows leave at the next step; an error fails only the callers whose rows were
/// in the failing call.
/// </summary>
public sealed class ContinuousCompletionModel : ITextCompletionModel, IModelLimits, IDisposable
{
    private readonly OnnxStepGenerator _generator;
    private readonly object _gate = new();
    private readonly Queue<ContinuousLane.Pending> _queue = new();
    private readonly ContinuousLane[] _lanes;
    private bool _disposed;
    private long _requests;
    private long _prefills;
    private long _steps;
    private long _rowSteps;

    /// <summary>Starts the decode lanes over <paramref name="generator"/> (its model, prefix cache and counters; not disposed with this).</summary>
    public ContinuousCompletionModel(OnnxStepGenerator generator)
    {
        _generator = generator ?? throw new ArgumentNullException(nameof(generator));
        var options = generator.Options;
        int lanes = System.Math.Clamp(options.ResolvedDecodeParallelism, 1, options.MaxBatchSize);
        // A lane's rows are its sub-batch: as many as the generator's cache rule allows for rows that may
        // reach the whole context, since what a request will ask for is not known yet.
        int capacity = System.Math.Min(options.MaxBatchSize / lanes, generator.MaxSubBatchRows(options.MaxBatchSize, lanes, generator.Model.MaxPositions));
        _lanes = Enumerable.Range(0, lanes).Select(i => new ContinuousLane(this, generator, i, capacity)).ToArray();
        Array.ForEach(_lanes, l => l.Start());
    }

    /// <inheritdoc />
    public ChatTemplate Template => _generator.Template;

    /// <inheritdoc />
    public string ModelId => _generator.ModelId;

    /// <inheritdoc />
    public int ContextLength => _generator.ContextLength;

    /// <summary>Decode lanes (batches decoded at the same time, each on its own thread).</summary>
    public int Lanes => _lanes.Length;

    /// <summary>Most rows one lane decodes at a time.</summary>
    public int LaneRows => _lanes[0].Capacity;

    /// <summary>Requests that entered a decode batch so far.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Prefill calls so far (each admits the requests that were waiting for a lane).</summary>
    public long Prefills => Interlocked.Read(ref _prefills);

    /// <summary>Decode steps so far, over all lanes.</summary>
    public long Steps => Interlocked.Read(ref _steps);

    /// <summary>Live rows summed over the decode steps: <see cref="RowSteps"/> / <see cref="Steps"/> is the mean batch a step decoded.</summary>
    public long RowSteps => Interlocked.Read(ref _rowSteps);

    /// <inheritdoc />
    public int CountTokens(string prompt) => _generator.CountTokens(prompt);

    /// <inheritdoc />
    public Task<IReadOnlyList<GeneratedStep>> CompleteAsync(IReadOnlyList<PromptRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<GeneratedStep>>([]);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IReadOnlyList<GeneratedStep>>(cancellationToken);
        }

        // Tokenized on the caller's thread, so the lanes only decode.
        var rows = requests.Select(_generator.Row).ToList();
        var call = new ContinuousLane.Call(rows.Count, cancellationToken);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            for (int i = 0; i < rows.Count; i++)
            {
                if (rows[i].Done)
                {
                    // No room in the context: stopped by length before the first token, as the generator does.
                    call.Finish(i, rows[i]);
                }
                else
                {
                    _queue.Enqueue(new ContinuousLane.Pending(rows[i], call, i));
                }
            }

            Monitor.PulseAll(_gate);
        }

        return call.Task;
    }

    /// <summary>
    /// The waiting requests <paramref name="lane"/> should admit now, given its <paramref name="live"/>
    /// rows: up to an even share of all live and waiting rows, within its capacity. Empty when it should
    /// just go on decoding; waits while it has nothing to decode; null once this model is disposed.
    /// </summary>
    internal List<ContinuousLane.Pending>? Take(ContinuousLane lane, int live)
    {
        lock (_gate)
        {
            while (true)
            {
                if (_disposed)
                {
                    return null;
                }

                while (_queue.TryPeek(out var head) && head.Call.Abandoned)
                {
                    _queue.Dequeue();
                }

                lane.Live = live;
                int total = _lanes.Sum(l => l.Live) + _queue.Count;
                int share = System.Math.Min(lane.Capacity, (total + _lanes.Length - 1) / _lanes.Length);
                var taken = new List<ContinuousLane.Pending>();
                while (live + taken.Count < share && _queue.TryDequeue(out var p))
                {
                    if (!p.Call.Abandoned)
                    {
                        taken.Add(p);
                    }
                }

                lane.Live += taken.Count;
                if (taken.Count > 0 || live > 0)
                {
                    return taken;
                }

                Monitor.Wait(_gate);
            }
        }
    }

    internal void CountPrefill(int rows)
    {
        Interlocked.Increment(ref _prefills);
        Interlocked.Add(ref _requests, rows);
    }

    internal void CountStep(int live)
    {
        Interlocked.Increment(ref _steps);
        Interlocked.Add(ref _rowSteps, live);
    }

    /// <summary>Stops the lanes after their current step; callers still waiting see <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        List<ContinuousLane.Pending> waiting;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            waiting = [.. _queue];
            _queue.Clear();
            Monitor.PulseAll(_gate);
        }

        waiting.ForEach(p => p.Call.Fail(new ObjectDisposedException(nameof(ContinuousCompletionModel))));
        Array.ForEach(_lanes, l => l.Join());
    }
}
