using System.Globalization;
using System.Text;
using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Parsers.Multiline;

internal sealed record MultilineParserOptions(ByteMatcher Matcher, ByteMatcher? FirstLine, ParserCore Core);

/// <summary>
/// <c>@type multiline</c>: <c>format1</c> .. <c>format20</c> are <c>/regexp/</c> pieces joined into one pattern in which
/// <c>.</c> also matches newlines (Ruby's MULTILINE); <c>format_firstline</c> tells the reader where an event starts.
/// Parsing is that of <c>regexp</c> (default <c>time_key time</c>).
/// </summary>
internal sealed class MultilineParser : IMultilineParser
{
    public const int FormatCount = 20;

    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<MultilineParserOptions>(
        ParserSpecs.Create(
            "multiline",
            "Parses events that span several lines with joined regexps.",
            [
                ParamSpec.String("format_firstline", null, "Regexp (/.../) matching the first line of an event."),
                .. Enumerable.Range(1, FormatCount).Select(i => ParamSpec.String(
                    "format" + i.ToString(CultureInfo.InvariantCulture),
                    null,
                    $"Piece {i} of the event regexp (/.../); the pieces are joined in order.")),
            ],
            ParserCommon.Params(timeKey: "time")),
        validate: Validate,
        build: (options, _) => new MultilineParser(options));

    private readonly MultilineParserOptions _options;

    public MultilineParser(MultilineParserOptions options)
    {
        _options = options;
    }

    public bool HasFirstLine => _options.FirstLine is not null;

    private static MultilineParserOptions? Validate(SectionConfig cfg, DiagnosticBag diagnostics)
    {
        var joined = new StringBuilder();
        var ok = true;
        string? missing = null;
        for (var i = 1; i <= FormatCount; i++)
        {
            var name = "format" + i.ToString(CultureInfo.InvariantCulture);
            var piece = cfg.GetString(name);
            if (piece is null)
            {
                missing ??= name;
                continue;
            }

            if (missing is not null)
            {
                diagnostics.Error(cfg.LocationOf(name), $"jump of format index found: {missing} is missing");
                ok = false;
            }

            if (!TryStripSlashes(piece, out var body))
            {
                diagnostics.Error(cfg.LocationOf(name), $"format should be a regexp written /.../ in {name}: '{piece}'");
                ok = false;
                continue;
            }

            joined.Append(body);
        }

        if (joined.Length == 0 && ok)
        {
            diagnostics.Error(cfg.Location, "multiline needs format1 (and optionally format2 .. format20)");
            return null;
        }

        ByteMatcher? matcher = null;
        if (ok)
        {
            if (!RubyRegex.TryCreate(joined.ToString(), ignoreCase: false, dotAll: true, extended: false, out var regex, out var error, cfg.GetTimeOrNull("timeout")))
            {
                diagnostics.Error(cfg.LocationOf("format1"), error!);
                ok = false;
            }
            else
            {
                matcher = new ByteMatcher(regex!);
                if (!matcher.HasNamedGroups)
                {
                    diagnostics.Error(cfg.LocationOf("format1"), $"invalid regexp '{joined}': no named captures");
                    ok = false;
                }
            }
        }

        ByteMatcher? firstLine = null;
        if (cfg.GetString("format_firstline") is { } first)
        {
            if (!TryStripSlashes(first, out var body))
            {
                diagnostics.Error(cfg.LocationOf("format_firstline"), $"format should be a regexp written /.../ in format_firstline: '{first}'");
                ok = false;
            }
            else if (!RubyRegex.TryCreate(body, false, false, false, out var regex, out var error))
            {
                diagnostics.Error(cfg.LocationOf("format_firstline"), error!);
                ok = false;
            }
            else
            {
                firstLine = new ByteMatcher(regex!);
            }
        }

        var core = ParserCommon.Read(cfg, diagnostics);
        return ok && core is not null ? new MultilineParserOptions(matcher!, firstLine, core) : null;
    }

    private static bool TryStripSlashes(string text, out string body)
    {
        var ok = text.Length >= 2 && text[0] == '/' && text[^1] == '/';
        body = ok ? text[1..^1] : string.Empty;
        return ok;
    }

    public bool IsFirstLine(ReadOnlySpan<byte> line) => _options.FirstLine?.IsMatch(line) ?? true;

    public bool Parse(ReadOnlySpan<byte> text, EventTime readTime, Action<EventTime, Record> emit)
    {
        var line = text.ToArray();
        var record = new Record(_options.Matcher.GroupNames.Count);
        if (!_options.Matcher.TryMatch(line, line.Length, record) || !_options.Core.TryFinish(record, readTime, out var time))
        {
            return false;
        }

        emit(time, record);
        return true;
    }
}
