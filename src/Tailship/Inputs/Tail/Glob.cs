using System.Text;
using System.Text.RegularExpressions;

namespace Tailship.Inputs.Tail;

/// <summary>
/// Ruby <c>Dir.glob</c> as in_tail uses it: <c>*</c>, <c>?</c>, <c>[set]</c>, <c>{a,b}</c> and <c>**</c> (any depth).
/// Wildcards do not match a leading dot unless the pattern has one. Symlinked files and directories are followed.
/// </summary>
internal sealed class Glob
{
    private readonly List<string[]> _alternatives = [];
    private readonly Dictionary<string, Regex> _segments = new(StringComparer.Ordinal);

    public Glob(string pattern)
    {
        Pattern = pattern;
        foreach (var alternative in ExpandBraces(pattern))
        {
            var full = Path.GetFullPath(alternative);
            var parts = full.Split('/');
            _alternatives.Add(parts);
            foreach (var part in parts.Where(HasWildcard))
            {
                _segments.TryAdd(part, ToRegex(part));
            }
        }
    }

    public string Pattern { get; }

    public static bool HasWildcard(string text) => text.AsSpan().IndexOfAny("*?[{") >= 0;

    /// <summary>The existing paths the pattern matches, files and directories, sorted ordinally (Fluentd's order).</summary>
    public List<string> Expand()
    {
        var results = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var parts in _alternatives)
        {
            Walk(parts, 1, "/", results);
        }

        return [.. results];
    }

    private void Walk(string[] parts, int index, string directory, SortedSet<string> results)
    {
        if (index == parts.Length)
        {
            results.Add(directory);
            return;
        }

        var segment = parts[index];
        var last = index == parts.Length - 1;
        if (segment == "**")
        {
            // Zero or more directories.
            Walk(parts, index + 1, directory, results);
            foreach (var sub in SafeEntries(directory, directoriesOnly: true))
            {
                if (!Path.GetFileName(sub).StartsWith('.'))
                {
                    Walk(parts, index, sub, results);
                }
            }

            return;
        }

        if (!HasWildcard(segment))
        {
            var next = Path.Join(directory, segment);
            if (last ? Path.Exists(next) : Directory.Exists(next))
            {
                Walk(parts, index + 1, next, results);
            }

            return;
        }

        var regex = _segments[segment];
        foreach (var entry in SafeEntries(directory, directoriesOnly: !last))
        {
            var name = Path.GetFileName(entry);
            if (name.StartsWith('.') && !segment.StartsWith('.'))
            {
                continue;
            }

            if (regex.IsMatch(name))
            {
                Walk(parts, index + 1, entry, results);
            }
        }
    }

    private static List<string> SafeEntries(string directory, bool directoriesOnly)
    {
        try
        {
            // Directory.Exists follows symlinks, so a symlinked directory is descended into.
            return directoriesOnly
                ? Directory.EnumerateFileSystemEntries(directory).Where(Directory.Exists).ToList()
                : Directory.EnumerateFileSystemEntries(directory).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static Regex ToRegex(string segment)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            switch (c)
            {
                case '*':
                    sb.Append(".*");
                    break;
                case '?':
                    sb.Append('.');
                    break;
                case '[':
                    var close = segment.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        sb.Append("\\[");
                        break;
                    }

                    var set = segment[(i + 1)..close];
                    if (set.StartsWith('!') || set.StartsWith('^'))
                    {
                        set = "^" + set[1..];
                    }

                    sb.Append('[').Append(set.Replace("\\", "\\\\", StringComparison.Ordinal)).Append(']');
                    i = close;
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }

    /// <summary><c>a{b,c}d</c> -> <c>abd</c>, <c>acd</c> (nested braces expand recursively).</summary>
    internal static IEnumerable<string> ExpandBraces(string pattern)
    {
        var open = pattern.IndexOf('{');
        if (open < 0)
        {
            return [pattern];
        }

        var depth = 0;
        var close = -1;
        var commas = new List<int>();
        for (var i = open; i < pattern.Length; i++)
        {
            if (pattern[i] == '{')
            {
                depth++;
            }
            else if (pattern[i] == '}' && --depth == 0)
            {
                close = i;
                break;
            }
            else if (pattern[i] == ',' && depth == 1)
            {
                commas.Add(i);
            }
        }

        if (close < 0)
        {
            return [pattern];
        }

        var head = pattern[..open];
        var tail = pattern[(close + 1)..];
        var bounds = new List<int> { open };
        bounds.AddRange(commas);
        bounds.Add(close);
        var results = new List<string>();
        for (var k = 0; k < bounds.Count - 1; k++)
        {
            var choice = pattern[(bounds[k] + 1)..bounds[k + 1]];
            results.AddRange(ExpandBraces(head + choice + tail));
        }

        return results;
    }
}
