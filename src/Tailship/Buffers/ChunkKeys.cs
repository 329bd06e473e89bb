using Tailship.Events;

namespace Tailship.Buffers;

/// <summary>
/// The chunk keys of a <c>&lt;buffer&gt;</c>: <c>tag</c>, <c>time</c> and record keys (a plain name or a nested
/// <c>$.a.b</c>). Events with the same key values share a chunk.
/// </summary>
public sealed class ChunkKeys
{
    private readonly string[][] _paths;

    private ChunkKeys(bool tag, bool time, IReadOnlyList<string> recordKeys)
    {
        Tag = tag;
        Time = time;
        RecordKeys = recordKeys;
        _paths = recordKeys.Select(ParsePath).ToArray();
    }

    public static ChunkKeys None { get; } = new(false, false, []);

    public bool Tag { get; }

    public bool Time { get; }

    /// <summary>Record keys as written (<c>$.a.b</c> stays so); placeholders use the same spelling.</summary>
    public IReadOnlyList<string> RecordKeys { get; }

    public static bool TryParse(string text, out ChunkKeys keys, out string? error)
    {
        keys = None;
        error = null;
        bool tag = false, time = false;
        var record = new List<string>();
        foreach (var raw in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (raw == "tag")
            {
                tag = true;
            }
            else if (raw == "time")
            {
                time = true;
            }
            else if (raw.StartsWith("$.", StringComparison.Ordinal) ? raw.Length > 2 && !raw.EndsWith('.') : IsPlainKey(raw))
            {
                if (!record.Contains(raw))
                {
                    record.Add(raw);
                }
            }
            else
            {
                error = $"invalid chunk key '{raw}': expected tag, time, a record key (letters, digits, _ and -) or a nested key such as $.kubernetes.pod_name";
                return false;
            }
        }

        keys = new ChunkKeys(tag, time, record);
        return true;
    }

    /// <summary>The values of the record keys for one record (empty string for a missing key, as Fluentd renders nil).</summary>
    public string[] ValuesOf(Record record)
    {
        if (_paths.Length == 0)
        {
            return [];
        }

        var values = new string[_paths.Length];
        for (var i = 0; i < _paths.Length; i++)
        {
            values[i] = Lookup(record, _paths[i]);
        }

        return values;
    }

    public override string ToString()
    {
        var names = new List<string>();
        if (Tag)
        {
            names.Add("tag");
        }

        if (Time)
        {
            names.Add("time");
        }

        names.AddRange(RecordKeys);
        return string.Join(",", names);
    }

    private static string Lookup(Record record, string[] path)
    {
        var current = record;
        for (var i = 0; i < path.Length; i++)
        {
            if (!current.TryGetValue(path[i], out var value))
            {
                return string.Empty;
            }

            if (i == path.Length - 1)
            {
                return value.ToString();
            }

            if (value.Kind != RecordValueKind.Map)
            {
                return string.Empty;
            }

            current = value.AsMap;
        }

        return string.Empty;
    }

    private static string[] ParsePath(string key) =>
        key.StartsWith("$.", StringComparison.Ordinal) ? key[2..].Split('.') : [key];

    private static bool IsPlainKey(string key) =>
        key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
