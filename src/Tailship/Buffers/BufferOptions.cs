using Tailship.Config;

namespace Tailship.Buffers;

public enum FlushMode
{
    Lazy,
    Interval,
    Immediate,
}

public enum OverflowAction
{
    ThrowException,
    Block,
    DropOldestChunk,
}

public enum BufferCompression
{
    Text,
    Gzip,
    Zstd,
}

/// <summary>What an output asks for when its config has no <c>&lt;buffer&gt;</c>, or leaves chunk keys and timekey out.</summary>
/// <param name="ChunkKeys">Chunk keys used when no <c>&lt;buffer&gt;</c> section is written (e.g. <c>time</c> for s3).</param>
/// <param name="Timekey">Timekey used when time is a chunk key and none is set.</param>
/// <param name="TimekeyWait">timekey_wait used when none is set (null: Fluentd's 600 s).</param>
public sealed record BufferDefaults(string ChunkKeys = "", TimeSpan? Timekey = null, TimeSpan? TimekeyWait = null);

/// <summary>The validated <c>&lt;buffer&gt;</c> of one output, all defaults resolved.</summary>
public sealed record BufferOptions
{
    public required ChunkKeys Keys { get; init; }

    /// <summary>Null for a memory buffer; the chunk file pattern (<c>dir/prefix.*.suffix</c>) for a file buffer.</summary>
    public string? Path { get; init; }

    public bool IsFile => Path is not null;

    public TimeSpan? Timekey { get; init; }

    public TimeSpan TimekeyWait { get; init; } = TimeSpan.FromSeconds(600);

    /// <summary>The zone time slices are cut in and placeholders render in.</summary>
    public TimeZoneInfo Zone { get; init; } = TimeZoneInfo.Local;

    public FlushMode FlushMode { get; init; } = FlushMode.Interval;

    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(60);

    public int FlushThreadCount { get; init; } = 1;

    public TimeSpan FlushThreadInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan FlushThreadBurstInterval { get; init; } = TimeSpan.FromSeconds(1);

    public bool FlushAtShutdown { get; init; } = true;

    public long ChunkLimitSize { get; init; } = BufferSection.MemoryChunkLimit;

    public long? ChunkLimitRecords { get; init; }

    public long TotalLimitSize { get; init; } = BufferSection.MemoryTotalLimit;

    public int QueuedChunksLimitSize { get; init; } = 1;

    public double ChunkFullThreshold { get; init; } = 0.95;

    public BufferCompression Compress { get; init; } = BufferCompression.Text;

    public OverflowAction OverflowAction { get; init; } = OverflowAction.ThrowException;

    public RetryOptions Retry { get; init; } = new();

