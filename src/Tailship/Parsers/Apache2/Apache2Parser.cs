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

    // Fluentd's groups, in pattern order (the scanner's and the regex's order).
    private const int Host = 0;
    private const int User = 1;
    private const int Time = 2;
    private const int Method = 3;
    private const int Path = 4;
    private const int Code = 5;
    private const int Size = 6;
    private const int Referer = 7;
    private const int Agent = 8;

    /// <summary>The scanner and, for the lines it declines, the build-time regex.</summary>
    internal static ByteMatcher Matcher { get; } = BuiltinRegexes.Matcher(Expression);

    public bool Parse(ReadOnlySpan<byte> text, EventTime readTime, Action<EventTime, Record> emit)
    {
        // The matcher tries its scanner first, then the build-time regex.
        Span<(int Start, int Length)> groups = stackalloc (int, int)[9];
        if (!Matcher.TryMatch(text, groups))
        {
            return false;
        }

        var (ts, tl) = groups[Time];
        if (!_core.Time.TryParse(text.Slice(ts, tl), readTime, out var time))
        {
            return false;
        }

        var line = text.ToArray();
        var record = new Record(9);
        record.Append("host", DashIsNull(line, groups[Host]));
        record.Append("user", DashIsNull(line, groups[User]));
        record.Append("method", Field(line, groups[Method]));
        record.Append("path", Field(line, groups[Path]));
        var code = groups[Code].Start < 0 ? 0 : RubyNumbers.ToI(text.Slice(groups[Code].Start, groups[Code].Length));
        record.Append("code", code == 0 ? RecordValue.Null : RecordValue.From(code));
        var size = groups[Size];
        record.Append("size", size.Start < 0 || text.Slice(size.Start, size.Length).SequenceEqual("-"u8)
            ? RecordValue.Null
            : RecordValue.From(RubyNumbers.ToI(text.Slice(size.Start, size.Length))));
        record.Append("referer", DashIsNull(line, groups[Referer]));
        record.Append("agent", DashIsNull(line, groups[Agent]));
        if (_core.KeepTimeKey)
        {
            record.Append("time", Field(line, groups[Time]));
        }

        emit(time, record);
        return true;
    }

    private static RecordValue Field(byte[] line, (int Start, int Length) g) =>
        g.Start < 0 ? RecordValue.Null : RecordValue.FromUtf8(line, g.Start, g.Length);

    private static RecordValue DashIsNull(byte[] line, (int Start, int Length) g) =>
        g.Start < 0 || (g.Length == 1 && line[g.Start] == '-') ? RecordValue.Null : RecordValue.FromUtf8(line, g.Start, g.Length);
}
