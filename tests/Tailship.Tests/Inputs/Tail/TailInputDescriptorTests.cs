using Tailship.Config;
using Tailship.Inputs.Tail;

namespace Tailship.Tests.Inputs.Tail;

public sealed class TailInputDescriptorTests
{
    private static (BoundPlugin? Bound, DiagnosticBag Diagnostics) Bind(params (string Key, string Value)[] parameters)
    {
        var diagnostics = new DiagnosticBag();
        return (TailHarness.Bind(TailHarness.Section(parameters), diagnostics), diagnostics);
    }

    [Fact]
    public void V012FormatNone_RewrittenToParseSection()
    {
        var section = TailHarness.Section(("path", "/x.log"), ("tag", "t"), ("format", "none"));
        var diagnostics = new DiagnosticBag();
        var bound = TailHarness.Bind(section, diagnostics);
        Assert.False(diagnostics.HasErrors, string.Join("\n", diagnostics.Items));
        var parse = Assert.Single(section.Sections);
        Assert.Equal("parse", parse.Name);
        Assert.Equal("none", parse.Type);
        Assert.Null(section.Find("format"));
        Assert.Equal("none", ((TailOptions)bound!.Options).Parse.Plugin!.Descriptor.Spec.Type);
    }

    [Fact]
    public void V012FormatRegex_BecomesRegexpParserWithParserParamsMoved()
    {
        var loc = new SourceLocation("t", 1, 1);
        var section = new ConfigSection("source", string.Empty, loc);
        section.Params.Add(new ConfigParam("format", "/^(?<message>.*)$/i", loc, loc));
        section.Params.Add(new ConfigParam("time_format", "%d", loc, loc));
        section.Params.Add(new ConfigParam("path", "/x", loc, loc));
        TailInput.Descriptor.Normalize(section, new DiagnosticBag());
        var parse = Assert.Single(section.Sections);
        Assert.Equal("regexp", parse.Type);
        Assert.Equal("/^(?<message>.*)$/i", parse.Find("expression")!.Value);
        Assert.Equal("%d", parse.Find("time_format")!.Value);
        Assert.Null(section.Find("time_format"));
        Assert.NotNull(section.Find("path"));
    }

    [Fact]
    public void FormatAndParseTogether_IsAnError()
    {
        var section = TailHarness.Section(("path", "/x.log"), ("tag", "t"));
        var loc = new SourceLocation("t", 3, 3);
        section.Params.Add(new ConfigParam("format", "json", loc, loc));
        var diagnostics = new DiagnosticBag();
        TailHarness.Bind(section, diagnostics);
        Assert.Contains(diagnostics.Items, d => d.Message.Contains("'format' and <parse>", StringComparison.Ordinal) && d.Location == loc);
    }

    [Fact]
    public void Defaults_AreFluentds()
    {
        var (bound, diagnostics) = Bind(("path", "/x.log"), ("tag", "t"));
        Assert.False(diagnostics.HasErrors);
        var o = (TailOptions)bound!.Options;
        Assert.False(o.ReadFromHead);
        Assert.Equal(TimeSpan.FromSeconds(60), o.RefreshInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), o.RotateWait);
        Assert.Equal(1000, o.ReadLinesLimit);
        Assert.False(o.FollowInodes);
        Assert.True(o.EnableWatchTimer);
        Assert.True(o.EnableStatWatcher);
        Assert.Equal(0, o.MaxLineSize);
        Assert.Null(o.PosFile);
    }

    [Theory]
    [InlineData("enable_watch_timer", "false", "enable_stat_watcher", "false", "both false")]
    [InlineData("from_encoding", "Shift_JIS", "read_from_head", "true", "from_encoding needs encoding")]
    [InlineData("encoding", "UTF-8", "from_encoding", "UTF-16LE", "not ASCII-compatible")]
    [InlineData("read_lines_limit", "0", "read_from_head", "true", "at least 1")]
    [InlineData("path_timezone", "Mars/Base", "read_from_head", "true", "unknown time zone")]
    public void InvalidCombinations_AreReported(string k1, string v1, string k2, string v2, string message)
    {
        var (bound, diagnostics) = Bind(("path", "/x.log"), ("tag", "t"), (k1, v1), (k2, v2));
        Assert.Null(bound);
        Assert.Contains(diagnostics.Items, d => d.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void MissingParse_AndUnknownKey_AreReportedTogether()
    {
        var loc = new SourceLocation("t", 1, 1);
        var section = new ConfigSection("source", string.Empty, loc);
        section.Params.Add(new ConfigParam("@type", "tail", loc, loc));
        section.Params.Add(new ConfigParam("path", "/x", loc, loc));
        section.Params.Add(new ConfigParam("tag", "t", loc, loc));
        section.Params.Add(new ConfigParam("read_form_head", "true", loc, loc));
        var diagnostics = new DiagnosticBag();
        Assert.Null(TailHarness.Bind(section, diagnostics));
        Assert.Contains(diagnostics.Items, d => d.Message.Contains("did you mean 'read_from_head'", StringComparison.Ordinal));
        Assert.Contains(diagnostics.Items, d => d.Message.Contains("<parse>", StringComparison.Ordinal));
    }

    [Fact]
    public void SmallReadBytesLimit_RaisedTo8192WithWarning()
    {
        var (bound, diagnostics) = Bind(("path", "/x.log"), ("tag", "t"), ("read_bytes_limit_per_second", "100"));
        Assert.Equal(8192, ((TailOptions)bound!.Options).ReadBytesLimitPerSecond);
        Assert.Contains(diagnostics.Items, d => d.Severity == DiagnosticSeverity.Warning);
    }
}
