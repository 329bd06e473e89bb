using Tailship.Tests.Hosting;
using Tailship.Tests.TestSupport;
using static Tailship.Tests.TestSupport.Conf;

namespace Tailship.Tests.Outputs.Relabel;

public sealed class RelabelOutputTests : IAsyncDisposable
{
    private readonly PipelineFixture _f = new();

    [Fact]
    public async Task MatchedEvents_AreRoutedInsideTheLabel_WithTheirTag()
    {
        await _f.StartAsync(
            Section("source", string.Empty, ("@type", "counting"), ("tag", "app.web"), ("count", "2")),
            Section("match", "app.**", ("@type", "relabel"), ("@label", "@next")),
            Section("match", "**", ("@type", "capture"), ("name", "top")),
            Section("label", "@next", Section("filter", "**", ("@type", "mark"), ("mark", "n")), Section("match", "app.web", ("@type", "capture"), ("name", "next"))));

        Assert.Equal(["app.web", "app.web"], _f.Hub.Sink("next").Tags);
        Assert.Equal("n", _f.Hub.Sink("next").Events[0].Event.Record["trail"].AsString);
        Assert.Equal(0, _f.Hub.Sink("top").Count);
    }

    [Fact]
    public async Task RelabelInsideCopyStore_SendsThatCopyToTheLabel()
    {
        var pipeline = await _f.StartAsync(
            Section(
                "match",
                "**",
                ("@type", "copy"),
                Section("store", string.Empty, ("@type", "capture"), ("name", "direct")),
                Section("store", string.Empty, ("@type", "relabel"), ("@label", "@other"))),
            Section("label", "@other", Section("match", "**", ("@type", "capture"), ("name", "other"))));

        await pipeline.RootRouter.EmitAsync("t", TestPlugins.Batch("1"), CancellationToken.None);

        Assert.Equal(1, _f.Hub.Sink("direct").Count);
        Assert.Equal(1, _f.Hub.Sink("other").Count);
    }

    [Fact]
    public void MissingOrUnknownLabel_IsAConfigError()
    {
        var unknown = Param("@label", "@nowhere");
        var root = Root(
            Section("match", "a", ("@type", "relabel")),
            Section("match", "b", ("@type", "relabel"), unknown));

        Assert.Null(_f.Plan(root));

        var errors = _f.Diagnostics.Items;
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, d => d.Message == "relabel needs '@label @NAME': the label to send events to");
        Assert.Contains(errors, d => d.Location == unknown.ValueLocation && d.Message == "unknown label '@nowhere' in @label (no label is defined)");
    }

    public ValueTask DisposeAsync() => _f.DisposeAsync();
}
