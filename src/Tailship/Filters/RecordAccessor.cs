using System.Globalization;
using Tailship.Events;

namespace Tailship.Filters;

/// <summary>What looking a path up in a record found.</summary>
internal enum DigResult
{
    Found,

    /// <summary>A key or index along the path is absent, or a value on the way is null (Ruby's <c>dig</c> gives nil).</summary>
    Missing,

    /// <summary>The path goes into a value that cannot be dug (a string, a number) or indexes an array by a name: Ruby raises.</summary>
    NotDiggable,
}

/// <summary>
/// Fluentd's record accessor: a key written <c>$.a.b[0]</c> (dot notation) or <c>$['a']['b'][0]</c> (bracket
/// notation) follows nested maps and arrays; any other text is one top-level key, dots included. Parsed once.
/// </summary>
internal sealed class RecordAccessor
{
    // Each step is a string key or an integer index (boxed long), as Ruby's dig receives them.
    private readonly object[] _path;

    private RecordAccessor(string source, object[] path)
    {
        Source = source;
        _path = path;
    }

    /// <summary>The accessor as written.</summary>
    public string Source { get; }

    /// <summary>The top-level key when the accessor is one plain key, else null.</summary>
    public string? SimpleKey => _path.Length == 1 ? _path[0] as string : null;

    public static RecordAccessor Plain(string key) => new(key, [key]);

    public static bool TryParse(string text, out RecordAccessor? accessor, out string? error)
    {
        List<object>? path;
        if (text.StartsWith("$.", StringComparison.Ordinal))
        {
            path = ParseDotNotation(text, out error);
        }
        else if (text.StartsWith("$[", StringComparison.Ordinal))
        {
            path = ParseBracketNotation(text, out error);
        }
        else
        {
            accessor = Plain(text);
            error = null;
            return true;
        }

        if (path is not null && path.Count == 0)
        {
            error = $"empty keys in record accessor '{text}'";
            path = null;
        }

        accessor = path is null ? null : new RecordAccessor(text, [.. path]);
        return accessor is not null;
    }

    /// <summary>Follows the path as Ruby's <c>Hash#dig</c> does.</summary>
    public DigResult Dig(Record record, out RecordValue value)
    {
        value = default;
        var current = RecordValue.FromMap(record);
        foreach (var step in _path)
        {
            switch (current.Kind)
            {
                case RecordValueKind.Map:
                    if (step is not string key || !current.AsMap.TryGetValue(key, out current))
                    {
                        return DigResult.Missing;
                    }

                    break;
                case RecordValueKind.Array:
                    if (step is not long index)
                    {
                        return DigResult.NotDiggable;
                    }

                    var items = current.AsArray;
                    var at = index < 0 ? items.Count + index : index;
                    if (at < 0 || at >= items.Count)
                    {
                        return DigResult.Missing;
                    }

                    current = items[(int)at];
                    break;
                case RecordValueKind.Null:
                    return DigResult.Missing;
                default:
                    return DigResult.NotDiggable;
            }

            if (current.IsNull)
            {
                return DigResult.Missing;
            }
        }

        value = current;
        return DigResult.Found;
    }

    /// <summary>Removes the value at the path, if the path leads to it; returns whether something was removed.</summary>
    public bool Delete(Record record)
    {
        if (_path.Length == 1)
        {
            return _path[0] is string only && record.Remove(only);
        }

        var parentAccessor = new RecordAccessor(Source, _path[..^1]);
        if (parentAccessor.Dig(record, out var parent) != DigResult.Found)
        {
            return false;
        }

        switch (parent.Kind, _path[^1])
        {
            case (RecordValueKind.Map, string key):
                return parent.AsMap.Remove(key);
            case (RecordValueKind.Array, long index):
                var items = parent.AsArray;
                var at = index < 0 ? items.Count + index : index;
                if (at < 0 || at >= items.Count)
                {
                    return false;
                }

                items.RemoveAt((int)at);
                return true;
            default:
                return false;
        }
    }

    public override string ToString() => Source;

    private static List<object>? ParseDotNotation(string text, out string? error)
    {
        error = null;
        var result = new List<object>();

        // Ruby's split drops trailing empty fields; "$." alone yields no key.
        var parts = text[2..].Split('.').ToList();
        while (parts.Count > 0 && parts[^1].Length == 0)
        {
            parts.RemoveAt(parts.Count - 1);
        }

        foreach (var part in parts)
        {
            var open = part.IndexOf('[', StringComparison.Ordinal);
            if (open < 0)
            {
                result.Add(part);
                continue;
            }

            if (open > 0)
            {
                result.Add(part[..open]);
            }

            var rest = part[(open + 1)..];
            var inBracket = true;
            while (rest.Length > 0)
            {
                if (inBracket)
                {
                    var close = rest.IndexOf(']', StringComparison.Ordinal);
                    if (close < 0)
                    {
                        error = $"'[' found but ']' not found. Invalid syntax: {text}";
                        return null;
                    }

                    if (!TryParseIndex(rest[..close], text, out var index, out error))
                    {
                        return null;
                    }

                    result.Add(index);
                    rest = rest[(close + 1)..];
                    inBracket = false;
                }
                else
                {
                    var next = rest.IndexOf('[', StringComparison.Ordinal);
                    if (next < 0)
                    {
                        error = $"found more characters after ']'. Invalid syntax: {text}";
                        return null;
                    }

                    rest = rest[(next + 1)..];
                    inBracket = true;
                }
            }
        }

        return result;
    }

    private static List<object>? ParseBracketNotation(string text, out string? error)
    {
        error = null;
        var result = new List<object>();
        var rest = text[1..];
        var inBracket = false;
        while (rest.Length > 0)
        {
            if (!inBracket)
            {
                var open = rest.IndexOf('[', StringComparison.Ordinal);
                if (open < 0)
                {
                    error = $"found more characters after ']'. Invalid syntax: {text}";
                    return null;
                }

                rest = rest[(open + 1)..];
                inBracket = true;
                continue;
            }

            if (rest[0] == '\'')
            {
                var close = rest.IndexOf("']", StringComparison.Ordinal);
                if (close < 0)
                {
                    error = $"Incomplete bracket. Invalid syntax: {text}";
                    return null;
                }

                result.Add(rest[1..close]);
                rest = rest[(close + 2)..];
            }
            else
            {
                var close = rest.IndexOf(']', StringComparison.Ordinal);
                if (close < 0)
                {
                    error = $"'[' found but ']' not found. Invalid syntax: {text}";
                    return null;
                }

                if (!TryParseIndex(rest[..close], text, out var index, out error))
                {
                    return null;
                }

                result.Add(index);
                rest = rest[(close + 1)..];
            }

            inBracket = false;
        }

        return result;
    }

    // Ruby's Integer(): optional sign, digits with single underscores, surrounding spaces allowed.
    private static bool TryParseIndex(string raw, string text, out object index, out string? error)
    {
        var s = raw.Trim();
        if (s.Length > 0 && !s.StartsWith('_') && !s.EndsWith('_') && !s.Contains("__", StringComparison.Ordinal)
            && long.TryParse(s.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            index = n;
            error = null;
            return true;
        }

        index = 0L;
        error = $"invalid array index '{raw}' (expected an integer, or a 'quoted' key in bracket notation). Invalid syntax: {text}";
        return false;
    }
}
