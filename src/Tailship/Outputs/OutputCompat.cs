using Tailship.Config;

namespace Tailship.Outputs;

/// <summary>
/// Fluentd's compat layer for outputs written in the v0.12 style: formatter and buffer parameters written at the
/// top of a <c>&lt;match&gt;</c> move into a <c>&lt;format&gt;</c> or <c>&lt;buffer&gt;</c> section, renamed to their
/// v1 names, keeping where they were written so that errors point at them. Runs before binding.
/// </summary>
internal static class OutputCompat
{
    /// <summary>v0.12 formatter parameters and their names inside <c>&lt;format&gt;</c>.</summary>
    public static readonly IReadOnlyList<(string Old, string New)> FormatterParams =
    [
        ("format", "@type"), ("delimiter", "delimiter"), ("force_quotes", "force_quotes"), ("keys", "keys"),
        ("fields", "fields"), ("json_parser", "json_parser"), ("label_delimiter", "label_delimiter"),
        ("output_time", "output_time"), ("output_tag", "output_tag"), ("localtime", "localtime"), ("utc", "utc"),
        ("timezone", "timezone"), ("message_key", "message_key"), ("add_newline", "add_newline"), ("output_type", "output_type"),
    ];

    /// <summary>v0.12 buffer parameters and their names inside <c>&lt;buffer&gt;</c>.</summary>
    public static readonly IReadOnlyList<(string Old, string New)> BufferParams =
    [
        ("buffer_type", "@type"), ("buffer_path", "path"), ("num_threads", "flush_thread_count"), ("flush_interval", "flush_interval"),
        ("try_flush_interval", "flush_thread_interval"), ("queued_chunk_flush_interval", "flush_thread_burst_interval"),
        ("disable_retry_limit", "retry_forever"), ("retry_limit", "retry_max_times"), ("max_retry_wait", "retry_max_interval"),
        ("buffer_chunk_limit", "chunk_limit_size"), ("buffer_queue_limit", "queue_limit_length"),
        ("buffer_queue_full_action", "overflow_action"), ("flush_at_shutdown", "flush_at_shutdown"),
        ("time_slice_wait", "timekey_wait"), ("timezone", "timekey_zone"),
    ];

    /// <summary>
    /// Makes sure the section has a <c>&lt;format&gt;</c>: when none is written, one is added (so that the output's
    /// default formatter is bound) holding the v0.12 formatter parameters found at the top. When one is written,
    /// such top-level parameters are ignored with a warning, as Fluentd ignores them.
    /// </summary>
    public static void EnsureFormat(ConfigSection section, DiagnosticBag diagnostics)
    {
        var found = FormatterParams.Where(p => section.Find(p.Old) is not null).ToList();
        if (section.Sections.Exists(s => s.Name == "format"))
        {
            foreach (var (old, _) in found)
            {
                var p = section.Find(old)!;
                diagnostics.Warning(p.Location, $"v0.12 parameter '{old}' is ignored because a <format> section is written; set it inside <format>", section);
                section.Params.RemoveAll(x => x.Key == old);
            }

            return;
        }

        var format = new ConfigSection("format", string.Empty, section.Location);
        foreach (var (old, @new) in found)
        {
            var p = section.Find(old)!;
            format.Params.Add(p with { Key = @new });
            section.Params.RemoveAll(x => x.Key == old);
        }

        section.Sections.Add(format);
    }

    /// <summary>
    /// When no <c>&lt;buffer&gt;</c> is written and v0.12 buffer parameters are, adds a <c>&lt;buffer&gt;</c> with them,
    /// chunked by <paramref name="defaultChunkKey"/>; a <c>time_slice_format</c> sets chunk key time and a timekey of
    /// its finest unit (1s, 1m, 1h or 1d), and then <c>utc</c>/<c>localtime</c> set <c>timekey_use_utc</c>. The
    /// parameters are copied, not moved, except the ones that exist only for the buffer; returns whether a section was added.
    /// </summary>
    public static bool ConvertBuffer(ConfigSection section, string defaultChunkKey, DiagnosticBag diagnostics)
    {
        var sliceFormat = section.Find("time_slice_format");
        if (section.Sections.Exists(s => s.Name == "buffer")
            || (sliceFormat is null && !BufferParams.Any(p => section.Find(p.Old) is not null)))
        {
            return false;
        }

        var chunkKey = defaultChunkKey;
        var moved = new List<ConfigParam>();
        foreach (var (old, @new) in BufferParams)
        {
            if (section.Find(old) is { } p)
            {
                var value = old == "buffer_queue_full_action" && p.Value.Trim() == "exception" ? "throw_exception" : p.Value;
                moved.Add(p with { Key = @new, Value = value });

                // timezone also feeds the formatter; everything else exists only for the buffer.
                if (old != "timezone")
                {
                    section.Params.RemoveAll(x => x.Key == old);
                }
            }
        }

        if (sliceFormat is not null)
        {
            chunkKey = "time";
            var f = sliceFormat.Value;
            string? timekey = f.Contains("%S", StringComparison.Ordinal) ? "1"
                : f.Contains("%M", StringComparison.Ordinal) ? "60"
                : f.Contains("%H", StringComparison.Ordinal) ? "3600"
                : f.Contains("%d", StringComparison.Ordinal) ? "86400"
                : null;
            if (timekey is null)
            {
                diagnostics.Error(sliceFormat.ValueLocation, "time_slice_format only with %Y or %m is too long: it must contain %d, %H, %M or %S", section);
            }
            else
            {
                moved.Add(sliceFormat with { Key = "timekey", Value = timekey });
            }

            var localtime = section.Find("localtime");
            var utc = section.Find("utc");
            if (localtime is not null && utc is not null)
            {
                diagnostics.Error(utc.Location, "both of utc and localtime are specified, use only one of them", section);
            }
            else if (localtime is not null)
            {
                var isLocal = ConfigValues.TryParseBool(localtime.Value, out var b) && b;
                moved.Add(localtime with { Key = "timekey_use_utc", Value = isLocal ? "false" : "true" });
            }
            else if (utc is not null)
            {
                moved.Add(utc with { Key = "timekey_use_utc" });
            }
        }
        else if (chunkKey == "time")
        {
            moved.Add(new ConfigParam("timekey", "86400", section.Location, section.Location));
        }

        var buffer = new ConfigSection("buffer", chunkKey, section.Location);
        buffer.Params.AddRange(moved);
        section.Sections.Add(buffer);
        return true;
    }
}
