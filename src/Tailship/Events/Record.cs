using System.Collections;

namespace Tailship.Events;

/// <summary>
/// A record: an ordered map of string keys to values. Insertion order is kept (Fluentd's JSON output depends on
/// it), setting an existing key keeps its position, and lookups are linear because records have few keys.
/// </summary>
/// <remarks>Keys and values live side by side in one array: a record costs two allocations (the parsers make one
/// per line, so this is on the hot path of every input).</remarks>
public sealed class Record : IEnumerable<KeyValuePair<string, RecordValue>>, IEquatable<Record>
{
    private Entry[] _entries;

    public Record(int capacity = 4)
    {
        _entries = new Entry[Math.Max(capacity, 1)];
    }

    public int Count { get; private set; }

    public string KeyAt(int index) => _entries[index].Key;

    public RecordValue ValueAt(int index) => _entries[index].Value;

    public RecordValue this[string key]
    {
        get => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException(key);
        set => Set(key, value);
    }

    public int IndexOf(string key)
    {
        for (var i = 0; i < Count; i++)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, out RecordValue value)
    {
        var i = IndexOf(key);
        value = i >= 0 ? _entries[i].Value : default;
        return i >= 0;
    }

    /// <summary>Sets a key; an existing key keeps its position, a new key goes last.</summary>
    public void Set(string key, RecordValue value)
    {
        var i = IndexOf(key);
        if (i >= 0)
        {
            _entries[i].Value = value;
            return;
        }

        Append(key, value);
    }

    /// <summary>Adds a key known not to be present (no lookup): the fast path for parsers.</summary>
    public void Append(string key, RecordValue value)
    {
        if (Count == _entries.Length)
        {
            System.Array.Resize(ref _entries, Count * 2);
        }

        _entries[Count] = new Entry(key, value);
        Count++;
    }

    public bool Remove(string key)
    {
        var i = IndexOf(key);
        if (i < 0)
        {
            return false;
        }

        System.Array.Copy(_entries, i + 1, _entries, i, Count - i - 1);
        Count--;
        _entries[Count] = default;
        return true;
    }

    public void Clear()
    {
        System.Array.Clear(_entries, 0, Count);
        Count = 0;
    }

    /// <summary>A shallow copy (nested maps and arrays are shared).</summary>
    public Record Clone()
    {
        var copy = new Record(Count) { Count = Count };
        for (var i = 0; i < Count; i++)
        {
            copy._entries[i] = _entries[i];
        }

        return copy;
    }

    /// <summary>Follows a path of nested map keys, e.g. <c>["kubernetes", "pod_name"]</c>.</summary>
    public bool TryGetPath(IReadOnlyList<string> path, out RecordValue value)
    {
        value = default;
        var current = this;
        for (var i = 0; i < path.Count; i++)
        {
            if (!current.TryGetValue(path[i], out value))
            {
                return false;
            }

            if (i < path.Count - 1)
            {
                if (value.Kind != RecordValueKind.Map)
                {
                    return false;
                }

                current = value.AsMap;
            }
        }

        return true;
    }

    public IEnumerator<KeyValuePair<string, RecordValue>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return new KeyValuePair<string, RecordValue>(_entries[i].Key, _entries[i].Value);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(Record? other)
    {
        if (other is null || other.Count != Count)
        {
            return false;
        }

        for (var i = 0; i < Count; i++)
        {
            if (!other.TryGetValue(_entries[i].Key, out var v) || !v.Equals(_entries[i].Value))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is Record r && Equals(r);

    public override int GetHashCode() => Count;

    /// <summary>Ruby's Hash#inspect layout (<c>{"k"=>"v"}</c>), for messages and placeholders.</summary>
    public override string ToString() =>
        "{" + string.Join(", ", this.Select(kv => $"\"{kv.Key}\"=>{Inspect(kv.Value)}")) + "}";

    private static string Inspect(RecordValue v) => v.Kind switch
    {
        RecordValueKind.Null => "nil",
        RecordValueKind.String => "\"" + v.AsString + "\"",
        _ => v.ToString(),
    };

    private struct Entry(string key, RecordValue value)
    {
        public readonly string Key = key;
        public RecordValue Value = value;
    }
}
