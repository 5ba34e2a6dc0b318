using System.Diagnostics;
using Ttc.Search;

namespace Ttc.Inference.Onnx;

/// <summary>
/// One decode lane of a <see cref="ContinuousCompletionModel"/>: a thread that owns a running batch
/// and, between its steps, drops the rows whose caller left, admits waiting rows and hands each row's
/// result to its caller as soon as the row stops.
/// </summary>
internal sealed class ContinuousLane
{
    private readonly ContinuousCompletionModel _owner;
    private readonly OnnxStepGenerator _generator;
    private readonly HashSet<int> _eos;

    // A finished row's KV goes straight into the generator's prefix cache (one delegate for the lane's life).
    private readonly Action<DecodeRow, CachedPrefix>? _keep;
    private readonly Thread _thread;

    // The caller of each row in the batch; a row leaves it when its result is handed over or its caller left.
    private readonly Dictionary<DecodeRow, Pending> _slots = [];

    public ContinuousLane(ContinuousCompletionModel owner, OnnxStepGenerator generator, int index, int capacity)
    {
        _owner = owner;
        _generator = generator;
        _eos = generator.Model.Folder.EosTokenIds.ToHashSet();
        _keep = generator.Cache is { } cache ? (_, entry) => cache.Add(entry) : null;
        Capacity = System.Math.Max(1, capacity);
        _thread = new Thread(Run) { IsBackground = true, Name = $"ttc-decode-lane-{index}" };
    }

    /// <summary>Most rows in its batch.</summary>
    public int Capacity { get; }

    /// <summary>Its live rows as of its last admission (read and written under the owner's lock).</summary>
    public int Live { get; set; }

    private DecoderModel Model => _generator.Model;

    public void Start() => _thread.Start();

    public void Join() => _thread.Join();

    private void Run()
    {
        IDecodeBatch? state = null;
        try
        {
            while (true)
            {
                state = Trim(state);
                var fresh = _owner.Take(this, state?.Rows.Count(r => !r.Done) ?? 0);
                if (fresh is null)
                {
                    return;
                }

                if (fresh.Count > 0)
                {
                    state = Join(state, fresh);
                }

                if (state is not null)
                {
                    state = Step(state);
                }
            }
        }
        finally
        {
            if (state is not null)
            {
                Fail(state, new ObjectDisposedException(nameof(ContinuousCompletionModel)));
            }
        }
    }

    /// <summary>Stops the rows whose caller left; drops the batch once no row is live and compacts it once half of it is done.</summary>
    private IDecodeBatch? Trim(IDecodeBatch? state)
    {
        if (state is null)
        {
            return null;
        }

        foreach (var row in state.Rows.Where(r => !r.Done && _slots[r].Call.Abandoned))
        {
            // Stopped without a result (nobody waits for it), and not offered to the prefix cache.
            row.Stop = StopReason.Length;
            _slots.Remove(row);
        }

        int live = state.Rows.Count(r => !r.Done);
        if (live == 0)
        {
            state.Dispose();
            return null;
        }

        return live * 2 <= state.Rows.Count ? state.Compact() : state;
    }

    /// <summary>Prefills <paramref name="fresh"/> into the running batch (or a new one) and samples their first tokens.</summary>
    private IDecodeBatch? Join(IDecodeBatch? state, List<Pending> fresh)
    {
        var rows = fresh.Select(p => p.Row).ToList();
        fresh.ForEach(p => _slots[p.Row] = p);
        int first = 0;
        try
        {
            // Done rows are dropped first rather than carried beside the new ones.
            state = state is not null && state.Rows.Any(r => r.Done) ? state.Compact() : state;
            first = state?.Rows.Count ?? 0;
            rows.ForEach(_generator.TakeCached);
            state = BatchDecoder.Join(Model, state, rows, Capacity, _generator.Stats);
            _owner.CountPrefill(rows.Count);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Only the joining rows' callers fail (their cached prefixes released); the running batch goes on as it was.
            Fail(rows, ex);
            return state;
        }

        Sample(state, first);
        return state;
    }

    /// <summary>Feeds every live row its last token and samples the next one; a failed call fails the batch's callers.</summary>
    private IDecodeBatch? Step(IDecodeBatch state)
    {
        int live = state.Rows.Count(r => !r.Done);
        long start = Stopwatch.GetTimestamp();
        try
        {
            state = state.Step();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Fail(state, ex);
            return null;
        }

        _generator.Stats.AddDecode(live, Stopwatch.GetElapsedTime(start));
        _owner.CountStep(live);
        Sample(state, 0);
        return state;
    }

    /// <summary>
    /// Samples every live row from <paramref name="first"/> on from the batch's logits and hands over the
    /// rows that stopped; a row that fails (its OnText threw) fails only its caller.
    /// </summary>
    private void Sample(IDecodeBatch state, int first)
    {
        for (int b = first; b < state.Rows.Count; b++)
        {
            var row = state.Rows[b];
            if (row.Done)
            {
                continue;
            }

            try
            {
                BatchDecoder.Advance(Model, state, b, _keep, _eos);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                row.Stop = StopReason.Length;
                Fail([row], ex);
                continue;
            }

            if (row.Done && _slots.Remove(row, out var p))
            {
                p.Call.Finish(p.Index, row);
            }
        }
    }

    /// <summary>Fails the callers of the batch's rows and disposes it.</summary>
    private void Fail(IDecodeBatch state, Exception error)
    {
        Fail(state.Rows, error);
        state.Dispose();
    }

    private void Fail(List<DecodeRow> rows, Exception error)
    {
        foreach (var row in rows)
        {
            if (_slots.Remove(row, out var p))
            {
                p.Call.Fail(error);
            }
        }
    }

    /// <summary>A row waiting for a lane, with its caller and its place in the caller's results.</summary>
    internal sealed record Pending(DecodeRow Row, Call Call, int Index);

    /// <summary>One caller's requests: completes when its last row stops, or at its first error or its cancellation.</summary>
    internal sealed class Call
    {
        private readonly TaskCompletionSource<IReadOnlyList<GeneratedStep>> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly GeneratedStep[] _results;
        private readonly CancellationTokenRegistration _registration;
        private int _remaining;

        public Call(int rows, CancellationToken cancellationToken)
        {
            _results = new GeneratedStep[rows];
            _remaining = rows;
            _registration = cancellationToken.Register(() => _done.TrySetCanceled(cancellationToken));
        }

        public Task<IReadOnlyList<GeneratedStep>> Task => _done.Task;

        /// <summary>Whether its task already completed before every row stopped (cancelled or failed): its rows need not run.</summary>
        public bool Abandoned => _done.Task.IsCompleted;

        public void Finish(int index, DecodeRow row)
        {
            _results[index] = OnnxStepGenerator.Result(row);
            if (Interlocked.Decrement(ref _remaining) == 0 && _done.TrySetResult(_results))
            {
                _registration.Unregister();
            }
        }

        public void Fail(Exception error)
        {
            if (_done.TrySetException(error))
            {
                _registration.Unregister();
            }
        }
    }
}
