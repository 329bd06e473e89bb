using System.Text.RegularExpressions;
using Tailship.Parsers.Apache;
using Tailship.Parsers.Apache2;
using Tailship.Parsers.ApacheError;
using Tailship.Parsers.Nginx;
using Tailship.Parsers.Syslog;

namespace Tailship.Parsers;

/// <summary>
/// Fluentd's fixed parser patterns (apache2, apache, nginx, apache_error, syslog), compiled to C# at build time by the
/// regex source generator. Under Native AOT a <see cref="Regex"/> built at run time is always interpreted
/// (<see cref="RegexOptions.Compiled"/> is ignored); these are not. Each pattern string below is the .NET translation
/// that <see cref="RubyRegex"/> makes of Fluentd's Ruby literal, and a unit test asserts they are equal (pattern and
/// options), so the two cannot drift apart. apache2 and nginx also get a <see cref="CombinedLogScanner"/> in front of the
/// regex. A user-written expression stays on the run-time <see cref="Regex"/>, unless it is one of these literals verbatim.
/// </summary>
internal static partial class BuiltinRegexes
{
    /// <summary>What <see cref="RubyRegex"/> gives for a literal without flags (minus Compiled, which AOT ignores).</summary>
    internal const RegexOptions Options = RegexOptions.Multiline | RegexOptions.ExplicitCapture | RegexOptions.CultureInvariant;

    /// <summary>The same for a literal with Ruby's <c>m</c> flag.</summary>
    internal const RegexOptions DotAllOptions = Options | RegexOptions.Singleline;

    private static readonly Lazy<Dictionary<string, ByteMatcher>> Matchers = new(CreateMatchers);

    /// <summary>Every Fluentd literal with its build-time regex, for the parity test and the lookup.</summary>
    internal static IReadOnlyList<(string Literal, Regex Regex)> All { get; } =
    [
        (Apache2Parser.Expression, Apache2()),
        (ApacheParser.Expression, Apache()),
        (NginxParser.Expression, Nginx()),
        (ApacheErrorParser.Expression, ApacheError()),
        (SyslogParser.Rfc3164Expression, SyslogRfc3164()),
        (SyslogParser.Rfc3164WithPriorityExpression, SyslogRfc3164WithPriority()),
        (SyslogParser.Rfc5424Expression, SyslogRfc5424()),
        (SyslogParser.Rfc5424WithPriorityExpression, SyslogRfc5424WithPriority()),
    ];

    /// <summary>The shared matcher of a built-in literal, or false when <paramref name="literal"/> is not one of them.</summary>
    public static bool TryGetMatcher(string literal, out ByteMatcher? matcher) => Matchers.Value.TryGetValue(literal, out matcher);

    /// <summary>The shared matcher of a built-in literal; throws for any other text (a programming error).</summary>
    public static ByteMatcher Matcher(string literal) =>
        TryGetMatcher(literal, out var matcher) ? matcher! : throw new InvalidOperationException($"not a built-in pattern: {literal}");

    [GeneratedRegex("""^(?<host>[^ ]*) [^ ]* (?<user>[^ ]*) \[(?<time>[^\]]*)\] "(?<method>[^ \t\n\v\f\r]+)(?: +(?<path>(?:[^\"]|\\.)*?)(?: +[^ \t\n\v\f\r]*)?)?" (?<code>[^ ]*) (?<size>[^ ]*)(?: "(?<referer>(?:[^\"]|\\.)*)" "(?<agent>(?:[^\"]|\\.)*)")?$""", Options)]
    internal static partial Regex Apache2();

    [GeneratedRegex("""^(?<host>[^ ]*) [^ ]* (?<user>[^ ]*) \[(?<time>[^\]]*)\] "(?<method>[^ \t\n\v\f\r]+)(?: +(?<path>[^ ]*) +[^ \t\n\v\f\r]*)?" (?<code>[^ ]*) (?<size>[^ ]*)(?: "(?<referer>[^\"]*)" "(?<agent>[^\"]*)")?$""", Options)]
    internal static partial Regex Apache();

    [GeneratedRegex("""^(?<remote>[^ ]*) (?<host>[^ ]*) (?<user>[^ ]*) \[(?<time>[^\]]*)\] "(?<method>[^ \t\n\v\f\r]+)(?: +(?<path>[^\"]*?)(?: +[^ \t\n\v\f\r]*)?)?" (?<code>[^ ]*) (?<size>[^ ]*)(?: "(?<referer>[^\"]*)" "(?<agent>[^\"]*)"(?:[ \t\n\v\f\r]+(?<http_x_forwarded_for>[^ ]+))?)?$""", Options)]
    internal static partial Regex Nginx();

    [GeneratedRegex("""^\[[^ ]* (?<time>[^\]]*)\] \[(?<level>[^\]]*)\](?: \[pid (?<pid>[^\]]*)\])?( \[client (?<client>[^\]]*)\])? (?<message>.*)$""", Options)]
    internal static partial Regex ApacheError();

    [GeneratedRegex("""^(?<time>[^ ]*[ \t\n\v\f\r]*[^ ]* [^ ]*) (?<host>[^ ]*) (?<ident>[^ :\[]*)(?:\[(?<pid>[0-9]+)\])?(?:[^\:]*\:)? *(?<message>.*)$""", Options)]
    internal static partial Regex SyslogRfc3164();

    [GeneratedRegex("""^\<(?<pri>[0-9]+)\>(?<time>[^ ]* {1,2}[^ ]* [^ ]*) (?<host>[^ ]*) (?<ident>[^ :\[]*)(?:\[(?<pid>[0-9]+)\])?(?:[^\:]*\:)? *(?<message>.*)$""", Options)]
    internal static partial Regex SyslogRfc3164WithPriority();

    [GeneratedRegex("""\A(?<time>[^ ]+) (?<host>[!-~]{1,255}) (?<ident>[!-~]{1,48}) (?<pid>[!-~]{1,128}) (?<msgid>[!-~]{1,32}) (?<extradata>(?:\-|(?:\[.*?(?<!\\)\])+))(?: (?<message>.+))?\z""", DotAllOptions)]
    internal static partial Regex SyslogRfc5424();

    [GeneratedRegex("""\A<(?<pri>[0-9]{1,3})\>[1-9][0-9]{0,2} (?<time>[^ ]+) (?<host>[!-~]{1,255}) (?<ident>[!-~]{1,48}) (?<pid>[!-~]{1,128}) (?<msgid>[!-~]{1,32}) (?<extradata>(?:\-|(?:\[.*?(?<!\\)\])+))(?: (?<message>.+))?\z""", DotAllOptions)]
    internal static partial Regex SyslogRfc5424WithPriority();

    private static Dictionary<string, ByteMatcher> CreateMatchers()
    {
        var matchers = new Dictionary<string, ByteMatcher>(StringComparer.Ordinal);
        foreach (var (literal, regex) in All)
        {
            var scanner = literal switch
            {
                Apache2Parser.Expression => CombinedLogScanner.Apache2,
                NginxParser.Expression => CombinedLogScanner.Nginx,
                _ => null,
            };
            matchers[literal] = new ByteMatcher(regex, scanner);
        }

        return matchers;
    }
}
