using Tailship.Config;
using Tailship.Text;

namespace Tailship.Formatters;

/// <summary>
/// The parameters several formatters share (Fluentd's time-formatter and newline mixins), declared once here
/// and listed by each formatter that has them, with the helpers that read them.
/// </summary>
internal static class FormatterParams
{
    public static readonly ParamSpec AddNewline = ParamSpec.Bool("add_newline", true, "Ends each formatted event with a newline.");

    public static readonly ParamSpec Newline = ParamSpec.Enum("newline", "lf", ["lf", "crlf"], "The line ending: lf (\\n) or crlf (\\r\\n).");

    /// <summary>time_type, time_format, localtime, utc, timezone; <paramref name="defaultType"/> differs by formatter.</summary>
    public static IReadOnlyList<ParamSpec> Time(string defaultType = "string") =>
    [
        ParamSpec.Enum("time_type", defaultType, ["float", "unixtime", "string"], "How the event time is written: float (seconds with fraction), unixtime (whole seconds) or string (time_format)."),
        ParamSpec.String("time_format", null, "strftime format of the time when time_type is string; unset means ISO 8601 with whole seconds (2024-01-01T10:00:00+09:00). %N and %L show fractions of a second."),
        ParamSpec.Bool("localtime", true, "Shows the time in the local zone (TZ). Ignored when timezone is set."),
        ParamSpec.Bool("utc", false, "Shows the time in UTC (ISO 8601 then ends in Z). The opposite of localtime; set only one of them."),
        ParamSpec.String("timezone", null, "Time zone of the time: +09:00, +0900, +09 or a name such as Asia/Tokyo. Takes precedence over localtime and utc."),
    ];

    /// <summary>The newline bytes chosen by <see cref="Newline"/>.</summary>
    public static byte[] NewlineBytes(SectionConfig config) =>
        config.GetString("newline") == "crlf" ? "\r\n"u8.ToArray() : "\n"u8.ToArray();

    /// <summary>The line ending to append: empty when add_newline is false.</summary>
    public static byte[] LineEnding(SectionConfig config) =>
        config.GetBool("add_newline") ? NewlineBytes(config) : [];

    /// <summary>Reads the time parameters declared by <see cref="Time"/>; null (with diagnostics) when they conflict or a zone is unknown.</summary>
    public static TimeFormatOptions? BindTime(SectionConfig config, DiagnosticBag diagnostics)
    {
        var ok = true;
        if (config.IsSet("localtime") && config.IsSet("utc"))
        {
            diagnostics.Error(config.LocationOf("utc"), "both utc and localtime are set; set only one of them");
            ok = false;
        }

        TimeZoneSpec? zone = null;
        if (config.GetString("timezone") is { } tz)
        {
            if (TimeZones.TryParse(tz, out var parsed, out var error))
            {
                zone = parsed;
            }
            else
            {
                diagnostics.Error(config.LocationOf("timezone"), $"parameter 'timezone': {error}");
                ok = false;
            }
        }

        var utc = config.IsSet("utc") ? config.GetBool("utc") : !config.GetBool("localtime");
        var type = config.GetString("time_type") switch
        {
            "float" => TimeType.Float,
            "unixtime" => TimeType.Unixtime,
            _ => TimeType.String,
        };
        return ok ? new TimeFormatOptions(type, config.GetString("time_format"), utc, zone) : null;
    }
}
