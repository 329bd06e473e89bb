using Microsoft.Extensions.Logging;
using Tailship.Events;
using Tailship.Plugins;
using Tailship.Routing;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Routing;

public sealed class RouterTests : IDisposable
{
    private readonly CaptureHub _hub = new();
    private readonly ListLoggerFactory _logs = new();

    [Fact]
    public async Task FirstMatchingMatch_Wins()
    {
        var router = NewRouter();
        router.AddMatch(TagPattern.Parse("app.**"), "first", CaptureOutput.New(_hub, "first"));
        router.AddMatch(TagPattern.Parse("**"), "rest", CaptureOutput.New(_hub, "rest"));
        router.AddMatch(TagPattern.Parse("app.web"), "never", CaptureOutput.New(_hub, "never"));
        router.Seal();

        await router.EmitAsync("app.web", TestPlugins.Batch("1", "2"), CancellationToken.None);
        await router.EmitAsync("db", TestPlugins.Batch("3"), CancellationToken.None);

        Assert.Equal(["app.web", "app.web"], _hub.Sink("first").Tags);
        Assert.Equal(["db"], _hub.Sink("rest").Tags);
        Assert.Equal(0, _hub.Sink("never").Count);
    }

    [Fact]
    public async Task MatchingFilters_RunInFileOrder_OnlyBeforeTheMatch()
    {
        var router = NewRouter();
        router.AddFilter(TagPattern.Parse("a.**"), "f1", new MarkFilter("1"));
        router.AddFilter(TagPattern.Parse("**"), "f2", new MarkFilter("2"));
        router.AddFilter(TagPattern.Parse("b.**"), "f3", new MarkFilter("3"));
        router.AddMatch(TagPattern.Parse("**"), "out", CaptureOutput.New(_hub, "out"));
        router.AddFilter(TagPattern.Parse("**"), "late", new MarkFilter("L"));
        router.Seal();

        await router.EmitAsync("a.x", TestPlugins.Batch("m"), CancellationToken.None);
        await router.EmitAsync("b.x", TestPlugins.Batch("m"), CancellationToken.None);

        var trails = _hub.Sink("out").Events.Select(e => e.Event.Record["trail"].AsString).ToList();
        Assert.Equal(["12", "23"], trails);
    }

    [Fact]
    public async Task FilterDroppingEverything_OutputGetsNothing()
    {
        var hub = new CaptureHub();
        var router = NewRouter();
        router.AddFilter(TagPattern.Parse("**"), "drop", MarkFilter.Descriptor.Build(new MarkFilter.MarkOptions("x", Drop: true), new PluginContext(new PluginRegistry())) as IFilter ?? throw new InvalidOperationException());
        router.AddMatch(TagPattern.Parse("**"), "out", CaptureOutput.New(hub, "out"));
        router.Seal();

        await router.EmitAsync("a", TestPlugins.Batch("m"), CancellationToken.None);

        Assert.Equal(0, hub.Sink("out").Count);
    }

    [Fact]
    public async Task NoMatch_CountsEventsAndWarnsWithBackoff()
    {
        var router = NewRouter();
        router.AddFilter(TagPattern.Parse("**"), "f", new MarkFilter("1"));
        router.AddMatch(TagPattern.Parse("app.**"), "out", CaptureOutput.New(_hub, "out"));
        router.Seal();

        var batch = TestPlugins.Batch("a", "b");
        for (var i = 0; i < 4; i++)
        {
            await router.EmitAsync("other", batch, CancellationToken.None);
        }

        Assert.Equal(8, router.UnmatchedEvents);
        Assert.False(batch[0].Record.ContainsKey("trail")); // filters do not run for unmatched tags
        var warnings = _logs.Messages(LogLevel.Warning);
        Assert.Equal(3, warnings.Count); // batches 1, 2 and 4
        Assert.All(warnings, w => Assert.Equal("no patterns matched tag=\"other\"", w));
    }

    [Fact]
    public async Task NoMatch_InFluentLogLabel_IsSilent()
    {
        var router = new Router(LabelNames.FluentLog, _logs, TimeProvider.System) { WarnUnmatched = false };
        router.Seal();

        await router.EmitAsync("fluent.info", TestPlugins.Batch("a"), CancellationToken.None);

        Assert.Equal(1, router.UnmatchedEvents);
        Assert.Empty(_logs.Messages());
    }

