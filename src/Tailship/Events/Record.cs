using System.Collections;

namespace Tailship.Events;

/// <summary>
/// A record: an ordered map of string keys to values. Insertion order is kept (Fluentd's JSON output depends on
/// it), setting an existing key keeps its position, and lookups are linear because records have few keys.
/// </summary>
public sealed class Record : IEnumerable<KeyValuePair<string, RecordValue>>, IEquatable<Record>
{
    private string[] _keys;
    private RecordValue[] _values;

    public Record(int capacity = 4)
    {
        _keys = new string[Math.Max(capacity, 1)];
        _values = new RecordValue[Math.Max(capacity, 1)];
    }

    public int Count { get; private set; }

    public string KeyAt(int index) => _keys[index];

    public RecordValue ValueAt(int index) => _values[index];

    public RecordValue this[string key]
    {
        get => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException(key);
        set => Set(key, value);
    }

    public int IndexOf(string key)
    {
        for (var i = 0; i < Count; i++)
        {
            if (string.Equals(_keys[i], key, StringComparison.Ordinal))
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
        value = i >= 0 ? _values[i] : default;
        return i >= 0;
    }

    /// <summary>Sets a key; an existing key keeps its position, a new key goes last.</summary>
    public void Set(string key, RecordValue value)
    {
        var i = IndexOf(key);
        if (i >= 0)
        {
            _values[i] = value;
            return;
        }

        Append(key, value);
    }

    /// <summary>Adds a key known not to be present (no lookup): the fast path for parsers.</summary>
    public void Append(string key, RecordValue value)
    {
        if (Count == _keys.Length)
        {
            System.Array.Resize(ref _keys, Count * 2);
            System.Array.Resize(ref _values, Count * 2);
        }

        _keys[Count] = key;
        _values[Count] = value;
        Count++;
    }

    public bool Remove(string key)
    {
        var i = IndexOf(key);
        if (i < 0)
        {
            return false;
        }

        System.Array.Copy(_keys, i + 1, _keys, i, Count - i - 1);
        System.Array.Copy(_values, i + 1, _values, i, Count - i - 1);
        Count--;
        _keys[Count] = null!;
        _values[Count] = default;
        return true;
    }

    public void Clear()
    {
        System.Array.Clear(_keys, 0, Count);
        System.Array.Clear(_values, 0, Count);
        Count = 0;
    }

    /// <summary>A shallow copy (nested maps and arrays are shared).</summary>
    public Record Clone()
    {
        var copy = new Record(Count);
        for (var i = 0; i < Count; i++)
        {
            copy.Append(_keys[i], _values[i]);
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
            yield return new KeyValuePair<string, RecordValue>(_keys[i], _values[i]);
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
            if (!other.TryGetValue(_keys[i], out var v) || !v.Equals(_values[i]))
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
}
