using Tailship.Config;

namespace Tailship.Buffers;

/// <summary>
/// Rewrites the v0.12 buffer parameters an old config carries at an output's top level into a <c>&lt;buffer&gt;</c>
/// section, as REFERENCE.md lists (Fluentd's compat layer), keeping where each value was written so that errors
/// point at the user's line. One deliberate difference from Fluentd v1: <c>buffer_path</c> means a file buffer at
/// that path, as it did in v0.12 where such configs were written (v1 silently used a memory buffer).
/// An output calls <see cref="Apply"/> from its descriptor's normalize step, before binding.
/// <para>
/// <c>time_slice_format</c> stays at the top (the output renders <c>%{time_slice}</c> with it, so it must declare
/// it); <c>utc</c>, <c>localtime</c> and <c>timezone</c> are copied, not moved, because they also configure the
/// formatter. Every other parameter below is moved into the new section.
/// </para>
/// </summary>
public static class BufferCompat
{
    /// <summary>v0.12 name, v1 name inside <c>&lt;buffer&gt;</c>.</summary>
    public static readonly IReadOnlyList<(string Old, string New)> Renames =
    [
        ("buffer_type", "@type"),
        ("buffer_path", "path"),
        ("buffer_chunk_limit", "chunk_limit_size"),
        ("buffer_queue_limit", "queue_limit_length"),
        ("buffer_queue_full_action", "overflow_action"),
        ("time_slice_wait", "timekey_wait"),
        ("flush_interval", "flush_interval"),
        ("flush_at_shutdown", "flush_at_shutdown"),
        ("try_flush_interval", "flush_thread_interval"),
        ("queued_chunk_flush_interval", "flush_thread_burst_interval"),
        ("num_threads", "flush_thread_count"),
        ("retry_wait", "retry_wait"),
        ("retry_limit", "retry_max_times"),
        ("max_retry_wait", "retry_max_interval"),
        ("disable_retry_limit", "retry_forever"),
    ];

    /// <summary>Parameters copied into the buffer and also left in place (they configure the formatter too).</summary>
    private static readonly string[] Shared = ["timezone", "utc", "localtime"];

    /// <summary>
    /// Adds a <c>&lt;buffer&gt;</c> built from the v0.12 parameters of <paramref name="section"/>, chunked by
    /// <paramref name="defaultChunkKeys"/> unless <c>time_slice_format</c> makes it time. When a <c>&lt;buffer&gt;</c>
    /// is written too, the old parameters are ignored with a warning. Returns whether a section was added.
    /// </summary>
    public static bool Apply(ConfigSection section, string defaultChunkKeys, DiagnosticBag diagnostics)
    {
        var sliceFormat = section.Find("time_slice_format");
        var found = Renames.Where(r => section.Find(r.Old) is not null).ToList();
        if (section.Sections.Exists(s => s.Name == "buffer"))
        {
            foreach (var (old, _) in found)
            {
                diagnostics.Warning(section.Find(old)!.Location, $"v0.12 parameter '{old}' is ignored because a <buffer> section is written; set it inside <buffer>", section);
                section.Params.RemoveAll(p => p.Key == old);
            }

            return false;
        }

        if (found.Count == 0 && sliceFormat is null)
        {
            return false;
        }

        var buffer = new ConfigSection("buffer", sliceFormat is null ? defaultChunkKeys : AddTime(defaultChunkKeys), section.Location);
        foreach (var (old, @new) in found)
        {
            var p = section.Find(old)!;
            buffer.Params.Add(p with { Key = @new, Value = old == "buffer_queue_full_action" ? OverflowValue(p.Value) : p.Value });
            section.Params.RemoveAll(x => x.Key == old);
        }

        if (found.Exists(f => f.Old == "buffer_path") && !found.Exists(f => f.Old == "buffer_type"))
        {
            var path = buffer.Find("path")!;
            buffer.Params.Add(path with { Key = "@type", Value = "file" });
        }

        if (found.Exists(f => f.Old == "flush_interval"))
        {
            var interval = buffer.Find("flush_interval")!;
            buffer.Params.Add(interval with { Key = "flush_mode", Value = "interval" });
        }

        if (sliceFormat is not null)
        {
            if (TimekeyOf(sliceFormat.Value) is { } timekey)
            {
                buffer.Params.Add(sliceFormat with { Key = "timekey", Value = timekey });
            }
            else
            {
                diagnostics.Error(sliceFormat.ValueLocation, $"time_slice_format '{sliceFormat.Value}' has no day, hour, minute or second field (%d, %H, %M or %S), so it gives no time slice", section);
            }
        }

        AddZone(section, buffer, diagnostics);
        section.Sections.Add(buffer);
        return true;
    }

    /// <summary>The timekey a <c>time_slice_format</c> means: the length of its finest field, in seconds.</summary>
    public static string? TimekeyOf(string format)
    {
        static bool Has(string f, string fields) => fields.Any(c => f.Contains("%" + c, StringComparison.Ordinal));
        return Has(format, "STs") ? "1"
            : Has(format, "MR") ? "60"
            : Has(format, "HIkl") ? "3600"
            : Has(format, "dejF") ? "86400"
            : null;
    }

    /// <summary>The <c>%{time_slice}</c> format Fluentd derives from a timekey when no time_slice_format is written.</summary>
    public static string TimeSliceFormatOf(TimeSpan timekey) =>
        timekey < TimeSpan.FromMinutes(1) ? "%Y%m%d%H%M%S"
        : timekey < TimeSpan.FromHours(1) ? "%Y%m%d%H%M"
        : timekey < TimeSpan.FromDays(1) ? "%Y%m%d%H"
        : "%Y%m%d";

    private static void AddZone(ConfigSection section, ConfigSection buffer, DiagnosticBag diagnostics)
    {
        var utc = section.Find(Shared[1]);
        var localtime = section.Find(Shared[2]);
        if (utc is not null && localtime is not null)
        {
            diagnostics.Error(utc.Location, "both 'utc' and 'localtime' are set; use only one of them", section);
            return;
        }

        if (section.Find(Shared[0]) is { } zone)
        {
            buffer.Params.Add(zone with { Key = "timekey_zone" });
        }
        else if (utc is not null)
        {
            buffer.Params.Add(utc with { Key = "timekey_use_utc", Value = IsTrue(utc.Value) ? "true" : "false" });
        }
        else if (localtime is not null)
        {
            buffer.Params.Add(localtime with { Key = "timekey_use_utc", Value = IsTrue(localtime.Value) ? "false" : "true" });
        }
    }

    // A bare `utc` line (empty value) means true, as for every Fluentd bool.
    private static bool IsTrue(string value) => value.Trim().Length == 0 || (ConfigValues.TryParseBool(value, out var b) && b);

    private static string OverflowValue(string value) => value.Trim() == "exception" ? "throw_exception" : value;

    private static string AddTime(string keys) =>
        keys.Split(',', StringSplitOptions.TrimEntries).Contains("time") ? keys : keys.Length == 0 ? "time" : keys + ",time";
}
