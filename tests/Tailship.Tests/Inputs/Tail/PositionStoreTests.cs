using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tailship.Inputs.Tail;

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
}