    [Fact]
    public async Task OutputThrows_ExceptionReachesEmitterAndIsLogged()
    {
        var router = NewRouter();
        router.AddMatch(TagPattern.Parse("**"), "bad", CaptureOutput.New(_hub, "bad", fail: true));
        router.Seal();

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await router.EmitAsync("a", TestPlugins.Batch("m"), CancellationToken.None));

        var warning = Assert.Single(_logs.Messages(LogLevel.Warning));
        Assert.StartsWith("emit transaction failed: error_class=InvalidOperationException", warning);
        Assert.Contains("tag=\"a\" output=\"bad\"", warning);
    }

    [Fact]
    public async Task EmitErrorAsync_WithErrorLabel_SendsEventThere()
    {
        var errors = NewRouter(LabelNames.Error);
        errors.AddMatch(TagPattern.Parse("**"), "err", CaptureOutput.New(_hub, "err"));
        errors.Seal();
        var router = NewRouter();
        router.ErrorRouter = errors;
        router.Seal();
        var @event = TestPlugins.Batch("broken")[0];

        await router.EmitErrorAsync("app", @event, new FormatException("bad line"), CancellationToken.None);

        var (tag, got) = Assert.Single(_hub.Sink("err").Events);
        Assert.Equal("app", tag);
        Assert.Same(@event.Record, got.Record);
        Assert.Equal(1, router.ErrorEvents);
        Assert.StartsWith("send an error event to @ERROR: error_class=FormatException error=\"bad line\"", Assert.Single(_logs.Messages(LogLevel.Warning)));
    }

    [Fact]
    public async Task EmitErrorAsync_WithoutErrorLabel_DumpsAndCounts()
    {
        var router = NewRouter();
        router.Seal();

        await router.EmitErrorAsync("app", TestPlugins.Batch("broken")[0], new FormatException("bad line"), CancellationToken.None);

        Assert.Equal(1, router.ErrorEvents);
        var warning = Assert.Single(_logs.Messages(LogLevel.Warning));
        Assert.StartsWith("dump an error event: error_class=FormatException error=\"bad line\" tag=\"app\"", warning);
        Assert.Contains("record={\"message\"=>\"broken\"}", warning);
    }

    [Fact]
    public async Task ManyDistinctTags_CacheStaysBounded_RoutingStillRight()
    {
        var router = NewRouter();
        router.AddMatch(TagPattern.Parse("t.*"), "out", CaptureOutput.New(_hub, "out"));
        router.Seal();

        for (var i = 0; i < Router.MaxCachedRoutes + 10; i++)
        {
            await router.EmitAsync($"t.{i}", TestPlugins.Batch("m"), CancellationToken.None);
        }

        Assert.Equal(Router.MaxCachedRoutes + 10, _hub.Sink("out").Count);
        Assert.True(router.HasMatch("t.x"));
        Assert.False(router.HasMatch("u"));
    }

    [Fact]
    public async Task EmptyBatch_IsNotCountedAsUnmatched()
    {
        var router = NewRouter();
        router.Seal();

        await router.EmitAsync("x", new EventBatch(), CancellationToken.None);

        Assert.Equal(0, router.UnmatchedEvents);
        Assert.Empty(_logs.Messages());
    }

    [Fact]
    public async Task EmitErrorLogInterval_SuppressesRepeatedFailureWarnings()
    {
        var time = new ManualTimeProvider();
        var router = new Router(null, _logs, time, TimeSpan.FromSeconds(10));
        router.AddMatch(TagPattern.Parse("**"), "bad", CaptureOutput.New(_hub, "bad", fail: true));
        router.Seal();

        async Task EmitAsync() => await Assert.ThrowsAsync<InvalidOperationException>(async () => await router.EmitAsync("a", TestPlugins.Batch("m"), CancellationToken.None));
        await EmitAsync();
        await EmitAsync();
        time.Advance(TimeSpan.FromSeconds(11));
        await EmitAsync();

        Assert.Equal(2, _logs.Messages(LogLevel.Warning).Count);
    }

    private Router NewRouter(string? label = null) => new(label, _logs, TimeProvider.System);

    public void Dispose() => _logs.Dispose();

    private sealed class ManualTimeProvider : TimeProvider
    {
        private long _ticks = 1;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
