using Microsoft.Extensions.Logging.Abstractions;
using Tailship.Observability;
using Tailship.Routing;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Observability;

public sealed class RouterMetricsTests
{
    private readonly MetricsRegistry _registry = new();
    private readonly CaptureHub _hub = new();

    [Fact]
    public async Task Router_CountsRoutedUnmatchedAndErrorRecords()
    {
        var router = new Router(null, NullLoggerFactory.Instance, TimeProvider.System) { Metrics = new RouterMetrics(_registry, null) };
        router.AddMatch(TagPattern.Parse("app.**"), "out", CaptureOutput.New(_hub, "out"));
        router.Seal();

        await router.EmitAsync("app.web", TestPlugins.Batch("1", "2", "3"), CancellationToken.None);
        await router.EmitAsync("other", TestPlugins.Batch("4", "5"), CancellationToken.None);
        var one = TestPlugins.Batch("bad")[0];
        await router.EmitErrorAsync("app.web", one, new FormatException("x"), CancellationToken.None);

        var text = _registry.WriteText();
        Assert.Contains("tailship_router_records_total{label=\"root\"} 3\n", text);
        Assert.Contains("tailship_router_unmatched_records_total{label=\"root\"} 2\n", text);
        Assert.Contains("tailship_router_error_records_total{label=\"root\"} 1\n", text);
        Assert.Contains("tailship_router_emit_failures_total{label=\"root\"} 0\n", text);
    }

    [Fact]
    public async Task Router_CountsWhatEachRegisteredOutputAccepted()
    {
        var accepted = _registry.ForPlugin("out", "capture", "output");
        var refusing = _registry.ForPlugin("bad", "capture", "output");
        var router = new Router(null, NullLoggerFactory.Instance, TimeProvider.System) { Metrics = new RouterMetrics(_registry, null) };
        router.AddMatch(TagPattern.Parse("bad"), "bad", CaptureOutput.New(_hub, "bad", fail: true));
        router.AddMatch(TagPattern.Parse("**"), "out", CaptureOutput.New(_hub, "out"));
        router.Seal();

        await router.EmitAsync("a", TestPlugins.Batch("1", "2"), CancellationToken.None);
        await router.EmitAsync("b", TestPlugins.Batch("3"), CancellationToken.None);
        await Assert.ThrowsAnyAsync<Exception>(async () => await router.EmitAsync("bad", TestPlugins.Batch("4"), CancellationToken.None));

        Assert.Equal((3, 2), (accepted.RecordsIn.Value, accepted.EmitCount));
        Assert.Equal((0, 0), (refusing.RecordsIn.Value, refusing.EmitCount));
    }

    [Fact]
    public async Task OutputThatRefuses_CountsAnEmitFailure()
    {
        var router = new Router("@OUT", NullLoggerFactory.Instance, TimeProvider.System) { Metrics = new RouterMetrics(_registry, "@OUT") };
        router.AddMatch(TagPattern.Parse("**"), "out", CaptureOutput.New(_hub, "out", fail: true));
        router.Seal();

        await Assert.ThrowsAnyAsync<Exception>(async () => await router.EmitAsync("a", TestPlugins.Batch("1"), CancellationToken.None));

        Assert.Equal(1, _registry.Counter("tailship_router_emit_failures_total", string.Empty, ("label", "@OUT")).Value);
    }
}