    /// <summary>
    /// Reads a bound <c>&lt;buffer&gt;</c> (or null when none is written) into options; adds diagnostics and returns
    /// null when the combination is invalid (e.g. chunk key time without timekey).
    /// </summary>
    public static BufferOptions? FromConfig(SectionConfig? section, BufferDefaults defaults, DiagnosticBag diagnostics)
    {
        var keysText = section?.Argument ?? defaults.ChunkKeys;
        var where = section?.Location ?? SourceLocation.None;
        if (!ChunkKeys.TryParse(keysText, out var keys, out var keyError))
        {
            diagnostics.Error(where, keyError!);
            return null;
        }

        if (section is null)
        {
            return new BufferOptions
            {
                Keys = keys,
                Timekey = keys.Time ? defaults.Timekey ?? TimeSpan.FromDays(1) : null,
                TimekeyWait = defaults.TimekeyWait ?? TimeSpan.FromSeconds(600),
                FlushMode = keys.Time ? FlushMode.Lazy : FlushMode.Interval,
            };
        }

        var ok = true;
        var isFile = section.GetString("@type") == "file";
        string? path = null;
        if (isFile)
        {
            var rawPath = section.GetString("path");
            if (string.IsNullOrWhiteSpace(rawPath))
            {
                diagnostics.Error(section.Location, "a file buffer needs 'path': the directory (or name pattern) of its chunk files");
                ok = false;
            }
            else
            {
                path = FileBufferPath.Resolve(rawPath, section.GetRequiredString("path_suffix"));
            }
        }

        var timekey = section.GetTimeOrNull("timekey") ?? (keys.Time ? defaults.Timekey : null);
        if (keys.Time && (timekey is null || timekey.Value <= TimeSpan.Zero))
        {
            diagnostics.Error(section.IsSet("timekey") ? section.LocationOf("timekey") : section.Location, "chunk key 'time' needs a positive 'timekey' (the length of a time slice, e.g. 1h)");
            ok = false;
        }

        if (!keys.Time && section.IsSet("timekey"))
        {
            diagnostics.Warning(section.LocationOf("timekey"), "'timekey' has no effect: 'time' is not a chunk key of this buffer");
        }

        var zone = TimeZoneInfo.Local;
        if (section.GetString("timekey_zone") is { } zoneText)
        {
            if (!BufferZones.TryParse(zoneText, out zone))
            {
                diagnostics.Error(section.LocationOf("timekey_zone"), $"unknown time zone '{zoneText}': expected +09:00, +0900 or a name such as Asia/Tokyo");
                ok = false;
            }
        }
        else if (section.GetBool("timekey_use_utc"))
        {
            zone = TimeZoneInfo.Utc;
        }

        var mode = section.GetString("flush_mode") switch
        {
            "lazy" => FlushMode.Lazy,
            "interval" => FlushMode.Interval,
            "immediate" => FlushMode.Immediate,
            _ => keys.Time && !section.IsSet("flush_interval") ? FlushMode.Lazy : FlushMode.Interval,
        };
        if (mode != FlushMode.Interval && section.IsSet("flush_interval"))
        {
            diagnostics.Warning(section.LocationOf("flush_interval"), $"'flush_interval' has no effect with flush_mode {section.GetString("flush_mode")}");
        }

        var threads = section.GetInt("flush_thread_count");
        if (threads < 1)
        {
            diagnostics.Error(section.LocationOf("flush_thread_count"), "'flush_thread_count' must be at least 1");
            ok = false;
        }

        var chunkLimit = section.GetSizeOrNull("chunk_limit_size") ?? (isFile ? BufferSection.FileChunkLimit : BufferSection.MemoryChunkLimit);
        var totalLimit = section.GetSizeOrNull("total_limit_size") ?? (isFile ? BufferSection.FileTotalLimit : BufferSection.MemoryTotalLimit);
        if (section.GetIntOrNull("queue_limit_length") is { } queueLength)
        {
            // Fluentd's compat rule for v0.12's buffer_queue_limit.
            totalLimit = chunkLimit * queueLength;
        }

        if (chunkLimit <= 0 || totalLimit < chunkLimit)
        {
            diagnostics.Error(section.LocationOf("total_limit_size"), $"'total_limit_size' ({totalLimit}) must be at least 'chunk_limit_size' ({chunkLimit}), and both positive");
            ok = false;
        }

        var retry = RetryOptions.FromConfig(section, diagnostics);
        if (!ok || retry is null)
        {
            return null;
        }

        return new BufferOptions
        {
            Keys = keys,
            Path = path,
            Timekey = keys.Time ? timekey : null,
            TimekeyWait = section.IsSet("timekey_wait") ? section.GetTime("timekey_wait") : defaults.TimekeyWait ?? section.GetTime("timekey_wait"),
            Zone = zone,
            FlushMode = mode,
            FlushInterval = section.GetTime("flush_interval"),
            FlushThreadCount = (int)threads,
            FlushThreadInterval = section.GetTime("flush_thread_interval"),
            FlushThreadBurstInterval = section.GetTime("flush_thread_burst_interval"),
            FlushAtShutdown = section.GetBool("flush_at_shutdown"),
            ChunkLimitSize = chunkLimit,
            ChunkLimitRecords = section.GetIntOrNull("chunk_limit_records"),
            TotalLimitSize = totalLimit,
            QueuedChunksLimitSize = (int)(section.GetIntOrNull("queued_chunks_limit_size") ?? threads),
            ChunkFullThreshold = section.GetFloat("chunk_full_threshold"),
            Compress = section.GetString("compress") switch
            {
                "gzip" => BufferCompression.Gzip,
                "zstd" => BufferCompression.Zstd,
                _ => BufferCompression.Text,
            },
            OverflowAction = section.GetString("overflow_action") switch
            {
                "block" => OverflowAction.Block,
                "drop_oldest_chunk" => OverflowAction.DropOldestChunk,
                _ => OverflowAction.ThrowException,
            },
            Retry = retry,
        };
    }
}
