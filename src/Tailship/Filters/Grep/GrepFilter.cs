using System.Buffers;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;
using Tailship.Text;

namespace Tailship.Filters.Grep;

/// <summary>
/// <c>@type grep</c>: keeps or drops events by regular expressions on record values, as Fluentd's filter_grep.
/// A key that is absent (or null) is matched as the empty string; other values as Ruby's <c>to_s</c> shows them
/// (a hash as <c>{"k"=>"v"}</c>); invalid UTF-8 is matched with each bad sequence read as <c>?</c>. A key path
/// that runs into a value it cannot enter keeps the event and logs a warning, as Fluentd does.
/// </summary>
internal sealed partial class GrepFilter : IFilter
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<GrepOptions>(
        new PluginSpec(PluginKind.Filter, "grep", new SectionSpec("filter", "Keeps or drops events by regular expressions on record values.")
        {
            Params = [.. LegacyParams()],
            Sections =
            [
                ConditionSection("regexp", "Keeps only events whose value at 'key' matches 'pattern'. Several <regexp> must all match."),
                ConditionSection("exclude", "Drops events whose value at 'key' matches 'pattern'. Several <exclude>: any match drops."),
                GroupSection("and", "Conditions combined with AND: every <regexp> must match, or the event is dropped when every <exclude> matches."),
                GroupSection("or", "Conditions combined with OR: one <regexp> must match, or the event is dropped when one <exclude> matches."),
            ],
        }),
        validate: GrepOptions.Validate,
        build: (options, context) => new GrepFilter(options, context.CreateLogger("Tailship.Filters.Grep")));

    private readonly GrepOptions _options;
    private readonly ILogger _logger;
    private readonly Func<Event, bool> _drop;

    public GrepFilter(GrepOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _drop = e => !Keep(e.Record);
    }

    public EventBatch Filter(string tag, EventBatch batch)
    {
        batch.RemoveWhere(_drop);
        return batch;
    }

    /// <summary>Fluentd's order: regexp AND, regexp OR, exclude AND, exclude OR, each short-circuiting.</summary>
    internal bool Keep(Record record)
    {
        if (_options.RegexpAnd is { } regexpAnd)
        {
            switch (AllMatch(regexpAnd, record))
            {
                case null:
                    return true;
                case false:
                    return false;
            }
        }

        if (_options.RegexpOr is { } regexpOr)
        {
            switch (AnyMatches(regexpOr, record))
            {
                case null:
                    return true;
                case false:
                    return false;
            }
        }

        if (_options.ExcludeAnd is { } excludeAnd)
        {
            switch (AllMatch(excludeAnd, record))
            {
                case null:
                    return true;
                case true:
                    return false;
            }
        }

        if (_options.ExcludeOr is { } excludeOr)
        {
            switch (AnyMatches(excludeOr, record))
            {
                case null:
                    return true;
                case true:
                    return false;
            }
        }

        return true;
    }

    // Whether every expression matches, stopping at the first that does not; null when one could not be evaluated.
    private bool? AllMatch(IReadOnlyList<GrepExpression> expressions, Record record)
    {
        foreach (var x in expressions)
        {
            var m = Match(x, record);
            if (m != true)
            {
                return m;
            }
        }

        return true;
    }

    // Whether one expression matches, stopping at the first that does; null when one could not be evaluated.
    private bool? AnyMatches(IReadOnlyList<GrepExpression> expressions, Record record)
    {
        foreach (var x in expressions)
        {
            var m = Match(x, record);
            if (m != false)
            {
                return m;
            }
        }

        return false;
    }

    /// <summary>Whether the expression matches; null when the key path cannot be followed (Ruby raises there).</summary>
    private bool? Match(GrepExpression expression, Record record)
    {
        switch (expression.Key.Dig(record, out var value))
        {
            case DigResult.Missing:
                return expression.Pattern.IsMatch(string.Empty);
            case DigResult.NotDiggable:
                LogNotDiggable(_logger, expression.KeyText);
                return null;
        }

        if (value.Kind != RecordValueKind.String)
        {
            return expression.Pattern.IsMatch(RubyConversions.ToS(value));
        }

        if (!value.IsUtf8Bytes)
        {
            return expression.Pattern.IsMatch(value.AsString!);
        }

        return IsMatchUtf8(expression.Pattern, value.Utf8);
    }

    private static bool IsMatchUtf8(Regex pattern, ReadOnlySpan<byte> utf8)
    {
        var chars = ArrayPool<char>.Shared.Rent(RubyConversions.ScrubbingUtf8.GetMaxCharCount(utf8.Length));
        try
        {
            var count = RubyConversions.ScrubbingUtf8.GetChars(utf8, chars);
            return pattern.IsMatch(chars.AsSpan(0, count));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static IEnumerable<ParamSpec> LegacyParams()
    {
        for (var i = 1; i <= GrepOptions.LegacyCount; i++)
        {
            yield return ParamSpec.String($"regexp{i}", null, "Deprecated (use <regexp>): 'KEY PATTERN'; keeps events whose KEY matches PATTERN.");
        }

        for (var i = 1; i <= GrepOptions.LegacyCount; i++)
        {
            yield return ParamSpec.String($"exclude{i}", null, "Deprecated (use <exclude>): 'KEY PATTERN'; drops events whose KEY matches PATTERN.");
        }
    }

    private static SectionSpec ConditionSection(string name, string description) => new(name, description)
    {
        Multiple = true,
        Params =
        [
            new ParamSpec("key", ParamType.String, "The record key to test: a top-level name, or a record accessor such as $.a.b or $['a']['b'].") { Required = true },
            new ParamSpec("pattern", ParamType.String, "The regular expression, /re/ with optional flags i and m, or a bare pattern.") { Required = true },
        ],
    };

    private static SectionSpec GroupSection(string name, string description) => new(name, description)
    {
        Multiple = true,
        Sections =
        [
            ConditionSection("regexp", $"A condition that must match, combined with the others of this <{name}>."),
            ConditionSection("exclude", $"A condition that drops the event, combined with the others of this <{name}>."),
        ],
    };

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "failed to grep events: key '{Key}' leads into a value that is neither a hash nor an array; the event is kept")]
    private static partial void LogNotDiggable(ILogger logger, string key);
}
