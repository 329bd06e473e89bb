using System.Text;
using System.Text.RegularExpressions;

namespace Tailship.Config.Reading;

/// <summary>
/// File-name globbing as Ruby's <c>Dir.glob</c> does it for <c>@include</c>: <c>*</c> and <c>?</c> within one path
/// segment (never matching a leading dot), <c>[set]</c>, <c>{a,b}</c> alternatives, and <c>**</c> for any depth of
/// directories. Results are sorted ordinally, the order Fluentd reads them in.
/// </summary>
internal static class Glob
{
    public static bool HasWildcards(string pattern) => pattern.AsSpan().IndexOfAny("*?[{") >= 0;

    /// <summary>Every existing file matching the absolute <paramref name="pattern"/>, sorted ordinally.</summary>
    public static List<string> Expand(string pattern)
    {
        var results = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var alternative in ExpandBraces(pattern))
        {
            var root = Path.GetPathRoot(alternative) ?? string.Empty;
            var segments = alternative[root.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
            Walk(root.Length == 0 ? "." : root, segments, 0, results);
        }

        return [.. results];
    }

    private static void Walk(string directory, string[] segments, int index, SortedSet<string> results)
    {
        if (index == segments.Length)
        {
            if (File.Exists(directory))
            {
                results.Add(Path.GetFullPath(directory));
            }

            return;
        }

        var segment = segments[index];
        if (segment == "**")
        {
            // Zero directories, then every directory below (hidden ones excluded, as Ruby does).
            Walk(directory, segments, index + 1, results);
            foreach (var sub in SafeEntries(directory, directories: true))
            {
                if (!Path.GetFileName(sub).StartsWith('.'))
                {
                    Walk(sub, segments, index, results);
                }
            }

            return;
        }

        if (!HasWildcards(segment))
        {
            Walk(Path.Combine(directory, segment), segments, index + 1, results);
            return;
        }

        var regex = SegmentRegex(segment);
        var last = index == segments.Length - 1;
        foreach (var entry in SafeEntries(directory, directories: !last))
        {
            var name = Path.GetFileName(entry);
            if (regex.IsMatch(name) && !(name.StartsWith('.') && !segment.StartsWith('.')))
            {
                Walk(entry, segments, index + 1, results);
            }
        }
    }

    private static IEnumerable<string> SafeEntries(string directory, bool directories)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        // A directory we may not list contributes no match, as in Ruby's Dir.glob.
        var options = new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0 };
        return directories
            ? Directory.EnumerateDirectories(directory, "*", options)
            : Directory.EnumerateFileSystemEntries(directory, "*", options);
    }

    private static Regex SegmentRegex(string segment)
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
                        sb.Append(@"\[");
                        break;
                    }

                    var set = segment[(i + 1)..close];
                    sb.Append('[').Append(set.StartsWith('!') ? "^" + set[1..] : set).Append(']');
                    i = close;
                    break;
                case '\\' when i + 1 < segment.Length:
                    sb.Append(Regex.Escape(segment[++i].ToString()));
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        try
        {
            return new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant);
        }
        catch (ArgumentException)
        {
            // A malformed set such as "[z-a]" matches only itself, literally.
            return new Regex("^" + Regex.Escape(segment) + "$", RegexOptions.CultureInvariant);
        }
    }

    /// <summary>Expands <c>{a,b}</c> alternatives (nested ones too) into plain patterns.</summary>
    internal static List<string> ExpandBraces(string pattern)
    {
        var open = pattern.IndexOf('{');
        if (open < 0)
        {
            return [pattern];
        }

        var depth = 0;
        var parts = new List<string>();
        var partStart = open + 1;
        for (var i = open; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '{':
                    depth++;
                    break;
                case ',' when depth == 1:
                    parts.Add(pattern[partStart..i]);
                    partStart = i + 1;
                    break;
                case '}':
                    depth--;
                    if (depth == 0)
                    {
                        parts.Add(pattern[partStart..i]);
                        var prefix = pattern[..open];
                        var suffix = pattern[(i + 1)..];
                        var result = new List<string>();
                        foreach (var part in parts)
                        {
                            result.AddRange(ExpandBraces(prefix + part + suffix));
                        }

                        return result;
                    }

                    break;
            }
        }

        // An unbalanced '{' is a literal character.
        return [pattern];
    }
}
