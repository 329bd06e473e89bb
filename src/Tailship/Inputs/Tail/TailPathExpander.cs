using Microsoft.Extensions.Logging;
using Tailship.IO;
using Tailship.Text;

namespace Tailship.Inputs.Tail;

/// <summary>A file the expansion found, with what stat said about it.</summary>
internal readonly record struct FoundFile(string Path, FileStat Stat);

/// <summary>
/// Turns <c>path</c> (a list of globs and strftime patterns) into the files to watch now: strftime directives are
/// expanded in <c>path_timezone</c>, globs in the file system, <c>exclude_path</c> matches are removed, and with
/// <c>limit_recently_modified</c> files not written recently are left out. Symlinks are followed; the path kept is
/// the link's, as in Fluentd's pos_file. Directories are skipped (a literal path naming one gets a warning).
/// </summary>
internal sealed class TailPathExpander
{
    private readonly IReadOnlyList<string> _patterns;
    private readonly IReadOnlyList<string> _excludes;
    private readonly TimeZoneSpec _zone;
    private readonly Dictionary<string, Strftime> _formats = new(StringComparer.Ordinal);
    private readonly TimeSpan? _recentlyModified;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly WarningLimiter _warnings;
    private readonly Dictionary<string, Glob> _globs = new(StringComparer.Ordinal);

    public TailPathExpander(TailOptions options, TimeProvider time, ILogger logger, WarningLimiter warnings)
    {
        _patterns = options.Paths;
        _excludes = options.ExcludePaths;
        _zone = options.PathTimeZone ?? TimeZones.Local();
        _recentlyModified = options.LimitRecentlyModified;
        _time = time;
        _logger = logger;
        _warnings = warnings;
    }

    /// <summary>The directories holding the patterns' literal prefixes, for change notification of new files.</summary>
    public IEnumerable<string> WatchedDirectories()
    {
        var now = _time.GetUtcNow();
        foreach (var pattern in _patterns)
        {
            var expanded = Path.GetFullPath(Format(pattern, now));
            var dir = Path.GetDirectoryName(expanded);
            while (dir is not null && Glob.HasWildcards(dir))
            {
                dir = Path.GetDirectoryName(dir);
            }

            if (dir is not null)
            {
                yield return dir;
            }
        }
    }

    public List<FoundFile> Expand()
    {
        var now = _time.GetUtcNow();
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var exclude in _excludes)
        {
            foreach (var p in Matches(Format(exclude, now), literalWarns: false))
            {
                excluded.Add(p);
            }
        }

        var found = new List<FoundFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pattern in _patterns)
        {
            var expanded = Format(pattern, now);
            var literal = !Glob.HasWildcards(expanded);
            foreach (var path in Matches(expanded, literal))
            {
                if (excluded.Contains(path) || !seen.Add(path))
                {
                    continue;
                }

                var error = FileStatReader.TryStat(path, out var stat);
                if (error == FileStatError.PermissionDenied)
                {
                    // Still watched: the loop reports it and reads the file once it becomes readable.
                    found.Add(new FoundFile(path, default));
                    continue;
                }

                if (error != FileStatError.None)
                {
                    continue;
                }

                if (stat.IsDirectory)
                {
                    if (literal && _warnings.ShouldLog("dir:" + path, out var suppressed))
                    {
                        TailLog.IsDirectory(_logger, path, suppressed);
                    }

                    continue;
                }

                if (_recentlyModified is { } limit && _time.GetUtcNow() - stat.ModifiedUtc > limit)
                {
                    continue;
                }

                found.Add(new FoundFile(path, stat));
            }
        }

        return found;
    }

    /// <summary>Expands strftime directives in <c>path_timezone</c>; a path without <c>%</c> is returned as it is.</summary>
    private string Format(string pattern, DateTimeOffset now)
    {
        if (!pattern.Contains('%', StringComparison.Ordinal))
        {
            return pattern;
        }

        if (!_formats.TryGetValue(pattern, out var format))
        {
            format = Strftime.Compile(pattern);
            _formats[pattern] = format;
        }

        return format.Format(now, _zone);
    }

    private List<string> Matches(string pattern, bool literalWarns)
    {
        if (!Glob.HasWildcards(pattern))
        {
            var full = Path.GetFullPath(pattern);
            return Path.Exists(full) || literalWarns ? [full] : [];
        }

        try
        {
            if (!_globs.TryGetValue(pattern, out var glob))
            {
                if (_globs.Count > 1000)
                {
                    _globs.Clear(); // strftime patterns make a new glob per period; keep the cache bounded
                }

                glob = new Glob(pattern);
                _globs[pattern] = glob;
            }

            return glob.Expand();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            if (_warnings.ShouldLog("expand:" + pattern, out var suppressed))
            {
                TailLog.ExpandFailed(_logger, pattern, suppressed, ex);
            }

            return [];
        }
    }
}
