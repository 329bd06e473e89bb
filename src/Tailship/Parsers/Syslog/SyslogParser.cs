using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;
using Tailship.Text;

namespace Tailship.Parsers.Syslog;

internal sealed record SyslogParserOptions(
    string MessageFormat,
    bool WithPriority,
    bool StringParser,
    bool SupportColonlessIdent,
    TimeValueParser Rfc3164Time,
    TimeValueParser Rfc5424Time,
    ParserCore Core);

/// <summary>
/// <c>@type syslog</c>: RFC 3164 (<c>Nov 26 01:20:00 host ident[pid]: message</c>, no year, so the current year in
/// the parser's zone) and RFC 5424 (<c>&lt;pri&gt;1 2026-11-26T01:20:00.123Z host ident pid msgid [sd] message</c>,
/// structured data kept whole as <c>extradata</c>), or <c>auto</c> choosing per line. Fields appear in Fluentd's
/// order; <c>pri</c> is an integer; the time is not kept unless <c>keep_time_key</c>; a trailing newline of the
/// message is removed. <c>parser_type string</c> selects Fluentd's faster hand-written RFC 3164 reader, which
/// also accepts an ident without a colon (<c>support_colonless_ident</c>). As in Fluentd, <c>types</c> and the
/// null options do not apply to syslog.
/// </summary>
internal sealed class SyslogParser : IParser
{
    public const string Rfc3164TimeFormat = "%b %d %H:%M:%S";
    public const string Rfc5424TimeFormat = "%Y-%m-%dT%H:%M:%S.%L%z";

    // Fluentd's patterns (Ruby literals); BuiltinRegexes holds their build-time .NET translations.
    public const string Rfc3164Expression =
        """/^(?<time>[^ ]*\s*[^ ]* [^ ]*) (?<host>[^ ]*) (?<ident>[^ :\[]*)(?:\[(?<pid>[0-9]+)\])?(?:[^\:]*\:)? *(?<message>.*)$/""";

    public const string Rfc3164WithPriorityExpression =
        """/^\<(?<pri>[0-9]+)\>(?<time>[^ ]* {1,2}[^ ]* [^ ]*) (?<host>[^ ]*) (?<ident>[^ :\[]*)(?:\[(?<pid>[0-9]+)\])?(?:[^\:]*\:)? *(?<message>.*)$/""";

    public const string Rfc5424Expression = "/\\A" + Rfc5424Body + "\\z/m";

    public const string Rfc5424WithPriorityExpression = "/\\A<(?<pri>[0-9]{1,3})\\>[1-9]\\d{0,2} " + Rfc5424Body + "\\z/m";

    private const string Rfc5424Body =
        """(?<time>[^ ]+) (?<host>[!-~]{1,255}) (?<ident>[!-~]{1,48}) (?<pid>[!-~]{1,128}) (?<msgid>[!-~]{1,32}) (?<extradata>(?:\-|(?:\[.*?(?<!\\)\])+))(?: (?<message>.+))?""";

    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<SyslogParserOptions>(
        ParserSpecs.Create(
            "syslog",
            "Parses syslog lines (RFC 3164 or RFC 5424).",
            [
                ParamSpec.Bool("with_priority", false, "Lines start with a priority such as <34>."),
                ParamSpec.Enum("message_format", "rfc3164", ["rfc3164", "rfc5424", "auto"], "Which syslog layout; auto decides per line."),
                ParamSpec.String("rfc5424_time_format", Rfc5424TimeFormat, "Time format of RFC 5424 lines (a time without fraction is also accepted)."),
                ParamSpec.Enum("parser_type", "regexp", ["regexp", "string"], "regexp, or string: a faster RFC 3164 reader."),
                ParamSpec.Bool("support_colonless_ident", true, "With parser_type string: an ident not followed by ':' is still an ident."),
            ],
            ParserCommon.Params(timeFormat: Rfc3164TimeFormat)),
        validate: Validate,
        build: (options, _) => new SyslogParser(options));

    private static readonly Lazy<Patterns> Regexes = new(Patterns.Create);

    private readonly SyslogParserOptions _options;
    private readonly TimeValueParser _rfc5424NoFraction;

    public SyslogParser(SyslogParserOptions options)
    {
        _options = options;
        _rfc5424NoFraction = TimeValueParser.Create("string", "%Y-%m-%dT%H:%M:%S%z", [], options.Core.Zone, out _)!;
    }

