using System.Text;
using System.Text.RegularExpressions;

namespace Tailship.IO;

/// <summary>
/// File-name globbing as Ruby's <c>Dir.glob</c> does it, for both of Fluentd's users of it: <c>@include</c> and
/// in_tail's <c>path</c>. <c>*</c> and <c>?</c> within one path segment, <c>[set]</c> (<c>[!set]</c> and
/// <c>[^set]</c> negate), <c>{a,b}</c> alternatives (nested too), <c>**</c> for any depth of directories, and,
/// within a segment that has wildcards, <c>\x</c> for a literal <c>x</c>. A wildcard never matches a leading dot unless the segment starts with one, and
/// <c>**</c> does not descend into hidden directories. Symlinked files and directories are followed; a directory
/// that cannot be listed contributes no match. Results are full paths, sorted ordinally (the order Fluentd reads
/// them in).
/// </summary>
/// <remarks>An instance compiles its segments once, so expanding the same pattern again (in_tail does, every
/// <c>refresh_interval</c>) costs only the directory listings.</remarks>
internal sealed class Glob
{
    private readonly List<string[]> _alternatives = [];
    private readonly Dictionary<string, Regex> _segments = new(StringComparer.Ordinal);

    /// <summary>Compiles <paramref name="pattern"/>; a relative pattern is taken from the current directory.</summary>
    public Glob(string pattern)
    {
        Pattern = pattern;
        foreach (var alternative in ExpandBraces(pattern))
        {
            var parts = Path.GetFullPath(alternative).Split('/');
            _alternatives.Add(parts);
            foreach (var part in parts)
            {
                if (HasWildcards(part))
                {
                    _segments.TryAdd(part, SegmentRegex(part));
                }
            }
        }
    }

    public string Pattern { get; }

    /// <summary>Whether <paramref name="text"/> has a glob metacharacter (<c>*?[{</c>).</summary>
    public static bool HasWildcards(string text) => text.AsSpan().IndexOfAny("*?[{") >= 0;

    /// <summary>Every existing file matching <paramref name="pattern"/> (directories excluded), sorted ordinally.</summary>
    public static List<string> ExpandFiles(string pattern) => new Glob(pattern).Expand(filesOnly: true);

    /// <summary>The existing paths the pattern matches (files and, unless <paramref name="filesOnly"/>, directories).</summary>
    public List<string> Expand(bool filesOnly = false)
    {
        var results = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var parts in _alternatives)
        {
            Walk(parts, 1, "/", filesOnly, results);
        }

        return [.. results];
    }

    private void Walk(string[] parts, int index, string directory, bool filesOnly, SortedSet<string> results)
    {
        if (index == parts.Length)
        {
            if (filesOnly ? File.Exists(directory) : Path.Exists(directory))
            {
                results.Add(directory);
            }

            return;
        }

        var segment = parts[index];
        var last = index == parts.Length - 1;
        if (segment.Length == 0)
        {
            Walk(parts, index + 1, directory, filesOnly, results); // "a//b" and a trailing "/"
            return;
        }

        if (segment == "**")
        {
            // Zero directories, then every directory below (hidden ones excluded, as Ruby does).
            Walk(parts, index + 1, directory, filesOnly, results);
            foreach (var sub in Entries(directory, directoriesOnly: true))
            {
                if (!Path.GetFileName(sub).StartsWith('.'))
                {
                    Walk(parts, index, sub, filesOnly, results);
                }
            }

            return;
        }

        if (!HasWildcards(segment))
        {
            var next = Path.Join(directory, segment);
            if (last || Directory.Exists(next))
            {
                Walk(parts, index + 1, next, filesOnly, results);
            }

            return;
        }

        var regex = _segments[segment];
        foreach (var entry in Entries(directory, directoriesOnly: !last))
        {
            var name = Path.GetFileName(entry);
            if (!(name.StartsWith('.') && !segment.StartsWith('.')) && regex.IsMatch(name))
            {
                Walk(parts, index + 1, entry, filesOnly, results);
            }
        }
    }

    private static List<string> Entries(string directory, bool directoriesOnly)
    {
        try
        {
            // Directory.Exists follows symlinks, so a symlinked directory is descended into.
            var options = new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0 };
            var entries = Directory.EnumerateFileSystemEntries(directory, "*", options);
            return directoriesOnly ? entries.Where(Directory.Exists).ToList() : entries.ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return []; // gone or unreadable: no match here, as in Ruby
        }
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
                    if (set.StartsWith('!') || set.StartsWith('^'))
                    {
                        set = "^" + set[1..];
                    }

                    sb.Append('[').Append(set.Replace("\\", @"\\", StringComparison.Ordinal)).Append(']');
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
            return new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline);
        }
        catch (ArgumentException)
        {
            // A malformed set such as "[z-a]" matches only itself, literally.
            return new Regex("^" + Regex.Escape(segment) + "$", RegexOptions.CultureInvariant | RegexOptions.Singleline);
        }
    }

    /// <summary><c>a{b,c}d</c> -> <c>abd</c>, <c>acd</c> (nested braces expand recursively; an unbalanced brace is literal).</summary>
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

        return [pattern];
    }
}
