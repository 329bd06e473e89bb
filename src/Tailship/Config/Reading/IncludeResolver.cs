using System.Text.RegularExpressions;
using Tailship.IO;

namespace Tailship.Config.Reading;

/// <summary>
/// Turns the target of an <c>@include</c> (or YAML <c>!include</c>) into the files to read, in Fluentd's order:
/// a relative path is relative to the including file's directory, a glob expands in ordinal (alphabetical)
/// order, <c>file://</c> URLs are paths. Reports a missing file, a URL (not implemented), and include cycles.
/// </summary>
internal static partial class IncludeResolver
{
    /// <summary>
    /// The files <paramref name="target"/> names, or an empty list after reporting why none can be read.
    /// A glob that matches nothing is a warning (Fluentd accepts it silently), a plain path that does not exist
    /// is an error.
    /// </summary>
    public static List<string> Resolve(string target, string includingFile, SourceLocation location, ConfigReadContext context)
    {
        var trimmed = target.Trim();
        if (trimmed.Length == 0)
        {
            context.Error(location, "expected a file path or glob after @include, found nothing");
            return [];
        }

        if (trimmed.Contains('\0', StringComparison.Ordinal))
        {
            context.Error(location, "expected a file path or glob after @include, found a path containing a NUL character");
            return [];
        }

        if (trimmed.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            trimmed = Uri.UnescapeDataString(trimmed["file://".Length..]);
        }
        else if (UrlScheme().IsMatch(trimmed))
        {
            context.Error(location, $"@include of a URL ('{trimmed}') is not implemented yet: download the file and include it by path");
            return [];
        }

        var baseDirectory = Path.GetDirectoryName(includingFile) ?? Directory.GetCurrentDirectory();
        var pattern = Path.IsPathRooted(trimmed) ? trimmed : Path.Combine(baseDirectory, trimmed);
        pattern = Path.GetFullPath(pattern);

        if (!Glob.HasWildcards(trimmed))
        {
            if (!File.Exists(pattern))
            {
                var what = Directory.Exists(pattern) ? "is a directory, not a file" : "no such file";
                context.Error(location, $"cannot include '{trimmed}': {what} (looked for {context.DisplayName(pattern)})");
                return [];
            }

            return CheckCycles([pattern], location, context);
        }

        var files = Glob.ExpandFiles(pattern);
        if (files.Count == 0)
        {
            context.Warning(location, $"@include pattern '{trimmed}' matches no file (looked for {context.DisplayName(pattern)})");
        }

        return CheckCycles(files, location, context);
    }

    private static List<string> CheckCycles(List<string> files, SourceLocation location, ConfigReadContext context)
    {
        var result = new List<string>(files.Count);
        foreach (var file in files)
        {
            var chain = context.IncludeChain;
            var at = -1;
            for (var i = 0; i < chain.Count; i++)
            {
                if (string.Equals(chain[i], file, StringComparison.Ordinal))
                {
                    at = i;
                    break;
                }
            }

            if (at >= 0)
            {
                var cycle = chain.Skip(at).Append(file).Select(context.DisplayName);
                context.Error(location, $"include cycle: {string.Join(" -> ", cycle)}");
                continue;
            }

            result.Add(file);
        }

        return result;
    }

    // A scheme of two or more letters (one letter is a Windows drive, as Fluentd treats it).
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]+://")]
    private static partial Regex UrlScheme();
}
