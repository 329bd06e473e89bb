using System.Globalization;
using Tailship.Inputs.Tail;

namespace Tailship.Tests.Inputs.Tail;

/// <summary>A real writer produces numbered lines at full speed while rotating; every number must arrive once, in order.</summary>
public sealed class TailRotationTests : IAsyncDisposable
{
    private readonly TailHarness _h = new();
    private readonly CapturingRouter _router = new();

    public async ValueTask DisposeAsync()
    {
        await _h.DisposeAsync();
        _router.Dispose();
    }

    private async Task RunAsync(RotationStyle style, int total, int perGeneration, params (string Key, string Value)[] extra)
    {
        var log = _h.PathOf("app.log");
        await File.WriteAllTextAsync(log, string.Empty, TestContext.Current.CancellationToken);
        await _h.StartAsync(_router, [("path", log), ("tag", "t"), ("rotate_wait", "2"), .. extra]);
        var writer = new RotatingWriter(log, total, perGeneration, style, () => _router.Count, TruncationsLogged).Start();
        try
        {
            await writer.Completion.WaitAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken);
            await _router.WaitForCountAsync(total, seconds: 60);
        }
        catch (Exception ex) when (ex is TimeoutException or Xunit.Sdk.XunitException)
        {
            Assert.Fail(ex.Message + "\nlog:\n" + string.Join("\n", _h.Logs.Entries.Select(e => e.Message)));
        }

        var got = _router.Messages;
        Assert.True(string.Join(",", got) == RotatingWriter.Expected(total), RotatingWriter.Describe(got));
        Assert.Equal((total - 1) / perGeneration, writer.Rotations);
    }

    private int TruncationsLogged() => _h.Logs.Entries.Count(e => e.Message.Contains("was truncated", StringComparison.Ordinal));

    [Fact]
    public Task RenameAndCreate_EveryLineOnceInOrder() => RunAsync(RotationStyle.RenameCreate, 60_000, 10_000);

    [Fact]
    public Task CopyTruncate_EveryLineOnceInOrder() => RunAsync(RotationStyle.CopyTruncate, 60_000, 10_000);

    [Fact]
    public Task TruncateInPlace_EveryLineOnceInOrder() => RunAsync(RotationStyle.Truncate, 60_000, 10_000);

    [Fact]
    public Task DeleteAndRecreate_EveryLineOnceInOrder() => RunAsync(RotationStyle.DeleteRecreate, 60_000, 10_000);

    [Fact]
    public Task RotationFasterThanRefreshInterval_EveryLineOnceInOrder() =>
        RunAsync(RotationStyle.RenameCreate, 10_000, 250, ("refresh_interval", "60"));

    [Fact]
    public Task RenameAndCreate_WithTimerOnly_EveryLineOnceInOrder() =>
        RunAsync(RotationStyle.RenameCreate, 20_000, 5_000, ("enable_stat_watcher", "false"));

    [Fact]
    public async Task GracefulRestartWhileWriting_ResumesFromPosFile_EveryLineOnceInOrder()
    {
        var log = _h.PathOf("live.log");
        var pos = _h.PathOf("live.pos");
        await File.WriteAllTextAsync(log, string.Empty, TestContext.Current.CancellationToken);
        (string, string)[] config = [("path", log), ("tag", "t"), ("pos_file", pos)];
        var first = await _h.StartAsync(_router, config);
        var writer = new RotatingWriter(log, 100_000, int.MaxValue, RotationStyle.None, () => _router.Count).Start();
        await _router.WaitForCountAsync(20_000);
        await first.StopAsync(TestContext.Current.CancellationToken);
        await _h.StartAsync(_router, config);
        await writer.Completion.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        await _router.WaitForCountAsync(100_000, seconds: 60);
        var got = _router.Messages;
        Assert.True(string.Join(",", got) == RotatingWriter.Expected(100_000), RotatingWriter.Describe(got));
    }

    [Fact]
    public async Task FollowInodes_RenamedFileIsContinuedNotReadAgain()
    {
        var log = _h.PathOf("app.log");
        var pos = _h.PathOf("app.pos");
        await File.WriteAllTextAsync(log, string.Empty, TestContext.Current.CancellationToken);
        var input = await _h.StartAsync(_router, ("path", log + "*"), ("tag", "t"), ("follow_inodes", "true"), ("pos_file", pos), ("rotate_wait", "1"));
        var writer = new RotatingWriter(log, 30_000, 5_000, RotationStyle.RenameCreate, () => _router.Count).Start();
        try
        {
            await writer.Completion.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            await _router.WaitForCountAsync(30_000, seconds: 60);
        }
        catch (Exception ex) when (ex is TimeoutException or Xunit.Sdk.XunitException)
        {
            Assert.Fail(ex.Message + "\nlog:\n" + string.Join("\n", _h.Logs.Entries.Select(e => e.Message)));
        }

        // Each file's lines come in order; across the renamed and the new file only exactly-once holds.
        var got = _router.Messages.Select(m => int.Parse(m, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(1, 30_000), got.Order());

        // The pos_file is written behind the reading (writes are coalesced): what it holds is only certain once the
        // input stopped, which saves every committed position. The watch of the renamed file must also have taken
        // its new name, which happens at the rescan the new file's creation triggers.
        await WaitForWatchesAsync(input, [log, log + ".1"]);
        await input.StopAsync(TestContext.Current.CancellationToken);
        var positions = TailHarness.ReadPosFile(pos);
        Assert.Contains(positions, l => l.StartsWith(log + "\t", StringComparison.Ordinal));
        Assert.Contains(positions, l => l.StartsWith(log + ".1\t", StringComparison.Ordinal));
    }

    private static async Task WaitForWatchesAsync(TailInput input, string[] paths)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!paths.All(input.WatchedPaths.Contains))
        {
            Assert.True(DateTime.UtcNow < deadline, $"watched: {string.Join(", ", input.WatchedPaths)}; expected {string.Join(", ", paths)}");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
