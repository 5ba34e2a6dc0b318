namespace Ttc.Search.Decorators;

/// <summary>A thread-safe map that forgets its oldest entries beyond a capacity.</summary>
internal sealed class BoundedCache<TKey, TValue>(int capacity)
    where TKey : notnull
{
    private readonly Dictionary<TKey, TValue> _map = [];
    private readonly Queue<TKey> _order = new();
    private readonly Lock _gate = new();

    public long Hits { get; private set; }

    public bool TryGet(TKey key, out TValue value)
    {
        lock (_gate)
        {
            if (_map.TryGetValue(key, out value!))
            {
                Hits++;
                return true;
            }

            return false;
        }
    }

    public void Add(TKey key, TValue value)
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
