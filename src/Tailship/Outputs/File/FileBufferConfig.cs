using Tailship.Config;
using Tailship.Text;

namespace Tailship.Outputs.File;

/// <summary>When chunks are written (Fluentd's <c>flush_mode</c>).</summary>
public enum FileFlushMode
{
    /// <summary>Each chunk <c>flush_interval</c> after it was started.</summary>
    Interval,

    /// <summary>Each time chunk after its time slice ends and <c>timekey_wait</c> has passed.</summary>
    Lazy,

    /// <summary>At every emit.</summary>
    Immediate,
}

/// <summary>
/// The <c>&lt;buffer&gt;</c> settings out_file honours until Tailship has real buffers: chunk keys <c>time</c> and
/// <c>tag</c>, the timekey settings and when to flush. Events are held in memory, grouped by chunk key.
/// </summary>
public sealed record FileBufferConfig
{
    public bool ChunkKeyTime { get; init; } = true;

    public bool ChunkKeyTag { get; init; }

    /// <summary>Length of a time slice, in whole seconds.</summary>
    public long Timekey { get; init; } = 86400;

    public TimeSpan TimekeyWait { get; init; } = TimeSpan.FromMinutes(10);

    public bool TimekeyUseUtc { get; init; }

    /// <summary>The zone of time slices and path times; null means the local zone.</summary>
    internal TimeZoneSpec? TimekeyZone { get; init; }

    public FileFlushMode FlushMode { get; init; } = FileFlushMode.Interval;

    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A chunk that reaches this many bytes is written at once.</summary>
    public long ChunkLimitSize { get; init; } = 256L << 20;

    /// <summary>Fluentd's buffer parameters that out_file does not honour yet: setting one is an error.</summary>
    private static readonly string[] NotYet =
    [
        "path", "chunk_limit_records", "total_limit_size", "queue_limit_length", "chunk_full_threshold",
        "queued_chunks_limit_size", "compress", "flush_thread_count", "flush_thread_interval", "flush_thread_burst_interval",
        "delayed_commit_timeout", "overflow_action", "retry_timeout", "retry_forever", "retry_max_times",
        "retry_secondary_threshold", "retry_type", "retry_wait", "retry_exponential_backoff_base", "retry_max_interval",
        "retry_randomize", "disable_chunk_backup", "path_suffix", "file_permission", "dir_permission", "chunk_format",
    ];

    public static SectionSpec Spec { get; } = new("buffer", "How events are grouped into files and when they are written. The argument lists the chunk keys: time (default), tag, or both.")
    {
        Params =
        [
            ParamSpec.Time("timekey", 86400, "Length of a time slice; each slice goes to its own file."),
            ParamSpec.Time("timekey_wait", 600, "With flush_mode lazy: how long after a slice ends its file is written."),
            ParamSpec.Bool("timekey_use_utc", false, "Cuts slices and shows path times in UTC instead of the local zone."),
            ParamSpec.String("timekey_zone", null, "Zone of slices and path times: +09:00, +0900 or a name such as Asia/Tokyo (default: local)."),
            ParamSpec.Enum("flush_mode", "default", ["default", "lazy", "interval", "immediate"], "When chunks are written. default means interval in Tailship until it has file buffers (see the out_file docs)."),
            ParamSpec.Time("flush_interval", 60, "With flush_mode interval: how long after its first event a chunk is written."),
            ParamSpec.Bool("flush_at_shutdown", true, "Writes held events at stop. Tailship holds events in memory, so it always does."),
            ParamSpec.Size("chunk_limit_size", 256L << 20, "A chunk reaching this size (formatted bytes) is written at once."),
            .. NotYet.Select(n => ParamSpec.NotImplemented(n, "A Fluentd buffer parameter that needs Tailship's buffers (a later release).")),
        ],
    };

    internal static FileBufferConfig? Bind(SectionConfig? buffer, DiagnosticBag diagnostics)
    {
        if (buffer is null)
        {
            return new FileBufferConfig();
        }

        var ok = true;
        if (buffer.Source.Type is { } type && type is not ("memory" or "file" or "file_single"))
        {
            var at = buffer.Source.Find("@type")?.ValueLocation ?? buffer.Source.Find("type")?.ValueLocation ?? buffer.Location;
            diagnostics.Error(at, $"unknown buffer plugin '@type {type}'; expected memory or file");
            ok = false;
        }

        bool time = false, tag = false;
        var keys = buffer.Argument.Trim();

        // <buffer> without an argument keeps out_file's default chunk key, time.
        foreach (var key in keys.Length == 0 ? ["time"] : keys.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            switch (key)
            {
                case "time":
                    time = true;
                    break;
                case "tag":
                    tag = true;
                    break;
                case "[]":
                    break;
                default:
                    diagnostics.Error(buffer.Location, $"chunk key '{key}' is not supported yet: out_file supports time and tag");
                    ok = false;
                    break;
            }
        }

        var timekey = buffer.GetTime("timekey");
        if (timekey < TimeSpan.FromSeconds(1) || timekey.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            diagnostics.Error(buffer.LocationOf("timekey"), $"parameter 'timekey': expected a whole number of seconds, at least 1, found {ConfigValues.Format(timekey)}");
            ok = false;
        }

        TimeZoneSpec? zone = null;
        if (buffer.GetString("timekey_zone") is { } zoneText)
        {
            if (!TimeZones.TryParse(zoneText, out var parsed, out var error))
            {
                diagnostics.Error(buffer.LocationOf("timekey_zone"), $"parameter 'timekey_zone': {error}");
                ok = false;
            }

            zone = parsed;
        }

        if (buffer.IsSet("flush_at_shutdown") && !buffer.GetBool("flush_at_shutdown"))
        {
            diagnostics.Warning(buffer.LocationOf("flush_at_shutdown"), "flush_at_shutdown false: Tailship holds out_file's events in memory until it has file buffers, so it writes them at stop anyway");
        }

        var limit = buffer.GetSize("chunk_limit_size");
        if (limit < 1)
        {
            diagnostics.Error(buffer.LocationOf("chunk_limit_size"), "parameter 'chunk_limit_size': expected at least 1 byte");
            ok = false;
        }

        var mode = buffer.GetString("flush_mode") switch
        {
            "lazy" => FileFlushMode.Lazy,
            "immediate" => FileFlushMode.Immediate,
            _ => FileFlushMode.Interval,
        };

        var interval = buffer.GetTime("flush_interval");
        if (mode == FileFlushMode.Interval && interval <= TimeSpan.Zero)
        {
            diagnostics.Error(buffer.LocationOf("flush_interval"), "parameter 'flush_interval': expected a positive time");
            ok = false;
        }

        return ok ? new FileBufferConfig
        {
            ChunkKeyTime = time,
            ChunkKeyTag = tag,
            Timekey = (long)timekey.TotalSeconds,
            TimekeyWait = buffer.GetTime("timekey_wait"),
            TimekeyUseUtc = buffer.GetBool("timekey_use_utc"),
            TimekeyZone = zone,
            FlushMode = mode,
            FlushInterval = interval,
            ChunkLimitSize = limit,
        } : null;
    }
}
