using System.Text;
using Tailship.Config;
using Tailship.Events;
using Tailship.Outputs.Stdout;
using Tailship.Plugins;
using Tailship.Tests.TestSupport;
using Tailship.Text;

namespace Tailship.Tests.Outputs.Stdout;

public sealed class StdoutOutputTests
{
    private static readonly EventTime Time = EventTime.FromSeconds(1_704_103_200, 123_456_789);

    private static async Task<string> WriteAsync(string body, params string[] records)
    {
        var (bound, diagnostics) = PluginHarness.Bind(PluginKind.Output, $"<match **>\n  @type stdout\n{body}\n</match>");
        Assert.True(bound is not null, string.Join("\n", diagnostics.Items));
        var options = (StdoutOptions)bound.Options;
        using var stream = new MemoryStream();
        using var output = new StdoutOutput(new PluginContext(PluginHarness.Registry).CreateNested<IFormatter>(options.Format), stream);
        await output.StartAsync(TestContext.Current.CancellationToken);
        var batch = new EventBatch();
        foreach (var r in records)
        {
            batch.Add(Time, Records.FromJson(r));
        }

        await output.EmitAsync("app.web", batch, TestContext.Current.CancellationToken);
        await output.StopAsync(TestContext.Current.CancellationToken);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    // The stdout formatter always shows local time; the expectation is computed in the same zone.
    private static string LocalTime() =>
        Strftime.Compile("%Y-%m-%d %H:%M:%S.%N %z").Format(CivilTime.From(Time, TimeZones.Local()));

    [Fact]
    public async Task Default_IsTheStdoutFormatOneLinePerEvent()
    {
        var text = await WriteAsync(string.Empty, """{"a":1}""", """{"b":"x"}""");
        Assert.Equal($"{LocalTime()} app.web: {{\"a\":1}}\n{LocalTime()} app.web: {{\"b\":\"x\"}}\n", text);
    }

    [Fact]
    public async Task V012OutputType_IsTheFormatterOutputType()
    {
        var text = await WriteAsync("  output_type hash", """{"a":1}""");
        Assert.Equal($"{LocalTime()} app.web: {{\"a\"=>1}}\n", text);
    }

    [Fact]
    public async Task FormatSection_ChoosesTheFormatter()
    {
        Assert.Equal("{\"a\":1}\n", await WriteAsync("  <format>\n    @type json\n  </format>", """{"a":1}"""));
    }

    [Fact]
    public async Task V012Format_IsTheFormatterType()
    {
        Assert.Equal("{\"a\":1}\n", await WriteAsync("  format json", """{"a":1}"""));
    }

    [Fact]
    public async Task LineEnding_IsAlwaysOneNewline()
    {
        Assert.Equal("x\n", await WriteAsync("  <format>\n    @type single_value\n    add_newline false\n  </format>", """{"message":"x"}"""));
        Assert.Equal("x\n", await WriteAsync("  <format>\n    @type single_value\n    newline crlf\n  </format>", """{"message":"x"}"""));
        Assert.Equal("x\r\n", await WriteAsync("  <format>\n    @type single_value\n  </format>", """{"message":"x\r\r"}"""));
    }

    [Fact]
    public void Chomp_DropsOneLineEnding()
    {
        Assert.Equal("a", Encoding.UTF8.GetString(StdoutOutput.Chomp("a\r\n"u8)));
        Assert.Equal("a\n", Encoding.UTF8.GetString(StdoutOutput.Chomp("a\n\n"u8)));
        Assert.Equal("a", Encoding.UTF8.GetString(StdoutOutput.Chomp("a\r"u8)));
        Assert.Equal("a", Encoding.UTF8.GetString(StdoutOutput.Chomp("a"u8)));
    }

    [Fact]
    public void TopLevelFormatterParameterBesideFormat_IsIgnoredWithAWarning()
    {
        var (bound, diagnostics) = PluginHarness.Bind(PluginKind.Output, "<match **>\n  @type stdout\n  output_type hash\n  <format>\n    @type json\n  </format>\n</match>");
        Assert.NotNull(bound);
        var warning = Assert.Single(diagnostics.Items);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal(3, warning.Location.Line);
    }

    [Fact]
    public void InjectParameters_AreNotImplementedYet()
    {
        var errors = PluginHarness.Errors(PluginKind.Output, "<match **>\n  @type stdout\n  include_time_key true\n</match>");
        Assert.Equal(["3:3: parameter 'include_time_key' is a Fluentd parameter that Tailship does not implement yet"], errors);
    }

    [Fact]
    public void UnknownFormatter_IsReportedAtItsType()
    {
        var errors = PluginHarness.Errors(PluginKind.Output, "<match **>\n  @type stdout\n  <format>\n    @type jsn\n  </format>\n</match>");
        Assert.Equal(["4:11: unknown formatter plugin '@type jsn'; did you mean 'json'?"], errors);
    }
}