    private static SyslogParserOptions? Validate(SectionConfig cfg, DiagnosticBag diagnostics)
    {
        var core = ParserCommon.Read(cfg, diagnostics);
        if (core is null)
        {
            return null;
        }

        var format = cfg.GetString("message_format")!;
        var rfc3164Format = cfg.GetString("time_format") ?? Rfc3164TimeFormat;

        // In rfc5424 mode an explicit time_format wins over rfc5424_time_format; auto keeps them apart.
        var rfc5424Format = format == "rfc5424" && cfg.IsSet("time_format") ? rfc3164Format : cfg.GetRequiredString("rfc5424_time_format");
        var rfc3164 = TimeValueParser.Create("string", rfc3164Format, [], core.Zone, out var e1);
        var rfc5424 = TimeValueParser.Create("string", rfc5424Format, [], core.Zone, out var e2);
        if (rfc3164 is null || rfc5424 is null)
        {
            diagnostics.Error(cfg.LocationOf(rfc3164 is null ? "time_format" : "rfc5424_time_format"), (e1 ?? e2)!);
            return null;
        }

        return new SyslogParserOptions(
            format,
            cfg.GetBool("with_priority"),
            cfg.GetString("parser_type") == "string",
            cfg.GetBool("support_colonless_ident"),
            rfc3164,
            rfc5424,
            core);
    }

    public bool Parse(ReadOnlySpan<byte> text, EventTime readTime, Action<EventTime, Record> emit)
    {
        var rfc5424 = _options.MessageFormat switch
        {
            "rfc5424" => true,
            "auto" => LooksLikeRfc5424(text),
            _ => false,
        };

        bool ok;
        EventTime time;
        Record? record;
        if (rfc5424)
        {
            var matcher = _options.WithPriority ? Regexes.Value.Rfc5424WithPri : Regexes.Value.Rfc5424;
            ok = ParseWithRegex(matcher, text, _options.Rfc5424Time, readTime, out time, out record);
        }
        else if (_options.StringParser)
        {
            ok = Rfc3164Reader.TryParse(text, _options, readTime, out time, out record);
        }
        else
        {
            var matcher = _options.WithPriority ? Regexes.Value.Rfc3164WithPri : Regexes.Value.Rfc3164;
            ok = ParseWithRegex(matcher, text, _options.Rfc3164Time, readTime, out time, out record);
        }

        if (!ok)
        {
            return false;
        }

        emit(time, record!);
        return true;
    }

    /// <summary><c>&lt;PRI&gt;VERSION</c> at the start: 1-3 digits in brackets, then a version 1-999.</summary>
    private static bool LooksLikeRfc5424(ReadOnlySpan<byte> text)
    {
        if (text.Length < 4 || text[0] != '<')
        {
            return false;
        }

        var i = 1;
        while (i < text.Length && i <= 3 && IsDigit(text[i]))
        {
            i++;
        }

        return i > 1 && i < text.Length - 1 && text[i] == '>' && text[i + 1] is >= (byte)'1' and <= (byte)'9';
    }

    private bool ParseWithRegex(ByteMatcher matcher, ReadOnlySpan<byte> text, TimeValueParser timeParser, EventTime readTime, out EventTime time, out Record? record)
    {
        time = readTime;
        record = null;
        var line = text.ToArray();
        Span<(int Start, int Length)> groups = stackalloc (int, int)[matcher.GroupNames.Count];
        if (!matcher.TryMatch(line, groups))
        {
            return false;
        }

        var result = new Record(groups.Length);
        for (var i = 0; i < groups.Length; i++)
        {
            var (start, length) = groups[i];
            if (start < 0)
            {
                continue;
            }

            var name = matcher.GroupNames[i];
            var value = line.AsSpan(start, length);
            switch (name)
            {
                case "pri":
                    result.Append(name, RubyNumbers.ToI(value));
                    break;
                case "time":
                    if (!timeParser.TryParse(value, readTime, out time)
                        && !(timeParser == _options.Rfc5424Time && _rfc5424NoFraction.TryParse(value, readTime, out time)))
                    {
                        return false;
                    }

                    if (_options.Core.KeepTimeKey)
                    {
                        result.Append(name, RecordValue.FromUtf8(line, start, length));
                    }

                    break;
                case "message":
                    result.Append(name, RecordValue.FromUtf8(line, start, Chomp(value)));
                    break;
                default:
                    result.Append(name, RecordValue.FromUtf8(line, start, length));
                    break;
            }
        }

        record = result;
        return true;
    }

    /// <summary>Length without one trailing <c>\n</c>, <c>\r\n</c> or <c>\r</c> (Ruby's <c>chomp</c>).</summary>
    internal static int Chomp(ReadOnlySpan<byte> value)
    {
        var n = value.Length;
        if (n > 0 && value[n - 1] == '\n')
        {
            n--;
            if (n > 0 && value[n - 1] == '\r')
            {
                n--;
            }
        }
        else if (n > 0 && value[n - 1] == '\r')
        {
            n--;
        }

        return n;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private sealed record Patterns(ByteMatcher Rfc3164, ByteMatcher Rfc3164WithPri, ByteMatcher Rfc5424, ByteMatcher Rfc5424WithPri)
    {
        public static Patterns Create() => new(
            BuiltinRegexes.Matcher(Rfc3164Expression),
            BuiltinRegexes.Matcher(Rfc3164WithPriorityExpression),
            BuiltinRegexes.Matcher(Rfc5424Expression),
            BuiltinRegexes.Matcher(Rfc5424WithPriorityExpression));
    }
}
