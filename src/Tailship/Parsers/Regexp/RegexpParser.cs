using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Parsers.Regexp;

internal sealed record RegexpParserOptions(ByteMatcher Matcher, ParserCore Core);

/// <summary>
/// <c>@type regexp</c>: a Ruby regular expression with named groups (<c>expression /^(?&lt;host&gt;\S+) .../i</c>);
/// each group that took part becomes a field, in pattern order. Compiled once at configuration. Also the engine
/// of <c>nginx</c>, <c>apache_error</c> and <c>multiline</c>, which are this parser with other defaults.
/// </summary>
internal sealed class RegexpParser : IParser
{
    public static readonly PluginDescriptor Descriptor = CreateDescriptor(
        "regexp",
        "Parses lines with a Ruby regular expression whose named groups become fields.",
        defaultExpression: null,
        defaultTimeFormat: null);

    private readonly ByteMatcher _matcher;
    private readonly ParserCore _core;

    public RegexpParser(RegexpParserOptions options)
    {
        _matcher = options.Matcher;
        _core = options.Core;
    }

    /// <summary>The compiled expression (the build-time one for a preset's own pattern).</summary>
    internal ByteMatcher Matcher => _matcher;

    /// <summary>A regexp-based parser type: Fluentd's nginx and apache_error only change these defaults.</summary>
    public static PluginDescriptor CreateDescriptor(string type, string description, string? defaultExpression, string? defaultTimeFormat) =>
        new PluginDescriptor<RegexpParserOptions>(
            ParserSpecs.Create(
                type,
                description,
                [
                    new ParamSpec("expression", ParamType.String, "Ruby regexp with named groups, written /.../ with optional flags i, m (dot matches newline) and x.")
                    {
                        Default = defaultExpression,
                        Required = defaultExpression is null,
                    },
                    ParamSpec.Bool("ignorecase", false, "Deprecated in Fluentd (no effect); write /.../i."),
                    ParamSpec.Bool("multiline", false, "Deprecated in Fluentd (no effect); write /.../m."),
                ],
                ParserCommon.Params(timeKey: "time", timeFormat: defaultTimeFormat)),
            validate: Validate,
            build: (options, _) => new RegexpParser(options));

    private static RegexpParserOptions? Validate(SectionConfig cfg, DiagnosticBag diagnostics)
    {
        var matcher = CompileExpression(cfg, diagnostics, "expression");
        var core = ParserCommon.Read(cfg, diagnostics);
        return matcher is null || core is null ? null : new RegexpParserOptions(matcher, core);
    }

    /// <summary>Compiles a regexp parameter, requiring at least one named group as Fluentd does.</summary>
    public static ByteMatcher? CompileExpression(SectionConfig cfg, DiagnosticBag diagnostics, string name)
    {
        var text = cfg.GetString(name);
        if (text is null)
        {
            return null;
        }

        // A preset's own pattern (nginx, apache, apache_error) runs on its build-time regex; a timeout needs a
        // run-time one, since a generated regex fixes its timeout when it is compiled.
        var timeout = cfg.GetTimeOrNull("timeout");
        if (timeout is null && BuiltinRegexes.TryGetMatcher(text, out var builtin))
        {
            return builtin;
        }

        if (!RubyRegex.TryParseLiteral(text, out var regex, out var error, timeout))
        {
            diagnostics.Error(cfg.LocationOf(name), error!);
            return null;
        }

        var matcher = new ByteMatcher(regex!);
        if (!matcher.HasNamedGroups)
        {
            diagnostics.Error(cfg.LocationOf(name), $"no named captures in '{name}': write groups as (?<field>...)");
            return null;
        }

        return matcher;
    }

    public bool Parse(ReadOnlySpan<byte> text, EventTime readTime, Action<EventTime, Record> emit)
    {
        var line = text.ToArray();
        var record = new Record(_matcher.GroupNames.Count);
        if (!_matcher.TryMatch(line, line.Length, record) || !_core.TryFinish(record, readTime, out var time))
        {
            return false;
        }

        emit(time, record);
        return true;
    }
}
