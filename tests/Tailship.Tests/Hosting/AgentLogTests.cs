using Microsoft.Extensions.Logging;
using Tailship.Routing;
using static Tailship.Tests.TestSupport.Conf;

namespace Tailship.Tests.Hosting;

public sealed class AgentLogTests : IAsyncDisposable
{
    private readonly PipelineFixture _f = new();

    [Fact]
    public async Task TopLevelMatchAll_GetsFluentEvents_AtOrAboveLogLevel()
    {
        var pipeline = await _f.StartAsync(Section("match", "**", ("@type", "capture"), ("name", "all")));

        pipeline.EmitAgentLog(LogLevel.Debug, "not shown");
        pipeline.EmitAgentLog(LogLevel.Information, "hello");
        pipeline.EmitAgentLog(LogLevel.Critical, "bye");
        await _f.Hub.Sink("all").WaitForCountAsync(2);
        await pipeline.StopAsync(CancellationToken.None);

        var events = _f.Hub.Sink("all").Events;
        Assert.Equal(["fluent.info", "fluent.fatal"], events.Select(e => e.Tag));
        var record = events[0].Event.Record;
        Assert.Equal(1, record.Count);
        Assert.Equal("hello", record["message"].AsString);
    }

    [Fact]
    public async Task FluentLogLabel_TakesLogEvents_TopLevelDoesNot()
    {
        var pipeline = await _f.StartAsync(
            Section("match", "**", ("@type", "capture"), ("name", "top")),
            Section("label", LabelNames.FluentLog, Section("match", "fluent.{warn,error}", ("@type", "capture"), ("name", "logs"))));

        pipeline.EmitAgentLog(LogLevel.Information, "unmatched in the label: dropped quietly");
        pipeline.EmitAgentLog(LogLevel.Warning, "careful");
        await pipeline.StopAsync(CancellationToken.None);

        Assert.Equal(["fluent.warn"], _f.Hub.Sink("logs").Tags);
        Assert.Equal(0, _f.Hub.Sink("top").Count);
        Assert.DoesNotContain(_f.Logs.Messages(), m => m.StartsWith("no patterns matched"));
    }

    [Fact]
    public async Task SystemLogLevel_FiltersLogEvents()
    {
        var pipeline = await _f.StartAsync(
            Section("system", string.Empty, ("log_level", "error")),
            Section("match", "**", ("@type", "capture"), ("name", "all")));

        pipeline.EmitAgentLog(LogLevel.Warning, "below");
        pipeline.EmitAgentLog(LogLevel.Error, "at");
        await pipeline.StopAsync(CancellationToken.None);

        Assert.Equal(["fluent.error"], _f.Hub.Sink("all").Tags);
    }

    [Fact]
    public async Task NoMatchForAnyFluentTag_LogEventsAreNotRouted()
    {
        var pipeline = await _f.StartAsync(Section("match", "app.**", ("@type", "capture"), ("name", "app")));

        pipeline.EmitAgentLog(LogLevel.Error, "x");
        await pipeline.StopAsync(CancellationToken.None);

        Assert.Equal(0, _f.Hub.Sink("app").Count);
        Assert.Equal(0, pipeline.RootRouter.UnmatchedEvents);
    }

    [Fact]
    public async Task PartialFluentMatch_WarnsForTheLevelsLeftOut()
    {
        var pipeline = await _f.StartAsync(Section("match", "fluent.error", ("@type", "capture"), ("name", "err")));

        Assert.Contains("match for some tags of log events are not defined (to be ignored) tags=[fluent.info, fluent.warn, fluent.fatal]", _f.Logs.Messages(LogLevel.Warning));
        pipeline.EmitAgentLog(LogLevel.Information, "goes nowhere, with a warning that is not re-emitted");
        pipeline.EmitAgentLog(LogLevel.Error, "kept");
        await pipeline.StopAsync(CancellationToken.None);

        Assert.Equal(["fluent.error"], _f.Hub.Sink("err").Tags);
        Assert.Contains("no patterns matched tag=\"fluent.info\"", _f.Logs.Messages());
    }

    [Fact]
    public async Task LogWrittenWhileRoutingALogEvent_IsNotReEmitted()
    {
        var pipeline = await _f.StartAsync(Section("match", "**", ("@type", "capture"), ("name", "all")));
        var sink = _f.Hub.Sink("all");
        sink.OnEmit = () => pipeline.EmitAgentLog(LogLevel.Warning, "written by the output while it handles a log event");

        pipeline.EmitAgentLog(LogLevel.Warning, "first");
        await sink.WaitForCountAsync(1);
        await pipeline.StopAsync(CancellationToken.None);

        var (tag, e) = Assert.Single(sink.Events);
        Assert.Equal("fluent.warn", tag);
        Assert.Equal("first", e.Record["message"].AsString);
    }

    [Fact]
    public async Task LogsFromTheLoggerFactory_CanBeForwarded_WithoutLoops()
    {
        // The CLI forwards its log to EmitAgentLog; the router's own "no patterns matched" warning for a
        // fluent.* event must not come back as an event.
        var pipeline = await _f.StartAsync(
            Section("match", "fluent.warn", ("@type", "capture"), ("name", "warn")),
            Section("match", "fluent.info", ("@type", "capture"), ("name", "info")));
        _f.Logs.OnLog = pipeline.EmitAgentLog;

        pipeline.EmitAgentLog(LogLevel.Error, "unmatched error");
        pipeline.EmitAgentLog(LogLevel.Information, "hello");
        await _f.Hub.Sink("info").WaitForCountAsync(1);
        await pipeline.StopAsync(CancellationToken.None);
        _f.Logs.OnLog = null;

        Assert.Equal(0, _f.Hub.Sink("warn").Count);
        Assert.Equal(1, pipeline.RootRouter.UnmatchedEvents);
    }

    public ValueTask DisposeAsync() => _f.DisposeAsync();
}
