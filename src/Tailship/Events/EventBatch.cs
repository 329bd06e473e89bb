using System.Collections;

namespace Tailship.Events;

/// <summary>
/// Events that share one tag, moved through the router as a unit so that routing decisions are made once per
/// batch, not once per event. A batch is owned by one stage at a time: a filter may change it in place and
/// pass it on; an output that keeps events past its emit call copies what it needs.
/// </summary>
public sealed class EventBatch : IReadOnlyList<Event>
{
    private Event[] _items;

    public EventBatch(int capacity = 16)
    {
        _items = new Event[Math.Max(capacity, 1)];
    }

    public EventBatch(IEnumerable<Event> events)
        : this()
    {
        foreach (var e in events)
        {
            Add(e);
        }
    }

    public int Count { get; private set; }

    public Event this[int index]
    {
        get => (uint)index < (uint)Count ? _items[index] : throw new ArgumentOutOfRangeException(nameof(index));
        set => _items[(uint)index < (uint)Count ? index : throw new ArgumentOutOfRangeException(nameof(index))] = value;
    }

    public ReadOnlySpan<Event> AsSpan() => _items.AsSpan(0, Count);

    public void Add(Event e)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, Count * 2);
        }

        _items[Count++] = e;
    }

    public void Add(EventTime time, Record record) => Add(new Event(time, record));

    /// <summary>Drops the events for which <paramref name="remove"/> returns true, keeping order, without allocating.</summary>
    public void RemoveWhere(Func<Event, bool> remove)
    {
        var w = 0;
        for (var r = 0; r < Count; r++)
        {
            if (!remove(_items[r]))
            {
                _items[w++] = _items[r];
            }
        }

        Array.Clear(_items, w, Count - w);
        Count = w;
    }

    public void Clear()
    {
        Array.Clear(_items, 0, Count);
        Count = 0;
    }

    /// <summary>A new batch with the same events (records are shared); used where one batch goes to several stores.</summary>
    public EventBatch Clone(bool deep = false)
    {
        var copy = new EventBatch(Count);
        foreach (var e in AsSpan())
        {
            copy.Add(deep ? e with { Record = e.Record.Clone() } : e);
        }

        return copy;
    }

    public IEnumerator<Event> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return _items[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
