using Tailship.Config;

namespace Tailship.Buffers;

/// <summary>
/// The <c>&lt;buffer CHUNK_KEYS&gt;</c> section, declared once for every buffered output, with Fluentd's defaults.
/// Defaults that depend on the buffer type or on the output (chunk and total limits, timekey) are null here and
/// resolved by <see cref="BufferOptions.FromConfig"/>. One deliberate difference: <c>flush_at_shutdown</c> is
/// true for every buffer, so a pod deleted with its <c>emptyDir</c> does not take unsent lines with it.
/// </summary>
public static class BufferSection
{
    public const long MemoryChunkLimit = 8L * 1024 * 1024;
    public const long FileChunkLimit = 256L * 1024 * 1024;
    public const long MemoryTotalLimit = 512L * 1024 * 1024;
    public const long FileTotalLimit = 64L * 1024 * 1024 * 1024;

    public static readonly SectionSpec Spec = new("buffer", "How events are grouped into chunks, when chunks are flushed and how failed flushes are retried. The argument lists the chunk keys: tag, time and record keys (a nested one as $.a.b).")
    {
        Params =
        [
            ParamSpec.Enum("@type", "memory", ["memory", "file"], "Where chunks are kept: memory, or files under path (survive a restart).") with { Aliases = ["type"] },
            ParamSpec.String("path", null, "File buffer location: a directory, or a pattern such as /var/log/buf/s3.*.log."),
            ParamSpec.String("path_suffix", ".log", "Suffix of chunk file names."),
            ParamSpec.Time("timekey", null, "Length of a time slice when time is a chunk key (seconds)."),
            ParamSpec.Time("timekey_wait", 600, "How long after a time slice ends its chunk is flushed, for late events (seconds)."),
            ParamSpec.Bool("timekey_use_utc", false, "Cut time slices and render placeholders in UTC instead of local time."),
            ParamSpec.String("timekey_zone", null, "Time zone of time slices and placeholders: +09:00, +0900 or an IANA name (default: local)."),
            ParamSpec.Enum("flush_mode", "default", ["default", "lazy", "interval", "immediate"], "When staged chunks are enqueued: default is lazy with a time key, else interval."),
            ParamSpec.Time("flush_interval", 60, "With flush_mode interval, how long a chunk stays staged (seconds)."),
            ParamSpec.Integer("flush_thread_count", 1, "Number of chunks flushed in parallel."),
            ParamSpec.Time("flush_thread_interval", 1, "How often the flush loop looks for work when idle (seconds)."),
            ParamSpec.Time("flush_thread_burst_interval", 1, "Pause between flushes when the queue holds more chunks (seconds)."),
            ParamSpec.Bool("flush_at_shutdown", true, "Flush every chunk at shutdown (Tailship's default is true for every buffer)."),
            ParamSpec.Size("chunk_limit_size", null, "Largest chunk (8m for memory, 256m for file)."),
            ParamSpec.Integer("chunk_limit_records", null, "Most events in one chunk (no limit by default)."),
            ParamSpec.Size("total_limit_size", null, "Most bytes the buffer holds (512m for memory, 64g for file)."),
            ParamSpec.Integer("queue_limit_length", null, "Deprecated: total_limit_size becomes chunk_limit_size times this."),
            ParamSpec.Integer("queued_chunks_limit_size", null, "Most queued chunks when flushing by interval (default: flush_thread_count)."),
            ParamSpec.Float("chunk_full_threshold", 0.95, "A chunk this full (fraction of chunk_limit_size) is enqueued."),
            ParamSpec.Enum("compress", "text", ["text", "gzip", "zstd"], "How chunk data is stored; outputs always read it uncompressed."),
            ParamSpec.Enum("overflow_action", "throw_exception", ["throw_exception", "block", "drop_oldest_chunk"], "What an emit does when total_limit_size is reached: fail, wait (backpressure) or drop the oldest queued chunk."),
            ParamSpec.Enum("retry_type", "exponential_backoff", ["exponential_backoff", "periodic"], "How waits between retries grow."),
            ParamSpec.Time("retry_wait", 1, "Wait before the first retry (seconds)."),
            ParamSpec.Float("retry_exponential_backoff_base", 2, "Factor by which each exponential wait grows."),
            ParamSpec.Time("retry_max_interval", null, "Longest wait between retries (seconds, no limit by default)."),
            ParamSpec.Bool("retry_randomize", true, "Vary each wait by up to 12.5 % so that many agents do not retry together."),
            ParamSpec.Time("retry_timeout", 72 * 3600, "Give up (or go to the secondary) after retrying this long (seconds)."),
            ParamSpec.Integer("retry_max_times", null, "Give up after this many retries (no limit by default)."),
            ParamSpec.Bool("retry_forever", false, "Never give up."),
            ParamSpec.Float("retry_secondary_threshold", 0.8, "Fraction of retry_timeout after which chunks go to <secondary>."),
            ParamSpec.NotImplemented("delayed_commit_timeout", "Timeout of delayed commits (Tailship outputs commit synchronously)."),
            ParamSpec.NotImplemented("file_permission", "Permission of chunk files."),
            ParamSpec.NotImplemented("dir_permission", "Permission of buffer directories."),
        ],
    };

    /// <summary>The <c>&lt;secondary&gt;</c> section: an output used when the primary keeps failing (e.g. secondary_file).</summary>
    public static readonly SectionSpec SecondarySpec = new("secondary", "Output used for chunks the primary output could not deliver.")
    {
        PluginKind = Config.PluginKind.Output,
    };
}
