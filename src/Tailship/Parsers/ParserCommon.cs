using System.Text.RegularExpressions;
using Tailship.Config;
using Tailship.Text;

namespace Tailship.Parsers;

/// <summary>
/// The parameters every Fluentd parser has (from <c>Fluent::Plugin::Parser</c> and its time mixin), declared once.
/// Each parser passes its own defaults, as Fluentd's <c>config_set_default</c> does (json: <c>time_key time</c> and
/// <c>time_type float</c>; regexp: <c>time_key time</c>; syslog: a <c>time_format</c>; cri: <c>keep_time_key true</c>).
/// </summary>
internal static class ParserCommon
{
    public static readonly IReadOnlyList<string> TimeTypes = ["float", "unixtime", "string", "mixed"];

    public static ParamSpec[] Params(
        string? timeKey = null,
        string timeType = "string",
        string? timeFormat = null,
        bool keepTimeKey = false) =>
    [
        ParamSpec.String("time_key", timeKey, "Field holding the event time; removed from the record unless keep_time_key."),
        ParamSpec.String("time_format", timeFormat, "strptime format of the time field (%Y %m %d %H %M %S %N %L %z %b %s ...), or %iso8601. Without it the time is read like Ruby's Time.parse."),
        ParamSpec.Array("time_format_fallbacks", null, "Formats tried in order after time_format when time_type is mixed; unixtime and float may be listed."),
        ParamSpec.Enum("time_type", timeType, TimeTypes, "How the time field is read: string (time_format), unixtime (integer seconds), float (seconds with fraction) or mixed (time_format then time_format_fallbacks)."),
        ParamSpec.Bool("localtime", true, "Read times that carry no zone in local time (the process TZ)."),
        ParamSpec.Bool("utc", false, "Read times that carry no zone as UTC."),
        ParamSpec.String("timezone", null, "Zone for times that carry none: an offset such as +09:00 or a name such as Asia/Tokyo."),
        ParamSpec.Bool("keep_time_key", keepTimeKey, "Keep the time field in the record after reading the event time from it."),
        ParamSpec.Hash("types", "Value conversions, e.g. code:integer,ratio:float,ok:bool,at:time:%d/%b/%Y,tags:array:|. Ruby to_i/to_f rules."),
        ParamSpec.String("null_value_pattern", null, "Regexp: string values it matches become null."),
        ParamSpec.Bool("null_empty_string", false, "Empty string values become null."),
        ParamSpec.Bool("estimate_current_event", true, "Use the read time when the record has no time field; when false such a record is dropped."),
        ParamSpec.Time("timeout", null, "Longest a regexp may spend on one line (regexp, multiline and their presets); past it the line counts as not parsed. No limit by default."),
    ];

    /// <summary>Builds the shared part of a parser from its bound section; every problem goes into <paramref name="diagnostics"/>.</summary>
    public static ParserCore? Read(SectionConfig cfg, DiagnosticBag diagnostics, string? forcedTimeFormat = null)
    {
        var ok = true;
        if (cfg.IsSet("utc") && cfg.IsSet("localtime"))
        {
            diagnostics.Error(cfg.LocationOf("utc"), "both utc and localtime are set; use only one of them");
            ok = false;
        }

        // Local time is Ruby's: TZ when set, else the system zone.
        var zone = TimeZones.Local();
        var timezone = cfg.GetString("timezone");
        if (timezone is not null)
        {
            if (!TimeZones.TryParse(timezone, out zone, out var zoneError))
            {
                diagnostics.Error(cfg.LocationOf("timezone"), zoneError!);
                ok = false;
            }
        }
        else if (cfg.GetBool("utc") || !cfg.GetBool("localtime"))
        {
            zone = TimeZoneSpec.Utc;
        }

        var format = forcedTimeFormat ?? cfg.GetString("time_format");
        var timeType = cfg.GetString("time_type")!;

        // Fluentd's json parser: setting time_format without time_type means time_type string.
        if (cfg.IsSet("time_format") && !cfg.IsSet("time_type") && timeType is "float" or "unixtime")
        {
            timeType = "string";
        }

        if (timeType == "string" && format is null && (timezone is not null || cfg.GetBool("utc") || !cfg.GetBool("localtime")))
        {
            diagnostics.Error(cfg.LocationOf(timezone is not null ? "timezone" : "utc"), "specifying timezone or utc requires time_format");
            ok = false;
        }

        if (cfg.IsSet("time_format_fallbacks") && timeType != "mixed")
        {
            diagnostics.Warning(cfg.LocationOf("time_format_fallbacks"), "time_format_fallbacks is used only with time_type mixed; it is ignored here");
        }

        var time = TimeValueParser.Create(timeType, format, cfg.GetArray("time_format_fallbacks"), zone, out var timeError);
        if (time is null)
        {
            diagnostics.Error(cfg.LocationOf(cfg.IsSet("time_format_fallbacks") && format is not null ? "time_format_fallbacks" : "time_format"), timeError ?? "invalid time_format");
            ok = false;
        }

        Dictionary<string, ValueConverter>? converters = null;
        foreach (var (key, definition) in cfg.GetHash("types"))
        {
            var converter = ValueConverter.Create(key, definition, zone, out var typeError);
            if (converter is null)
            {
                diagnostics.Error(cfg.LocationOf("types"), typeError!);
                ok = false;
                continue;
            }

            converters ??= new Dictionary<string, ValueConverter>(StringComparer.Ordinal);
            converters[key] = converter;
        }

        Regex? nullPattern = null;
        if (cfg.GetString("null_value_pattern") is { } pattern)
        {
            if (!RubyRegex.TryCreate(pattern, false, false, false, out nullPattern, out var regexError))
            {
                diagnostics.Error(cfg.LocationOf("null_value_pattern"), regexError!);
                ok = false;
            }
        }

        if (!ok)
        {
            return null;
        }

        return new ParserCore(
            cfg.GetString("time_key"),
            cfg.GetBool("keep_time_key"),
            cfg.GetBool("estimate_current_event"),
            time!,
            zone,
            converters,
            nullPattern is null ? null : new ByteMatcher(nullPattern),
            cfg.GetBool("null_empty_string"));
    }
}
