using Tailship.Buffers;
using Tailship.Config;
using Tailship.Plugins;
using Tailship.Text;

namespace Tailship.Outputs.S3;

/// <summary>
/// The descriptor steps of <c>@type s3</c>: v0.12 spellings rewritten (<c>format X</c>, <c>buffer_path</c>,
/// <c>time_slice_wait</c>...), the output and its <c>&lt;buffer&gt;</c> validated together, and the output built
/// behind a <see cref="BufferedOutputHost"/> (the host starts, stops and disposes it and reports its readiness).
/// </summary>
internal static class S3OutputPlugin
{
    /// <summary>Without a <c>&lt;buffer&gt;</c>: chunks by time, one-day slices flushed 10 minutes after they end (fluent-plugin-s3's defaults).</summary>
    public static readonly BufferDefaults Defaults = new("time", TimeSpan.FromDays(1), TimeSpan.FromMinutes(10));

    /// <summary>Zone parameters of the v0.12 top level; they set the buffer's zone and the formatter's.</summary>
    private static readonly string[] ZoneParams = ["utc", "localtime", "timezone"];

    public static void Normalize(ConfigSection section, DiagnosticBag diagnostics)
    {
        NormalizeFormat(section, diagnostics);
        BufferCompat.Apply(section, Defaults.ChunkKeys, diagnostics);
        CopyZoneToFormat(section);
    }

    public static S3OutputOptions? Validate(SectionConfig config, DiagnosticBag diagnostics)
    {
        var output = S3OutputValidator.Validate(config, diagnostics);
        var buffer = BufferOptions.FromConfig(config.GetSection("buffer"), Defaults, diagnostics);
        if (output is null || buffer is null)
        {
            return null;
        }

        var zone = buffer.Zone == TimeZoneInfo.Utc ? TimeZoneSpec.Utc
            : buffer.Zone == TimeZoneInfo.Local ? TimeZones.Local()
            : TimeZoneSpec.FromTimeZoneInfo(buffer.Zone);
        return output with
        {
            StateDirectory = buffer.Path is { } pattern ? FileBufferPath.Split(pattern).Directory : null,
            SliceZone = zone,
            TimekeySeconds = (long)(buffer.Timekey ?? Defaults.Timekey!.Value).TotalSeconds,
            Buffer = buffer,
            Secondary = config.GetSection("secondary"),
        };
    }

    public static IOutput Build(S3OutputOptions options, PluginContext context)
    {
        var output = S3Output.Create(options, context, Environment.GetEnvironmentVariable);
        return BufferedOutputHost.Create(output, options.Buffer ?? BufferOptions.FromConfig(null, Defaults, new DiagnosticBag())!, context, options.Secondary);
    }

    /// <summary>The v0.12 spelling <c>format X</c> in an output means <c>&lt;format&gt; @type X</c>.</summary>
    private static void NormalizeFormat(ConfigSection section, DiagnosticBag diagnostics)
    {
        var format = section.Find("format");
        if (format is null)
        {
            return;
        }

        section.Params.RemoveAll(p => p.Key == "format");
        if (section.Sections.Exists(s => s.Name == "format"))
        {
            diagnostics.Add(new Diagnostic(DiagnosticSeverity.Error, format.Location, "both 'format' and a <format> section are given: keep the <format> section", section.Describe()));
            return;
        }

        var converted = new ConfigSection("format", string.Empty, format.Location);
        converted.Params.Add(format with { Key = "@type" });
        section.Sections.Add(converted);
    }

    /// <summary>
    /// As Fluentd's compat layer: <c>utc</c>, <c>localtime</c> and <c>timezone</c> at the top level also set the
    /// time zone of the formatter (out_file's time column), unless its <c>&lt;format&gt;</c> sets its own.
    /// </summary>
    private static void CopyZoneToFormat(ConfigSection section)
    {
        var zoneParams = ZoneParams.Select(section.Find).OfType<ConfigParam>().ToList();
        if (zoneParams.Count == 0)
        {
            return;
        }

        var format = section.Sections.Find(s => s.Name == "format");
        if (format is null)
        {
            format = new ConfigSection("format", string.Empty, section.Location);
            section.Sections.Add(format);
        }

        if (ZoneParams.Any(name => format.Find(name) is not null))
        {
            return;
        }

        format.Params.AddRange(zoneParams);
    }
}
