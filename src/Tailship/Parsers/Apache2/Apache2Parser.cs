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

    private static readonly ByteMatcher Matcher = CreateMatcher();

    private readonly ParserCore _core;
    private readonly int _host = Matcher.IndexOf("host");
    private readonly int _user = Matcher.IndexOf("user");
    private readonly int _time = Matcher.IndexOf("time");
    private readonly int _method = Matcher.IndexOf("method");
    private readonly int _path = Matcher.IndexOf("path");
    private readonly int _code = Matcher.IndexOf("code");
    private readonly int _size = Matcher.IndexOf("size");
    private readonly int _referer = Matcher.IndexOf("referer");
    private readonly int _agent = Matcher.IndexOf("agent");

    public Apache2Parser(ParserCore core)
    {
        _core = core;
    }

    public bool Parse(ReadOnlySpan<byte> text, EventTime readTime, Action<EventTime, Record> emit)
    {
        Span<(int Start, int Length)> groups = stackalloc (int, int)[Matcher.GroupNames.Count];
        if (!Matcher.TryMatch(text, groups))
        {
            return false;
        }

        var (ts, tl) = groups[_time];
        if (!_core.Time.TryParse(text.Slice(ts, tl), readTime, out var time))
        {
            return false;
        }

        var line = text.ToArray();
        var record = new Record(9);
        record.Append("host", DashIsNull(line, groups[_host]));
        record.Append("user", DashIsNull(line, groups[_user]));
        record.Append("method", Field(line, groups[_method]));
        record.Append("path", Field(line, groups[_path]));
        var code = groups[_code].Start < 0 ? 0 : RubyNumbers.ToI(text.Slice(groups[_code].Start, groups[_code].Length));
        record.Append("code", code == 0 ? RecordValue.Null : RecordValue.From(code));
        var size = groups[_size];
        record.Append("size", size.Start < 0 || text.Slice(size.Start, size.Length).SequenceEqual("-"u8)
            ? RecordValue.Null
            : RecordValue.From(RubyNumbers.ToI(text.Slice(size.Start, size.Length))));
        record.Append("referer", DashIsNull(line, groups[_referer]));
        record.Append("agent", DashIsNull(line, groups[_agent]));
        if (_core.KeepTimeKey)
        {
            record.Append("time", Field(line, groups[_time]));
        }

        emit(time, record);
        return true;
    }

    private static RecordValue Field(byte[] line, (int Start, int Length) g) =>
        g.Start < 0 ? RecordValue.Null : RecordValue.FromUtf8(line, g.Start, g.Length);

    private static RecordValue DashIsNull(byte[] line, (int Start, int Length) g) =>
        g.Start < 0 || (g.Length == 1 && line[g.Start] == '-') ? RecordValue.Null : RecordValue.FromUtf8(line, g.Start, g.Length);

    private static ByteMatcher CreateMatcher() =>
        RubyRegex.TryParseLiteral(Expression, out var regex, out var error)
            ? new ByteMatcher(regex!)
            : throw new InvalidOperationException(error);
}
