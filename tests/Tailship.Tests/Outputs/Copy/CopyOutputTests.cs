using Microsoft.Extensions.Logging;
using Tailship.Events;
using Tailship.Tests.Hosting;
using Tailship.Tests.TestSupport;
using static Tailship.Tests.TestSupport.Conf;

namespace Tailship.Tests.Outputs.Copy;

public sealed class CopyOutputTests : IAsyncDisposable
{
    private readonly PipelineFixture _f = new();

    [Fact]
    public async Task EveryStore_GetsEveryEvent_NoCopySharesRecords()
    {
        var pipeline = await _f.StartAsync(Copy(
            [],
            Store(string.Empty, "a"),
            Store(string.Empty, "b")));

        await pipeline.RootRouter.EmitAsync("app", TestPlugins.Batch("1", "2"), CancellationToken.None);

        var a = _f.Hub.Sink("a").Events;
        var b = _f.Hub.Sink("b").Events;
        Assert.Equal(2, a.Count);
        Assert.Equal(2, b.Count);
        Assert.Same(a[0].Event.Record, b[0].Event.Record);
        Assert.True(_f.Hub.Sink("a").Started && _f.Hub.Sink("b").Started);
    }

    [Theory]
    [InlineData("shallow")]
    [InlineData("deep")]
    [InlineData("marshal")]
    public async Task CopyModes_GiveEachStoreItsOwnRecords(string mode)
    {
        var pipeline = await _f.StartAsync(Copy([("copy_mode", mode)], Store(string.Empty, "a"), Store(string.Empty, "b")));
        var batch = TestPlugins.Batch("1");
        var nested = new Tailship.Events.Record();
        nested.Append("k", "v");
        batch[0].Record.Append("nested", RecordValue.FromMap(nested));

        await pipeline.RootRouter.EmitAsync("app", batch, CancellationToken.None);

        var a = _f.Hub.Sink("a").Events[0].Event.Record;
        var b = _f.Hub.Sink("b").Events[0].Event.Record;
        Assert.NotSame(a, b);
        Assert.Equal(a, b);
        var sharedNested = ReferenceEquals(a["nested"].AsMap, b["nested"].AsMap);
        Assert.Equal(mode == "shallow", sharedNested);
    }

    [Fact]
    public async Task DeprecatedDeepCopy_MeansShallow()
    {
        var pipeline = await _f.StartAsync(Copy([("deep_copy", "true")], Store(string.Empty, "a"), Store(string.Empty, "b")));

        await pipeline.RootRouter.EmitAsync("app", TestPlugins.Batch("1"), CancellationToken.None);

        Assert.NotSame(_f.Hub.Sink("a").Events[0].Event.Record, _f.Hub.Sink("b").Events[0].Event.Record);
    }

    [Fact]
    public async Task FailingStore_WithIgnoreError_IsLogged_NextStoresStillGetEvents()
    {
        var pipeline = await _f.StartAsync(Copy([], Store("ignore_error", "bad", fail: true), Store(string.Empty, "good")));

        await pipeline.RootRouter.EmitAsync("app", TestPlugins.Batch("1"), CancellationToken.None);

        Assert.Equal(1, _f.Hub.Sink("good").Count);
        Assert.Contains(_f.Logs.Messages(LogLevel.Error), m => m.StartsWith("ignore emit error in ") && m.Contains("error_class=InvalidOperationException"));
    }

    [Fact]
    public async Task FailingStore_WithoutIgnoreError_FailsTheEmit_LaterStoresSkipped()
    {
        var pipeline = await _f.StartAsync(Copy([], Store(string.Empty, "bad", fail: true), Store(string.Empty, "good")));

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await pipeline.RootRouter.EmitAsync("app", TestPlugins.Batch("1"), CancellationToken.None));

        Assert.Equal(0, _f.Hub.Sink("good").Count);
    }

    [Fact]
    public async Task IgnoreIfPrevSuccess_RunsOnlyWhenThePreviousStoreFailed()
    {
        var pipeline = await _f.StartAsync(
            Section("match", "ok", ("@type", "copy"), Store(string.Empty, "primary1"), Store("ignore_if_prev_success", "backup1")),
            Section("match", "ko", ("@type", "copy"), Store("ignore_error", "primary2", fail: true), Store("ignore_if_prev_success", "backup2")));

        await pipeline.RootRouter.EmitAsync("ok", TestPlugins.Batch("1"), CancellationToken.None);
        await pipeline.RootRouter.EmitAsync("ko", TestPlugins.Batch("1"), CancellationToken.None);

        Assert.Equal(1, _f.Hub.Sink("primary1").Count);
        Assert.Equal(0, _f.Hub.Sink("backup1").Count);
        Assert.Equal(1, _f.Hub.Sink("backup2").Count);
    }

    [Fact]
    public async Task Stop_StopsEveryStore()
    {
        var pipeline = await _f.StartAsync(Copy([], Store(string.Empty, "a"), Store(string.Empty, "b")));

        await pipeline.StopAsync(CancellationToken.None);

        Assert.True(_f.Hub.Sink("a").Stopped && _f.Hub.Sink("b").Stopped);
    }

    [Fact]
    public void ConfigErrors_InStores_AreReported()
    {
        var badArg = Store("ignore_eror", "a");
        var root = Root(
            Section("match", "x", ("@type", "copy"), badArg, Section("store", string.Empty, ("@type", "nosuch"))),
            Section("match", "y", ("@type", "copy")));

        Assert.Null(_f.Plan(root));

        var messages = _f.Diagnostics.Items.Select(d => d.Message).ToList();
        Assert.Contains(messages, m => m == "unknown <store> argument 'ignore_eror'; expected ignore_error or ignore_if_prev_success; did you mean 'ignore_error'?");
        Assert.Contains(messages, m => m.StartsWith("unknown output plugin '@type nosuch'"));
        Assert.Contains("missing required section <store>", messages);
    }

    public ValueTask DisposeAsync() => _f.DisposeAsync();

    private static Tailship.Config.ConfigSection Copy((string, string)[] parameters, params Tailship.Config.ConfigSection[] stores)
    {
        var items = new List<object> { ("@type", "copy") };
        items.AddRange(parameters.Cast<object>());
        items.AddRange(stores);
        return Section("match", "**", [.. items]);
    }

    private static Tailship.Config.ConfigSection Store(string argument, string name, bool fail = false) =>
        Section("store", argument, ("@type", "capture"), ("name", name), ("fail", fail ? "true" : "false"));
}
