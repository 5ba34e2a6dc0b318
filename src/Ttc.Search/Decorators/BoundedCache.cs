namespace Ttc.Search.Decorators;

/// <summary>A thread-safe map that forgets its oldest entries beyond a capacity.</summary>
internal sealed class BoundedCache<TKey, TValue>(int capacity)
    where TKey : notnull
{
    private readonly Dictionary<TKey, TValue> _map = [];
    private readonly Queue<TKey> _order = new();
    private readonly Lock _gate = new();

    public long Hits { get; private set; }

    /// <summary>
    /// The values for <paramref name="requests"/>: remembered ones from memory, the rest from one call of
    /// <paramref name="compute"/> with the requests still missing (in order), remembered afterwards.
    /// </summary>
    public async Task<IReadOnlyList<TValue>> GetOrComputeAsync<TRequest>(
        IReadOnlyList<TRequest> requests,
        Func<TRequest, TKey> key,
        Func<IReadOnlyList<TRequest>, Task<IReadOnlyList<TValue>>> compute)
    {
        var keys = requests.Select(key).ToList();
        var results = new TValue[requests.Count];
        var missing = new List<int>();
        lock (_gate)
        {
            for (int i = 0; i < keys.Count; i++)
            {
                if (_map.TryGetValue(keys[i], out var hit))
                {
                    results[i] = hit;
                    Hits++;
                }
                else
                {
                    missing.Add(i);
                }
            }
        }

        if (missing.Count > 0)
        {
            var fresh = await compute(missing.Select(i => requests[i]).ToList());
            for (int k = 0; k < missing.Count; k++)
            {
                results[missing[k]] = fresh[k];
                Add(keys[missing[k]], fresh[k]);
            }
        }

        return results;
    }

    private void Add(TKey key, TValue value)
    {
        lock (_gate)
        {
            if (_map.TryAdd(key, value))
            {
                _order.Enqueue(key);
                while (_order.Count > capacity)
                {
                    _map.Remove(_order.Dequeue());
                }
            }
        }
    }
}
