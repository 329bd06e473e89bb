using System.Collections;

namespace Tailship.Events;

/// <summary>
/// A record: an ordered map of string keys to values. Insertion order is kept (Fluentd's JSON output depends on
/// it), setting an existing key keeps its position, and lookups are linear because records have few keys.
/// </summary>
/// <remarks>The first entry lives in the record itself, the others side by side in one array: a one-field record
/// (the <c>none</c> parser's, one per line on the hot path of the seed) costs one allocation, a larger one two.
/// Invariant: entry 0 is <see cref="_first"/>, entry <c>i</c> ≥ 1 is <c>_rest[i - 1]</c>.</remarks>
public sealed class Record : IEnumerable<KeyValuePair<string, RecordValue>>, IEquatable<Record>
{
    private Entry _first;
    private Entry[] _rest;

    public Record(int capacity = 4)
    {
        _rest = capacity > 1 ? new Entry[capacity - 1] : [];
    }

    public int Count { get; private set; }

    public string KeyAt(int index) => At(index).Key;

    public RecordValue ValueAt(int index) => At(index).Value;

    /// <summary>Entry <paramref name="index"/>; like an array, indices up to the capacity are not checked against <see cref="Count"/>.</summary>
    private ref Entry At(int index) => ref index == 0 ? ref _first : ref _rest[index - 1];

    public RecordValue this[string key]
    {
        get => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException(key);
        set => Set(key, value);
    }

    public int IndexOf(string key)
    {
        for (var i = 0; i < Count; i++)
        {
            if (string.Equals(At(i).Key, key, StringComparison.Ordinal))
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
        value = i >= 0 ? At(i).Value : default;
        return i >= 0;
    }

    /// <summary>Sets a key; an existing key keeps its position, a new key goes last.</summary>
    public void Set(string key, RecordValue value)
    {
        var i = IndexOf(key);
        if (i >= 0)
        {
            At(i).Value = value;
            return;
        }

        Append(key, value);
    }

    /// <summary>Adds a key known not to be present (no lookup): the fast path for parsers.</summary>
    public void Append(string key, RecordValue value)
    {
        if (Count == 0)
        {
            _first = new Entry(key, value);
            Count = 1;
            return;
        }

        if (Count > _rest.Length)
        {
            System.Array.Resize(ref _rest, Math.Max(Count * 2, 4) - 1);
        }

        _rest[Count - 1] = new Entry(key, value);
        Count++;
    }

    public bool Remove(string key)
    {
        var i = IndexOf(key);
        if (i < 0)
        {
            return false;
        }

        for (var j = i; j < Count - 1; j++)
        {
            At(j) = At(j + 1);
        }

        Count--;
        At(Count) = default;
        return true;
    }

    public void Clear()
    {
        _first = default;
        System.Array.Clear(_rest, 0, Math.Max(Count - 1, 0));
        Count = 0;
    }

    /// <summary>A shallow copy (nested maps and arrays are shared).</summary>
    public Record Clone()
    {
        var copy = new Record(Count) { Count = Count, _first = _first };
        _rest.AsSpan(0, Math.Max(Count - 1, 0)).CopyTo(copy._rest);

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
            var entry = At(i);
            yield return new KeyValuePair<string, RecordValue>(entry.Key, entry.Value);
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
            var entry = At(i);
            if (!other.TryGetValue(entry.Key, out var v) || !v.Equals(entry.Value))
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
