using Tailship.Events;
using Tailship.Plugins;
using Tailship.Text;

namespace Tailship.Parsers.Apache2;

internal sealed record Apache2ParserOptions(ParserCore Core);

/// <summary>
/// <c>@type apache2</c>: Apache's combined access log. As in Fluentd, the fields are always host, user, method,
/// path, code, size, referer, agent in that order; <c>-</c> becomes null, <c>code</c> and <c>size</c> are integers
/// (a code of 0 is null), and the time is <c>%d/%b/%Y:%H:%M:%S %z</c>. <c>types</c> and null options do not apply.
/// </summary>
internal sealed class Apache2Parser : IParser
{
    public const string Expression =
        """/^(?<host>[^ ]*) [^ ]* (?<user>[^ ]*) \[(?<time>[^\]]*)\] "(?<method>\S+)(?: +(?<path>(?:[^\"]|\\.)*?)(?: +\S*)?)?" (?<code>[^ ]*) (?<size>[^ ]*)(?: "(?<referer>(?:[^\"]|\\.)*)" "(?<agent>(?:[^\"]|\\.)*)")?$/""";

    public const string TimeFormat = "%d/%b/%Y:%H:%M:%S %z";

    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<Apache2ParserOptions>(
        ParserSpecs.Create("apache2", "Parses Apache combined access logs.", [], ParserCommon.Params()),
        validate: (cfg, diags) => ParserCommon.Read(cfg, diags, forcedTimeFormat: TimeFormat) is { } core ? new Apache2ParserOptions(core) : null,
        build: (options, _) => new Apache2Parser(options.Core));

    private readonly ParserCore _core;

    public Apache2Parser(ParserCore core)
    {
        _core = core;
    }

    /// <summary>The build-time regex, for the lines <see cref="Apache2Scanner"/> declines.</summary>
    internal static ByteMatcher Matcher => BuiltinRegexes.Matcher(Expression);

    public bool Parse(ReadOnlySpan<byte> text, EventTime readTime, Action<EventTime, Record> emit)
    {
        // The scanner and the regex fill the groups in the same (pattern) order; a test checks it.
        Span<(int Start, int Length)> groups = stackalloc (int, int)[Apache2Scanner.GroupNames.Length];
        if (!Apache2Scanner.TryScan(text, groups) && !Matcher.TryMatch(text, groups))
        {
            return false;
        }

        var (ts, tl) = groups[Apache2Scanner.Time];
        if (!_core.Time.TryParse(text.Slice(ts, tl), readTime, out var time))
        {
            return false;
        }

        var line = text.ToArray();
        var record = new Record(9);
        record.Append("host", DashIsNull(line, groups[Apache2Scanner.Host]));
        record.Append("user", DashIsNull(line, groups[Apache2Scanner.User]));
        record.Append("method", Field(line, groups[Apache2Scanner.Method]));
        record.Append("path", Field(line, groups[Apache2Scanner.Path]));
        var code = groups[Apache2Scanner.Code].Start < 0 ? 0 : RubyNumbers.ToI(text.Slice(groups[Apache2Scanner.Code].Start, groups[Apache2Scanner.Code].Length));
        record.Append("code", code == 0 ? RecordValue.Null : RecordValue.From(code));
        var size = groups[Apache2Scanner.Size];
        record.Append("size", size.Start < 0 || text.Slice(size.Start, size.Length).SequenceEqual("-"u8)
            ? RecordValue.Null
            : RecordValue.From(RubyNumbers.ToI(text.Slice(size.Start, size.Length))));
        record.Append("referer", DashIsNull(line, groups[Apache2Scanner.Referer]));
        record.Append("agent", DashIsNull(line, groups[Apache2Scanner.Agent]));
        if (_core.KeepTimeKey)
        {
            record.Append("time", Field(line, groups[Apache2Scanner.Time]));
        }

        emit(time, record);
        return true;
    }

    private static RecordValue Field(byte[] line, (int Start, int Length) g) =>
        g.Start < 0 ? RecordValue.Null : RecordValue.FromUtf8(line, g.Start, g.Length);

    private static RecordValue DashIsNull(byte[] line, (int Start, int Length) g) =>
        g.Start < 0 || (g.Length == 1 && line[g.Start] == '-') ? RecordValue.Null : RecordValue.FromUtf8(line, g.Start, g.Length);
}
