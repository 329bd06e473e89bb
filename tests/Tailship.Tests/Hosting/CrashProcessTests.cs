using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Hosting;

/// <summary>
/// Issue 4's crash suite, with the built <c>tailship</c> binary: a log file grows at a high rate while the agent tails it
/// into the <c>file</c> output and is killed (<c>kill -9</c>) or stopped (SIGTERM) at random moments and restarted.
/// Every written line must arrive; duplicates are counted and reported (docs/delivery.md records the measured rate).
/// The moments come from a seeded generator; a failure names the seed, and <c>TAILSHIP_CRASH_SEED</c> replays it.
/// </summary>
public sealed class CrashProcessTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string LogPath => _dir["app.log"];

    private string PosPath => _dir["app.log.pos"];

    [Fact]
    public async Task FileBuffer_KilledRepeatedly_NoLineLost()
    {
        var loop = new CrashLoop(WriteConfig(FileBuffer()), CrashLoop.ChooseSeed());
        var writer = new NumberedLineWriter(LogPath, linesPerSecond: 4000, maxLines: 400_000);
        await using (writer)
        {
            await loop.KillRepeatedlyAsync(kills: 22, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(1500));
        }

        var tally = await FinishAndTallyAsync(loop, writer.Written);

        Assert.True(tally.Missing.Count == 0, $"{loop.Describe()}: {tally.Summary()}; first lost: {string.Join(", ", tally.Missing.Take(20))}\n{loop.History}");
        Assert.True(tally.Unexpected.Count == 0, $"{loop.Describe()}: {tally.Summary()}; e.g. {(tally.Unexpected.Count > 0 ? tally.Unexpected[0] : "")}");
        Assert.True(loop.Errors.Count == 0, $"{loop.Describe()}: ERROR logged:\n{string.Join("\n", loop.Errors)}");
    }

    [Fact]
    public async Task MemoryBuffer_KilledRepeatedly_NoLineLost()
    {
        // End-to-end acknowledgement: positions move only after delivery, so what a kill takes from memory is read again.
        var loop = new CrashLoop(WriteConfig("""
              <buffer>
                @type memory
                flush_mode interval
                flush_interval 0.2s
                chunk_limit_size 64k
              </buffer>
            """), CrashLoop.ChooseSeed());
        var writer = new NumberedLineWriter(LogPath, linesPerSecond: 4000, maxLines: 400_000);
        await using (writer)
        {
            await loop.KillRepeatedlyAsync(kills: 6, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(1500));
        }

        var tally = await FinishAndTallyAsync(loop, writer.Written);

        Assert.True(tally.Missing.Count == 0, $"{loop.Describe()}: {tally.Summary()}; first lost: {string.Join(", ", tally.Missing.Take(20))}\n{loop.History}");
        Assert.True(tally.Unexpected.Count == 0, $"{loop.Describe()}: {tally.Summary()}");
        Assert.True(loop.Errors.Count == 0, $"{loop.Describe()}: ERROR logged:\n{string.Join("\n", loop.Errors)}");
    }

    [Fact]
    public async Task FileBuffer_StoppedGracefully_EveryLineExactlyOnce()
    {
        var loop = new CrashLoop(WriteConfig(FileBuffer()), CrashLoop.ChooseSeed());
        var writer = new NumberedLineWriter(LogPath, linesPerSecond: 4000, maxLines: 400_000);
        await using (writer)
        {
            await loop.StopRepeatedlyAsync(stops: 3, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(1500));
        }

        var tally = await FinishAndTallyAsync(loop, writer.Written);

        Assert.True(tally.Missing.Count == 0 && tally.Duplicates == 0 && tally.Unexpected.Count == 0, $"{loop.Describe()}: {tally.Summary()}\n{loop.History}");
        Assert.True(loop.Errors.Count == 0, $"{loop.Describe()}: ERROR logged:\n{string.Join("\n", loop.Errors)}");
    }

    private string FileBuffer() => $"""
          <buffer>
            @type file
            path {_dir["buffer"]}
            flush_mode interval
            flush_interval 0.2s
            chunk_limit_size 64k
          </buffer>
        """;

    private string WriteConfig(string buffer)
    {
        var path = _dir["fluent.conf"];
        File.WriteAllText(path, $"""
            <source>
              @type tail
              path {LogPath}
              pos_file {PosPath}
              tag crash.app
              read_from_head true
              <parse>
                @type none
              </parse>
            </source>
            <match crash.**>
              @type file
              path {_dir["out"]}/events
              append true
            {buffer}
            </match>
            """);
        return path;
    }

    /// <summary>Runs the agent until the pos_file covers the whole log, stops it gracefully, and counts what arrived.</summary>
    private async Task<LineTally> FinishAndTallyAsync(CrashLoop loop, int written)
    {
        var length = new FileInfo(LogPath).Length;
        await loop.FinishAsync(() => LineTally.SavedOffset(PosPath, LogPath) == length, TimeSpan.FromSeconds(60));

        var tally = new LineTally(written);
        foreach (var file in Directory.GetFiles(_dir["out"], "events.*"))
        {
            tally.AddOutFileText(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
        }

        TestContext.Current.SendDiagnosticMessage($"{loop.Describe()}: {tally.Summary()}");
        TestContext.Current.TestOutputHelper?.WriteLine($"{loop.Describe()}: {tally.Summary()}");
        return tally;
    }
}
