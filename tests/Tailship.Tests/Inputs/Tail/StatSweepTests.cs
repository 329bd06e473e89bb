using Tailship.Inputs.Tail;

namespace Tailship.Tests.Inputs.Tail;

/// <summary>The once-a-second sweep (<c>enable_watch_timer</c>) with inotify off: the only thing that wakes a loop.</summary>
public sealed class StatSweepTests : IAsyncDisposable
{
    private readonly TailHarness _h = new();
    private readonly CapturingRouter _router = new();

    public async ValueTask DisposeAsync()
    {
        await _h.DisposeAsync();
        _router.Dispose();
    }

    private async Task<(TailInput Input, TailWatch Watch)> StartIdleAsync(string log)
    {
        var input = await _h.StartAsync(_router, ("path", log), ("tag", "t"), ("read_from_head", "true"), ("enable_stat_watcher", "false"));
        await _router.WaitForCountAsync(2);
        var watch = input.WatchOf(log) ?? throw new InvalidOperationException("no watch for " + log);
        await WaitUntilAsync(() => watch.IsIdle, "the loop to go idle");
        return (input, watch);
    }

    [Fact]
    public async Task IdleFile_SweepWakesNothing()
    {
        var log = _h.PathOf("a.log");
        await File.WriteAllTextAsync(log, "1\n2\n", TestContext.Current.CancellationToken);
        var (input, watch) = await StartIdleAsync(log);

        for (var i = 0; i < 5; i++)
        {
            input.Sweep!.Tick();
            Assert.False(watch.WakePending, $"tick {i} woke an idle file's loop");
        }

        Assert.True(watch.IsIdle);
    }

    [Fact]
    public async Task AppendedLine_SweepWakesTheLoop_LineRead()
    {
        var log = _h.PathOf("a.log");
        await File.WriteAllTextAsync(log, "1\n2\n", TestContext.Current.CancellationToken);
        var (input, _) = await StartIdleAsync(log);

        await File.AppendAllTextAsync(log, "3\n", TestContext.Current.CancellationToken);
        input.Sweep!.Tick();
        await _router.WaitForCountAsync(3);
        Assert.Equal(["1", "2", "3"], _router.Messages);
    }

    [Fact]
    public async Task TruncatedAndRefilledToTheSameSize_SweepSeesTheMtime_FileReadAgain()
    {
        var log = _h.PathOf("a.log");
        await File.WriteAllTextAsync(log, "1\n2\n", TestContext.Current.CancellationToken);
        var (input, _) = await StartIdleAsync(log);
        var before = File.GetLastWriteTimeUtc(log);

        // Same size, same inode (truncated in place and written again), no LF where the old offset ends: only the
        // mtime tells the sweep, and the loop's boundary check then tells the truncation.
        await File.WriteAllTextAsync(log, "ab\nc", TestContext.Current.CancellationToken);
        File.SetLastWriteTimeUtc(log, before.AddSeconds(2));
        input.Sweep!.Tick();
        await _router.WaitForCountAsync(3);
        Assert.Equal(["1", "2", "ab"], _router.Messages);
    }

    [Fact]
    public async Task RenamedAndRecreated_SweepWakesTheLoop_NewFileRead()
    {
        var log = _h.PathOf("a.log");
        await File.WriteAllTextAsync(log, "1\n2\n", TestContext.Current.CancellationToken);
        var (input, _) = await StartIdleAsync(log);

        File.Move(log, log + ".1");
        await File.WriteAllTextAsync(log, "3\n", TestContext.Current.CancellationToken);
        input.Sweep!.Tick();
        await _router.WaitForCountAsync(3);
        Assert.Equal(["1", "2", "3"], _router.Messages);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }
}
