using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tailship.Inputs.Tail;
using Tailship.Tests.Buffers;

namespace Tailship.Tests.Inputs.Tail;

public sealed class PositionStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tailship-pos-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private PositionStore NewStore(string? path = null, TimeSpan? compaction = null) =>
        new(path ?? Path.Combine(_dir, "t.pos"), TimeProvider.System, NullLogger.Instance, compaction);

    [Fact]
    public void FluentdPosFile_LoadedWithUnwatchedAndDuplicateLinesResolved()
    {
        var store = NewStore();
        store.Load(Encoding.UTF8.GetBytes(
            "/var/log/a.log\t0000000000001e20\t0000000000b3e0d7\n" +
            "/var/log/gone.log\tffffffffffffffff\t0000000000000011\n" +
            "/var/log/b.log\t0000000000000001\t0000000000000002\n" +
            "garbage line\n" +
            "/var/log/b.log\t0000000000000029\t0000000000b62133\n"));
        var a = store.Find("/var/log/a.log")!;
        Assert.Equal((0xb3e0d7UL, 0x1e20L, true), store.Read(a));
        Assert.Equal((0xb62133UL, 0x29L, true), store.Read(store.Find("/var/log/b.log")!));
        Assert.Null(store.Find("/var/log/gone.log"));
    }

    [Fact]
    public async Task Commit_WritesFluentdFormatAtomically()
    {
        var path = Path.Combine(_dir, "t.pos");
        await using (var store = NewStore(path))
        {
            store.Open();
            var saved = new TaskCompletionSource();
            store.Saved += () => saved.TrySetResult();
            var entry = store.GetOrAdd("/in/partial.log", 0xb62133);
            new PositionCheckpoint(store, entry, 0xb62133, 41, store.NextGeneration(), 1).Commit();
            await saved.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        }

        Assert.Equal("/in/partial.log\t0000000000000029\t0000000000b62133\n", File.ReadAllText(path));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void Render_UnwatchedIsAllF_AndUncommittedNewEntriesAreLeftOut()
    {
        var store = NewStore();
        var watched = store.GetOrAdd("/a", 7);
        new PositionCheckpoint(store, watched, 7, 10, store.NextGeneration(), 1).Commit();
        store.GetOrAdd("/new", 8);
        var gone = store.GetOrAdd("/gone", 9);
        new PositionCheckpoint(store, gone, 9, 5, store.NextGeneration(), 1).Commit();
        store.MarkUnwatched(gone);
        Assert.Equal(
            "/a\t000000000000000a\t0000000000000007\n/gone\tffffffffffffffff\t0000000000000009\n",
            Encoding.UTF8.GetString(store.Render()));
    }

    [Fact]
    public void Compaction_DropsUnwatchedEntries()
    {
        var store = NewStore(compaction: TimeSpan.Zero);
        var gone = store.GetOrAdd("/gone", 9);
        new PositionCheckpoint(store, gone, 9, 5, store.NextGeneration(), 1).Commit();
        store.MarkUnwatched(gone);
        Assert.Equal(string.Empty, Encoding.UTF8.GetString(store.Render()));
    }

    [Fact]
    public void Commit_OlderReaderOrOlderSequence_NeverOverwritesNewer()
    {
        var store = NewStore();
        var entry = store.GetOrAdd("/a", 1);
        var oldFile = store.NextGeneration();
        var newFile = store.NextGeneration();
        new PositionCheckpoint(store, entry, 2, 100, newFile, 5).Commit();
        new PositionCheckpoint(store, entry, 1, 999, oldFile, 9).Commit(); // rotated file drained late
        new PositionCheckpoint(store, entry, 2, 50, newFile, 4).Commit(); // committed out of order
        Assert.Equal((2UL, 100L, true), store.Read(entry));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // A store writing PATH with the given save interval on a manual clock; `saves` is released after each write.
    private PositionStore OpenCounting(TimeSpan saveInterval, out string path, out ManualTime time, out SemaphoreSlim saves)
    {
        path = Path.Combine(_dir, "t.pos");
        time = new ManualTime(BufferTest.Start);
        var store = new PositionStore(path, time, NullLogger.Instance, null, saveInterval);
        store.Open();
        var released = saves = new SemaphoreSlim(0);
        store.Saved += () => released.Release();
        return store;
    }

    private static long SavedOffset(string path) =>
        Convert.ToInt64(Assert.Single(File.ReadAllText(path).Split('\n', StringSplitOptions.RemoveEmptyEntries)).Split('\t')[1], 16);

    [Fact]
    public async Task ForwardMoves_WrittenAtMostOncePerInterval_TheLatestWins()
    {
        await using var store = OpenCounting(TimeSpan.FromSeconds(1), out var path, out var time, out var saves);
        var entry = store.GetOrAdd("/in/a.log", 7);
        var generation = store.NextGeneration();
        new PositionCheckpoint(store, entry, 7, 10, generation, 1).Commit();
        Assert.True(await saves.WaitAsync(TimeSpan.FromSeconds(10), Ct), "the first commit is written at once");
        Assert.Equal(10, SavedOffset(path));

        new PositionCheckpoint(store, entry, 7, 20, generation, 2).Commit();
        new PositionCheckpoint(store, entry, 7, 30, generation, 3).Commit();
        Assert.False(await saves.WaitAsync(TimeSpan.FromMilliseconds(300), Ct), "written before the interval passed");
        Assert.Equal(10, SavedOffset(path));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await saves.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Equal(30, SavedOffset(path));
        Assert.Equal(0, saves.CurrentCount); // both commits in one write
    }

    [Fact]
    public async Task RotationAndUnwatch_WrittenAtOnceWithinTheInterval()
    {
        await using var store = OpenCounting(TimeSpan.FromHours(1), out var path, out _, out var saves);
        var entry = store.GetOrAdd("/in/a.log", 7);
        new PositionCheckpoint(store, entry, 7, 10, store.NextGeneration(), 1).Commit();
        Assert.True(await saves.WaitAsync(TimeSpan.FromSeconds(10), Ct));

        // The file was rotated: the new file's position is written without waiting for the hour.
        new PositionCheckpoint(store, entry, 8, 5, store.NextGeneration(), 1).Commit();
        Assert.True(await saves.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Equal("/in/a.log\t0000000000000005\t0000000000000008\n", await File.ReadAllTextAsync(path, Ct));

        store.MarkUnwatched(entry);
        Assert.True(await saves.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Equal("/in/a.log\tffffffffffffffff\t0000000000000008\n", await File.ReadAllTextAsync(path, Ct));
    }

    [Fact]
    public async Task TrySave_WritesPendingMovesAtOnce()
    {
        await using var store = OpenCounting(TimeSpan.FromHours(1), out var path, out _, out var saves);
        var entry = store.GetOrAdd("/in/a.log", 7);
        var generation = store.NextGeneration();
        new PositionCheckpoint(store, entry, 7, 10, generation, 1).Commit();
        Assert.True(await saves.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        new PositionCheckpoint(store, entry, 7, 99, generation, 2).Commit();

        Assert.True(store.TrySave()); // what a file buffer does before it deletes a delivered chunk
        Assert.Equal(99, SavedOffset(path));
    }
}
