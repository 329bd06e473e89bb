using System.Text;
using Tailship.Config;
using Tailship.Text;

namespace Tailship.Inputs.Tail;

/// <summary>The validated configuration of a <c>tail</c> source.</summary>
internal sealed record TailOptions
{
    public required IReadOnlyList<string> Paths { get; init; }

    public IReadOnlyList<string> ExcludePaths { get; init; } = [];

    /// <summary><c>path_timezone</c>; null: the local zone (TZ).</summary>
    public TimeZoneSpec? PathTimeZone { get; init; }

    public required string Tag { get; init; }

    public string? PosFile { get; init; }

    public TimeSpan? PosFileCompactionInterval { get; init; }

    public bool ReadFromHead { get; init; }

    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan RotateWait { get; init; } = TimeSpan.FromSeconds(5);

    public bool FollowInodes { get; init; }

    public TimeSpan? LimitRecentlyModified { get; init; }

    public bool SkipRefreshOnStartup { get; init; }

    public int ReadLinesLimit { get; init; } = 1000;

    /// <summary>Bytes per second per file; null: unlimited.</summary>
    public long? ReadBytesLimitPerSecond { get; init; }

    /// <summary>Longest line kept, in bytes including the LF; 0: unlimited.</summary>
    public long MaxLineSize { get; init; }

    public string? PathKey { get; init; }

    /// <summary>Set with <c>from_encoding</c>: lines are converted from it to UTF-8.</summary>
    public Encoding? FromEncoding { get; init; }

    public bool EmitUnmatchedLines { get; init; }

    public TimeSpan? MultilineFlushInterval { get; init; }

    public bool IgnoreRepeatedPermissionError { get; init; }

    public bool EnableWatchTimer { get; init; } = true;

    public bool EnableStatWatcher { get; init; } = true;

    /// <summary>The bound <c>&lt;parse&gt;</c> section; the parser is built from it.</summary>
    public required SectionConfig Parse { get; init; }
}
