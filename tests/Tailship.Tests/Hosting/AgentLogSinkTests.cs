using System.Text.Json;
using Microsoft.Extensions.Logging;
using Tailship.Hosting;

namespace Tailship.Tests.Hosting;

public sealed class AgentLogSinkTests
{
    private static readonly DateTimeOffset Instant = new(2026, 11, 26, 1, 20, 0, TimeSpan.Zero);

    private static (AgentLogSink Sink, CapturingStream Output) Create(AgentLogFormat format, LogLevel level = LogLevel.Information, TimeSpan offset = default)
    {
        var output = new CapturingStream();
        return (new AgentLogSink(output, ownsOutput: true, new FixedTimeProvider(Instant, offset), level, format), output);
    }

    [Fact]
    public void Text_IsFluentdsLineLayout()
    {
        var (sink, output) = Create(AgentLogFormat.Text);
        using (sink)
        {
            sink.Write(LogLevel.Information, "following tail of /var/log/1.log", null);
            sink.Write(LogLevel.Warning, "pattern not matched", null);
        }

        Assert.Equal("2026-11-26 01:20:00 +0000 [info]: following tail of /var/log/1.log\n2026-11-26 01:20:00 +0000 [warn]: pattern not matched\n", output.Text);
    }

    [Theory]
    [InlineData(9, 0, "2026-11-26 10:20:00 +0900")]
    [InlineData(-3, -30, "2026-11-25 21:50:00 -0330")]
    [InlineData(5, 30, "2026-11-26 06:50:00 +0530")]
    public void Text_TimeIsLocalWithNumericOffset(int hours, int minutes, string expected)
    {
        var (sink, output) = Create(AgentLogFormat.Text, offset: new TimeSpan(hours, minutes, 0));
        using (sink)
        {
            sink.Write(LogLevel.Error, "x", null);
        }

        Assert.StartsWith(expected + " [error]: x", output.Text);
    }

    [Fact]
    public void Json_IsOneObjectPerLineWithTimeLevelMessage()
    {
        var (sink, output) = Create(AgentLogFormat.Json);
        using (sink)
        {
            sink.Write(LogLevel.Information, "path=\"/var/log/é.log\" <ok>", null);
            sink.Write(LogLevel.Critical, "multi\nline", null);
        }

        Assert.Equal(
            "{\"time\":\"2026-11-26 01:20:00 +0000\",\"level\":\"info\",\"message\":\"path=\\\"/var/log/é.log\\\" <ok>\"}\n"
            + "{\"time\":\"2026-11-26 01:20:00 +0000\",\"level\":\"fatal\",\"message\":\"multi\\nline\"}\n",
            output.Text);
    }

    [Fact]
    public void Json_Exception_HasClassMessageAndBacktrace()
    {
        var (sink, output) = Create(AgentLogFormat.Json);
        using (sink)
        {
            sink.Write(LogLevel.Error, "flush failed", Thrown(new IOException("disk full")));
        }

        using var doc = JsonDocument.Parse(output.Lines.Single());
        Assert.Equal("System.IO.IOException", doc.RootElement.GetProperty("error_class").GetString());
        Assert.Equal("disk full", doc.RootElement.GetProperty("error").GetString());
        Assert.Contains(doc.RootElement.GetProperty("backtrace").EnumerateArray(), f => f.GetString()!.Contains(nameof(Thrown), StringComparison.Ordinal));
    }

    [Fact]
    public void Text_WarningWithException_HasClassAndMessageButNoStackUnlessDebugging()
    {
        var (sink, output) = Create(AgentLogFormat.Text);
        using (sink)
        {
            sink.Write(LogLevel.Warning, "retrying", Thrown(new IOException("slow \"disk\"")));
        }

        Assert.Equal("2026-11-26 01:20:00 +0000 [warn]: retrying error_class=System.IO.IOException error=\"slow \\\"disk\\\"\"\n", output.Text);
    }

    [Fact]
    public void Level_FiltersBelowAndCanChange()
    {
        var (sink, output) = Create(AgentLogFormat.Text, LogLevel.Warning);
        using (sink)
        {
            sink.Write(LogLevel.Information, "hidden", null);
            sink.Write(LogLevel.Warning, "shown", null);
            sink.Level = LogLevel.Debug;
            sink.Write(LogLevel.Debug, "now shown", null);
            sink.Write(LogLevel.Trace, "still hidden", null);
        }

        Assert.Equal(["shown", "now shown"], output.Lines.Select(l => l[(l.IndexOf("]: ", StringComparison.Ordinal) + 3)..]));
    }

    [Fact]
    public void Forward_GetsEachWrittenMessageOnce_EvenWhenItLogsItself()
    {
        var (sink, output) = Create(AgentLogFormat.Text);
        var forwarded = new List<(LogLevel, string)>();
        using (sink)
        {
            sink.Forward = (level, message) =>
            {
                forwarded.Add((level, message));
                sink.Write(LogLevel.Warning, "emitted while routing", null);
            };
            sink.Write(LogLevel.Information, "one", null);
            sink.Write(LogLevel.Debug, "below the level", null);
        }

        Assert.Equal([(LogLevel.Information, "one")], forwarded);
        Assert.Equal(2, output.Lines.Count);
    }

    [Fact]
    public void Forward_Throwing_IsReportedOnceAndDetached()
    {
        var (sink, output) = Create(AgentLogFormat.Text);
        var calls = 0;
        using (sink)
        {
            sink.Forward = (_, _) =>
            {
                calls++;
                throw new InvalidOperationException("router gone");
            };
            sink.Write(LogLevel.Information, "one", null);
            sink.Write(LogLevel.Information, "two", null);
        }

        Assert.Equal(1, calls);
        Assert.Null(sink.Forward);
        Assert.Contains("routing the agent's own log into the pipeline failed", output.Text);
        Assert.Contains("error=\"router gone\"", output.Text);
    }

    [Fact]
    public void LoggerFactory_LoggersWriteThroughTheSink()
    {
        var (sink, output) = Create(AgentLogFormat.Text);
        using (sink)
        using (var factory = new AgentLoggerFactory(sink))
        {
            var logger = factory.CreateLogger("Tailship.Inputs.Tail");
            Assert.False(logger.IsEnabled(LogLevel.Debug));
            logger.LogInformation("following tail of {Path}", "/var/log/1.log");
        }

        Assert.Equal("2026-11-26 01:20:00 +0000 [info]: following tail of /var/log/1.log\n", output.Text);
    }

    private static Exception Thrown(Exception exception)
    {
        try
        {
            throw exception;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }
}
