using Tailship.Tests.Hosting;
using Tailship.Tests.TestSupport;
using static Tailship.Tests.TestSupport.Conf;

namespace Tailship.Tests.Outputs.Null;

public sealed class NullOutputTests : IAsyncDisposable
{
    private readonly PipelineFixture _f = new();

    [Fact]
    public async Task Events_AreAcceptedAndDropped_LaterMatchesNeverSeeThem()
    {
        var pipeline = await _f.StartAsync(
            Section("match", "debug.**", ("@type", "null"), Section("buffer", string.Empty, ("@type", "memory"), ("flush_interval", "1s"))),
            Section("match", "**", ("@type", "capture"), ("name", "rest")));

        await pipeline.RootRouter.EmitAsync("debug.x", TestPlugins.Batch("1", "2"), CancellationToken.None);
        await pipeline.RootRouter.EmitAsync("info", TestPlugins.Batch("3"), CancellationToken.None);

        Assert.Equal(["info"], _f.Hub.Sink("rest").Tags);
        Assert.Equal(0, pipeline.RootRouter.UnmatchedEvents);
    }

    [Fact]
    public void NeverFlush_IsNotImplemented()
    {
        Assert.Null(_f.Plan(Root(Section("match", "**", ("@type", "null"), ("never_flush", "true")))));
        Assert.StartsWith("parameter 'never_flush' is a Fluentd parameter that Tailship does not implement yet", Assert.Single(_f.Diagnostics.Items).Message);
    }

    public ValueTask DisposeAsync() => _f.DisposeAsync();
}
