using System.Globalization;
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

    public required FileBufferConfig Buffer { get; init; }

    /// <summary>The bound <c>&lt;format&gt;</c>.</summary>
    public required SectionConfig Format { get; init; }

    /// <summary>The file name pattern built from <see cref="Path"/>; always set by validation.</summary>
    internal FilePathTemplate Template { get; init; } = null!;

    internal static FileOutputOptions? Validate(SectionConfig cfg, DiagnosticBag diagnostics)
    {
        var buffer = FileBufferConfig.Bind(cfg.GetSection("buffer"), diagnostics);
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
        var timekey = buffer.ChunkKeyTime ? buffer.Timekey : (long?)null;
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
            Format = cfg.GetSection("format") ?? throw new InvalidOperationException("<format> is added before binding"),
            Template = template,
        };
    }

    // Fluentd's placeholder validation: the path's time and tag placeholders must agree with the chunk keys.
    private static bool CheckPlaceholders(FilePathTemplate template, FileBufferConfig buffer, out string? error)
    {
        error = null;
        var finest = template.FinestTimePlaceholder;
        if (buffer.ChunkKeyTime && finest is null)
        {
            error = $"doesn't have timestamp placeholders for timekey {buffer.Timekey}";
        }
        else if (!buffer.ChunkKeyTime && finest is not null)
        {
            error = "has timestamp placeholders, but chunk key 'time' is not configured";
        }
        else if (buffer.ChunkKeyTime && finest is { } f && buffer.Timekey < f.TotalSeconds)
        {
            var shown = f.TotalSeconds switch
            {
                1 => "seconds ('%S')",
                60 => "minutes ('%M')",
                3600 => "hours ('%H')",
                _ => "days ('%d')",
            };
            var needed = buffer.Timekey switch
            {
                < 60 => "%S",
                < 3600 => "%M",
                _ => "%H",
            };
            error = $"doesn't have timestamp placeholder for timekey {buffer.Timekey}: it shows {shown} at the finest; add {needed}";
        }
        else if (buffer.ChunkKeyTag && !template.HasTagPlaceholders)
        {
            error = "doesn't have tag placeholder";
        }
        else if (!buffer.ChunkKeyTag && template.HasTagPlaceholders)
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
