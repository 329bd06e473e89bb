using System.Text.RegularExpressions;
using Tailship.Config;
using Tailship.Text;

namespace Tailship.Filters.Grep;

/// <summary>One condition: the value at <see cref="Key"/>, as Ruby's <c>to_s</c> shows it, matched by <see cref="Pattern"/>.</summary>
public sealed record GrepExpression(string KeyText, Regex Pattern)
{
    internal RecordAccessor Key { get; init; } = RecordAccessor.Plain(KeyText);
}

/// <summary>
/// The four condition lists of Fluentd's grep, each null when empty. An event is dropped when any
/// <see cref="RegexpAnd"/> fails, when no <see cref="RegexpOr"/> matches, when every <see cref="ExcludeAnd"/>
/// matches, or when any <see cref="ExcludeOr"/> matches.
/// </summary>
public sealed record GrepOptions(
    IReadOnlyList<GrepExpression>? RegexpAnd,
    IReadOnlyList<GrepExpression>? RegexpOr,
    IReadOnlyList<GrepExpression>? ExcludeAnd,
    IReadOnlyList<GrepExpression>? ExcludeOr)
{
    /// <summary>How many <c>regexpN</c> and <c>excludeN</c> parameters Fluentd reads.</summary>
    internal const int LegacyCount = 20;

    internal static GrepOptions? Validate(SectionConfig cfg, DiagnosticBag diagnostics)
    {
        var regexpAnd = new Conditions();
        var regexpOr = new Conditions();
        var excludeAnd = new Conditions();
        var excludeOr = new Conditions();

        for (var i = 1; i <= LegacyCount; i++)
        {
            AddLegacy(cfg, $"regexp{i}", regexpAnd, diagnostics);
        }

        for (var i = 1; i <= LegacyCount; i++)
        {
            AddLegacy(cfg, $"exclude{i}", excludeOr, diagnostics);
        }

        foreach (var section in cfg.GetSections("regexp"))
        {
            Add(section, regexpAnd, "Duplicate key", diagnostics);
        }

        foreach (var section in cfg.GetSections("exclude"))
        {
            Add(section, excludeOr, "Duplicate key", diagnostics);
        }

        foreach (var and in cfg.GetSections("and"))
        {
            AddGroup(and, "and", regexpAnd, excludeAnd, diagnostics);
        }

        foreach (var or in cfg.GetSections("or"))
        {
            AddGroup(or, "or", regexpOr, excludeOr, diagnostics);
        }

        if (diagnostics.HasErrors)
        {
            return null;
        }

        return new GrepOptions(regexpAnd.ToListOrNull(), regexpOr.ToListOrNull(), excludeAnd.ToListOrNull(), excludeOr.ToListOrNull());
    }

    private static void AddGroup(SectionConfig group, string name, Conditions regexps, Conditions excludes, DiagnosticBag diagnostics)
    {
        var r = group.GetSections("regexp");
        var e = group.GetSections("exclude");
        if (r.Count > 0 && e.Count > 0)
        {
            diagnostics.Error(group.Location, $"do not specify both <regexp> and <exclude> in <{name}>: write one <{name}> for each");
            return;
        }

        foreach (var section in r)
        {
            Add(section, regexps, $"Duplicate key in <{name}>", diagnostics);
        }

        foreach (var section in e)
        {
            Add(section, excludes, $"Duplicate key in <{name}>", diagnostics);
        }
    }

    private static void Add(SectionConfig section, Conditions target, string duplicateMessage, DiagnosticBag diagnostics)
    {
        var key = section.GetRequiredString("key");
        var accessor = ParseKey(key, section.LocationOf("key"), diagnostics);
        var pattern = section.GetRequiredString("pattern");
        if (!RubyRegexp.TryParseConfigValue(pattern, out var regex, out var error))
        {
            diagnostics.Error(section.LocationOf("pattern"), $"parameter 'pattern': {error}");
            return;
        }

        if (accessor is null)
        {
            return;
        }

        if (!target.TryAdd(new GrepExpression(key, regex!) { Key = accessor }))
        {
            diagnostics.Error(section.LocationOf("key"), $"{duplicateMessage}: {key}");
        }
    }

    // regexpN / excludeN: "KEY PATTERN", split at the first space; the pattern is taken as written (no /.../).
    private static void AddLegacy(SectionConfig cfg, string name, Conditions target, DiagnosticBag diagnostics)
    {
        if (!cfg.IsSet(name))
        {
            return;
        }

        var value = cfg.GetRequiredString(name);
        var location = cfg.LocationOf(name);
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0)
        {
            diagnostics.Error(location, $"{name} does not contain 2 parameters: write '{name} KEY PATTERN'");
            return;
        }

        var key = value[..space];
        var accessor = ParseKey(key, location, diagnostics);
        if (!RubyRegexp.TryCompile(value[(space + 1)..], ignoreCase: false, dotAll: false, out var regex, out var error))
        {
            diagnostics.Error(location, $"parameter '{name}': {error}");
            return;
        }

        if (accessor is not null && !target.TryAdd(new GrepExpression(key, regex!) { Key = accessor }))
        {
            diagnostics.Error(location, $"{name} contains a duplicated key, {key}");
        }
    }

    private static RecordAccessor? ParseKey(string key, SourceLocation location, DiagnosticBag diagnostics)
    {
        if (RecordAccessor.TryParse(key, out var accessor, out var error))
        {
            return accessor;
        }

        diagnostics.Error(location, $"parameter 'key': {error}");
        return null;
    }

    // Conditions keyed by the key as written, in the order they were given (Fluentd keeps them in a Hash).
    private sealed class Conditions
    {
        private readonly List<GrepExpression> _items = [];

        public bool TryAdd(GrepExpression expression)
        {
            if (_items.Exists(x => x.KeyText == expression.KeyText))
            {
                return false;
            }

            _items.Add(expression);
            return true;
        }

        public GrepExpression[]? ToListOrNull() => _items.Count == 0 ? null : _items.ToArray();
    }
}
