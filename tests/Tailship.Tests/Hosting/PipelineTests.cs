using Tailship.Routing;
using Tailship.Tests.TestSupport;
using static Tailship.Tests.TestSupport.Conf;

namespace Tailship.Tests.Hosting;

public sealed class PipelineTests : IAsyncDisposable
{
    private readonly PipelineFixture _f = new();

    [Fact]
    public async Task StartAndStop_OutputsFirstInputsLast_ThenReverse()
    {
        var pipeline = await _f.StartAsync(
            Section("source", string.Empty, ("@type", "counting"), ("tag", "a"), ("@id", "in1")),
            Section("match", "a", ("@type", "capture"), ("name", "o1")),
            Section("label", "@l", Section("match", "**", ("@type", "capture"), ("name", "o2"))),
            Section("source", string.Empty, ("@type", "counting"), ("tag", "b"), ("@id", "in2")));

        await pipeline.StopAsync(CancellationToken.None);

        Assert.Equal(
            ["start output o1", "start output o2", "start input in1", "start input in2", "stop input in2", "stop input in1", "stop output o2", "stop output o1"],
            _f.Hub.Journal);
    }

    [Fact]
    public async Task InputEvents_ReachTheFirstMatchingOutput_ThroughFilters()
    {
        await _f.StartAsync(
            Section("source", string.Empty, ("@type", "counting"), ("tag", "app.web"), ("count", "3")),
            Section("filter", "app.**", ("@type", "mark"), ("mark", "f")),
            Section("match", "app.web", ("@type", "capture"), ("name", "web")),
            Section("match", "**", ("@type", "capture"), ("name", "rest")));

        var web = _f.Hub.Sink("web");
        Assert.Equal(3, web.Count);
        Assert.All(web.Events, e => Assert.Equal("f", e.Event.Record["trail"].AsString));
        Assert.Equal(0, _f.Hub.Sink("rest").Count);
    }

    [Fact]
    public async Task SourceWithLabel_RoutesOnlyInsideTheLabel()
    {
        await _f.StartAsync(
            Section("source", string.Empty, ("@type", "counting"), ("tag", "a"), ("count", "2"), ("@label", "@raw")),
            Section("match", "**", ("@type", "capture"), ("name", "top")),
            Section(
                "label",
                "@raw",
                Section("filter", "**", ("@type", "mark"), ("mark", "L")),
                Section("match", "a", ("@type", "capture"), ("name", "inlabel"))));

        Assert.Equal(2, _f.Hub.Sink("inlabel").Count);
        Assert.Equal("L", _f.Hub.Sink("inlabel").Events[0].Event.Record["trail"].AsString);
        Assert.Equal(0, _f.Hub.Sink("top").Count);
    }

    [Fact]
    public async Task UnmatchedInLabel_IsCountedByThatLabel()
    {
        var pipeline = await _f.StartAsync(
            Section("source", string.Empty, ("@type", "counting"), ("tag", "zzz"), ("count", "2"), ("@label", "@l")),
            Section("label", "@l", Section("match", "a", ("@type", "null"))));

        Assert.Equal(2, pipeline.LabelRouter("@l")!.UnmatchedEvents);
        Assert.Contains("no patterns matched tag=\"zzz\"", _f.Logs.Messages());
    }

    [Fact]
    public async Task ErrorEvents_GoToTheErrorLabel()
    {
        await _f.StartAsync(
            Section("source", string.Empty, ("@type", "counting"), ("tag", "a"), ("@id", "in")),
            Section("match", "**", ("@type", "capture"), ("name", "top")),
            Section("label", LabelNames.Error, Section("match", "**", ("@type", "capture"), ("name", "errors"))));
        var router = _f.Hub.Routers["in"];
        var @event = TestPlugins.Batch("bad")[0];

        await router.EmitErrorAsync("a", @event, new FormatException("pattern not matched"), CancellationToken.None);

        Assert.Equal(["a"], _f.Hub.Sink("errors").Tags);
        Assert.Equal(0, _f.Hub.Sink("top").Count);
    }

    [Fact]
    public async Task WithoutSource_InputsAreNotStarted()
    {
        await _f.StartAsync(
            Section("system", string.Empty, ("without_source", "true")),
            Section("source", string.Empty, ("@type", "counting"), ("tag", "a"), ("count", "1"), ("@id", "in")),
            Section("match", "**", ("@type", "capture"), ("name", "o")));

        Assert.Equal(["start output o"], _f.Hub.Journal);
        Assert.Equal(0, _f.Hub.Sink("o").Count);
    }

    [Fact]
    public async Task StopFailure_IsLogged_OtherPluginsStillStop()
    {
        var registry = TestPlugins.CreateRegistry(_f.Hub).Add(FailingStopOutput.Descriptor);
        var plan = Tailship.Hosting.PipelinePlan.Create(
            Root(
                Section("match", "a", ("@type", "capture"), ("name", "first")),
                Section("match", "b", ("@type", "failing_stop"), ("@id", "bad"))),
            _f.Options with { Registry = registry },
            _f.Diagnostics)!;
        await using var pipeline = Tailship.Hosting.Pipeline.Build(plan);
        await pipeline.StartAsync(CancellationToken.None);

        await pipeline.StopAsync(CancellationToken.None);

        Assert.True(_f.Hub.Sink("first").Stopped);
        var entry = Assert.Single(_f.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error);
        Assert.Equal("failed to stop output plugin type=failing_stop plugin_id=\"bad\"", entry.Message);
        Assert.IsType<IOException>(entry.Exception);
    }

    [Fact]
    public async Task StartTwice_Throws()
    {
        var pipeline = await _f.StartAsync(Section("match", "**", ("@type", "null")));

        await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.StartAsync(CancellationToken.None));
    }

    public ValueTask DisposeAsync() => _f.DisposeAsync();
}
