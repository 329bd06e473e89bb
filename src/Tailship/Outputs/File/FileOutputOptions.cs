using System.Globalization;
using Tailship.Buffers;
using Tailship.Config;

namespace Tailship.Outputs.File;

/// <summary>The validated configuration of <c>@type file</c>.</summary>
public sealed record FileOutputOptions
{
    /// <summary><c>path</c> as written.</summary>
    public required string Path { get; init; }

    public bool Append { get; init; }

    public bool Gzip { get; init; }

    public UnixFileMode FilePermission { get; init; } = (UnixFileMode)Convert.ToInt32("644", 8);

    public UnixFileMode DirPermission { get; init; } = (UnixFileMode)Convert.ToInt32("755", 8);

    public required BufferOptions Buffer { get; init; }

    /// <summary>True when <c>timekey_zone</c> or <c>timekey_use_utc</c> chose the zone (else the clock's local zone).</summary>
    public bool ZoneSet { get; init; }

    /// <summary>The bound <c>&lt;secondary&gt;</c>, or null.</summary>
    public SectionConfig? Secondary { get; init; }

    /// <summary>The bound <c>&lt;format&gt;</c>.</summary>
    public required SectionConfig Format { get; init; }

    /// <summary>The file name pattern built from <see cref="Path"/>; always set by validation.</summary>
    internal FilePathTemplate Template { get; init; } = null!;

    internal static FileOutputOptions? Validate(SectionConfig cfg, DiagnosticBag diagnostics)
    {
        var bufferSection = cfg.GetSection("buffer");
        var buffer = BufferOptions.FromConfig(bufferSection, new BufferDefaults("time", TimeSpan.FromDays(1)), diagnostics);
        if (buffer is not null && buffer.Keys.RecordKeys.Count > 0)
        {
            diagnostics.Error(bufferSection?.Location ?? cfg.Location, "out_file supports the chunk keys time and tag, not record keys");
            buffer = null;
        }

        var filePermission = ParsePermission(cfg, "file_permission", diagnostics);
        var dirPermission = ParsePermission(cfg, "dir_permission", diagnostics);
        if (buffer is null || filePermission is null || dirPermission is null)
        {
            return null;
        }

        var path = cfg.GetRequiredString("path");
        var append = cfg.GetBool("append");
        var gzip = cfg.GetString("compress") is "gz" or "gzip";
        var suffix = cfg.GetBool("add_path_suffix") ? cfg.GetString("path_suffix") ?? string.Empty : string.Empty;
        var timekey = buffer.Keys.Time ? (long?)buffer.Timekey!.Value.TotalSeconds : null;
        var template = FilePathTemplate.Create(path, timekey, append, gzip, suffix, cfg.GetString("time_slice_format"), out var error);
        if (template is null)
        {
            diagnostics.Error(cfg.LocationOf("path"), error!);
            return null;
        }

        if (!CheckPlaceholders(template, buffer, out error))
        {
            diagnostics.Error(cfg.LocationOf("path"), $"Parameter 'path: {template.Text}' {error}");
            return null;
        }

        return new FileOutputOptions
        {
            Path = path,
            Append = append,
            Gzip = gzip,
            FilePermission = filePermission.Value,
            DirPermission = dirPermission.Value,
            Buffer = buffer,
            ZoneSet = bufferSection is not null && (bufferSection.IsSet("timekey_zone") || bufferSection.GetBool("timekey_use_utc")),
            Secondary = cfg.GetSection("secondary"),
            Format = cfg.GetSection("format") ?? throw new InvalidOperationException("<format> is added before binding"),
            Template = template,
        };
    }

    // Fluentd's placeholder validation: the path's time and tag placeholders must agree with the chunk keys.
    private static bool CheckPlaceholders(FilePathTemplate template, BufferOptions buffer, out string? error)
    {
        error = null;
        var time = buffer.Keys.Time;
        var tag = buffer.Keys.Tag;
        var timekey = time ? (long)buffer.Timekey!.Value.TotalSeconds : 0;
        var finest = template.FinestTimePlaceholder;
        if (time && finest is null)
        {
            error = $"doesn't have timestamp placeholders for timekey {timekey}";
        }
        else if (!time && finest is not null)
        {
            error = "has timestamp placeholders, but chunk key 'time' is not configured";
        }
        else if (time && finest is { } f && timekey < f.TotalSeconds)
        {
            var shown = f.TotalSeconds switch
            {
                1 => "seconds ('%S')",
                60 => "minutes ('%M')",
                3600 => "hours ('%H')",
                _ => "days ('%d')",
            };
            var needed = timekey switch
            {
                < 60 => "%S",
                < 3600 => "%M",
                _ => "%H",
            };
            error = $"doesn't have timestamp placeholder for timekey {timekey}: it shows {shown} at the finest; add {needed}";
        }
        else if (tag && !template.HasTagPlaceholders)
        {
            error = "doesn't have tag placeholder";
        }
        else if (!tag && template.HasTagPlaceholders)
        {
            error = "has tag placeholders, but chunk key 'tag' is not configured";
        }

        return error is null;
    }

    private static UnixFileMode? ParsePermission(SectionConfig cfg, string name, DiagnosticBag diagnostics)
    {
        var text = cfg.GetString(name);
        if (text is null)
        {
            return (UnixFileMode)Convert.ToInt32(name == "file_permission" ? "644" : "755", 8);
        }

        var s = text.Trim();
        if (s.Length is > 0 and <= 4 && s.All(c => c is >= '0' and <= '7'))
        {
            return (UnixFileMode)Convert.ToInt32(s, 8);
        }

        diagnostics.Error(cfg.LocationOf(name), string.Create(CultureInfo.InvariantCulture, $"parameter '{name}': expected an octal mode such as 0644, found '{text}'"));
        return null;
    }
}
