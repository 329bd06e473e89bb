using System.Globalization;
using System.Text;
using Tailship.Inputs.Tail;

namespace Tailship.Tests.Inputs.Tail;

public sealed class TailInputTests : IAsyncDisposable
{
    private readonly TailHarness _h = new();
    private readonly CapturingRouter _router = new();

    public async ValueTask DisposeAsync()
    {
        await _h.DisposeAsync();
        _router.Dispose();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Lines(int from, int to) =>
        string.Concat(Enumerable.Range(from, to - from + 1).Select(i => i.ToString(CultureInfo.InvariantCulture) + "\n"));

    private static List<string> Numbers(int from, int to) =>
        Enumerable.Range(from, to - from + 1).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();

    [Fact]
    public void Built_RegistersWhatItWillReadForBufferRecovery()
    {
        var log = _h.PathOf("app.log");
        var skipped = _h.PathOf("app.skip.log");
        File.WriteAllText(log, "a\n");
        File.WriteAllText(skipped, "b\n");
        var pos = _h.PathOf("app.pos");
        _h.Sources = new Tailship.Buffers.SourceRegistry();

        _h.Create(("path", _h.PathOf("*.log")), ("exclude_path", skipped), ("pos_file", pos), ("tag", "a"));

        Assert.True(_h.Sources.WillRead(pos, log));
        Assert.False(_h.Sources.WillRead(pos, skipped));
        Assert.False(_h.Sources.WillRead(_h.PathOf("other.pos"), log));
    }

    [Fact]
    public async Task ReadFromHead_EveryLineInOrder_WithTagAndPathKey()
    {
        var log = _h.PathOf("web.log");
        await File.WriteAllTextAsync(log, Lines(1, 2500), Ct);
        await _h.StartAsync(_router, ("path", log), ("tag", "a.*"), ("read_from_head", "true"), ("path_key", "file"));
        await _router.WaitForCountAsync(2500);
        Assert.Equal(Numbers(1, 2500), _router.Messages);
        var first = _router.Events[0];
        Assert.Equal("a." + TailTag.PathTag(log), first.Tag);
        Assert.Equal(log, first.Record["file"].AsString);
        Assert.Equal("file", first.Record.KeyAt(first.Record.Count - 1)); // path_key goes last
    }

    [Fact]
    public async Task StartAtEnd_ByDefault_OnlyNewLinesAreRead()
    {
        var log = _h.PathOf("app.log");
        await File.WriteAllTextAsync(log, Lines(1, 10), Ct);
        var input = await _h.StartAsync(_router, ("path", log), ("tag", "t"));
        await File.AppendAllTextAsync(log, Lines(11, 20), Ct);
        await _router.WaitForCountAsync(10);
        await input.StopAsync(Ct);
        Assert.Equal(Numbers(11, 20), _router.Messages);
    }

    [Fact]
    public async Task FileCreatedAfterStart_IsReadFromItsHead_WithoutWaitingForRefresh()
    {
        await _h.StartAsync(_router, ("path", _h.PathOf("*.log")), ("tag", "t"), ("refresh_interval", "60"));
        var log = _h.PathOf("late.log");
        await File.WriteAllTextAsync(log, Lines(1, 5), Ct);
        await _router.WaitForCountAsync(5, seconds: 20);
        Assert.Equal(Numbers(1, 5), _router.Messages);
    }

    [Fact]
    public async Task UnterminatedLastLine_HeldAcrossStopAndCompletedLater()
    {
        var log = _h.PathOf("partial.log");
        var pos = _h.PathOf("partial.pos");
        await File.WriteAllTextAsync(log, "first\nsecond\nthi", Ct);
        var input = await _h.StartAsync(_router, ("path", log), ("tag", "t"), ("read_from_head", "true"), ("pos_file", pos));
        await _router.WaitForCountAsync(2);
        await input.StopAsync(Ct);
        Assert.Equal(["first", "second"], _router.Messages);
        var entry = Assert.Single(TailHarness.ReadPosFile(pos));
        Assert.Equal(13, Convert.ToInt64(entry.Split('\t')[1], 16)); // just after the last LF

        await File.AppendAllTextAsync(log, "rd\n", Ct);
        await _h.StartAsync(_router, ("path", log), ("tag", "t"), ("pos_file", pos));
        await _router.WaitForCountAsync(3);
        Assert.Equal(["first", "second", "third"], _router.Messages);
    }

    [Fact]
    public async Task PosFile_GracefulRestart_ResumesWithoutLossOrRepeat()
    {
        var log = _h.PathOf("r.log");
        var pos = _h.PathOf("r.pos");
        await File.WriteAllTextAsync(log, Lines(1, 3000), Ct);
        var first = await _h.StartAsync(_router, ("path", log), ("tag", "t"), ("read_from_head", "true"), ("pos_file", pos));
        await _router.WaitForCountAsync(3000);
        await first.StopAsync(Ct);
        await File.AppendAllTextAsync(log, Lines(3001, 4000), Ct);
        await _h.StartAsync(_router, ("path", log), ("tag", "t"), ("read_from_head", "true"), ("pos_file", pos));
        await _router.WaitForCountAsync(4000);
        Assert.Equal(Numbers(1, 4000), _router.Messages);
        var line = Assert.Single(TailHarness.ReadPosFile(pos)).Split('\t');
        Assert.Equal(log, line[0]);
        Assert.Matches("^[0-9a-f]{16}$", line[1]);
        Assert.Matches("^[0-9a-f]{16}$", line[2]);
    }

    [Fact]
    public async Task Crash_PositionNeverCoversUnacceptedLines_RestartDeliversEachLineOnce()
    {
        var log = _h.PathOf("c.log");
        var pos = _h.PathOf("c.pos");
        await File.WriteAllTextAsync(log, Lines(1, 5000), Ct);
        using var crashed = new CapturingRouter();
        crashed.BlockAfter(1500); // accepts whole batches up to at least 1500 lines, then hangs like a dead process
        var saved = new SemaphoreSlim(0);
        var first = _h.Create(("path", log), ("tag", "t"), ("read_from_head", "true"), ("pos_file", pos), ("read_lines_limit", "500"));
        await first.StartAsync(crashed, Ct);
        await crashed.WaitForCountAsync(1500);
        var accepted = crashed.Count;
        await WaitForPosOffsetAsync(pos, Encoding.UTF8.GetByteCount(Lines(1, accepted)));

        // The first input is never stopped (its emit hangs); a new process would start from the pos_file.
        var second = await _h.StartAsync(_router, ("path", log), ("tag", "t"), ("pos_file", pos));
        await _router.WaitForCountAsync(5000 - accepted);
        await second.StopAsync(Ct);
        Assert.Equal(Numbers(1, 5000), crashed.Messages.Concat(_router.Messages).ToList());
    }

    private static async Task WaitForPosOffsetAsync(string pos, long offset)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var lines = TailHarness.ReadPosFile(pos);
            if (lines.Length == 1 && Convert.ToInt64(lines[0].Split('\t')[1], 16) == offset)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"pos_file never reached offset {offset}: {string.Join(" | ", lines)}");
            await Task.Delay(10, Ct);
        }
    }

    [Fact]
    public async Task FluentdPosFile_IsResumedWhereFluentdLeftOff()
    {
        var log = _h.PathOf("fluentd.log");
        var pos = _h.PathOf("fluentd.pos");
        await File.WriteAllTextAsync(log, Lines(1, 100), Ct);
        Assert.Equal(FileStatError.None, FileStatReader.TryStat(log, out var stat));
        var offset = Encoding.UTF8.GetByteCount(Lines(1, 60));

        // Exactly what Fluentd writes: an unwatched entry, then the live one, each PATH\tOFFSET\tINODE.
        await File.WriteAllTextAsync(pos, $"/var/log/old.log\tffffffffffffffff\t0000000000000042\n{log}\t{offset:x16}\t{stat.Inode:x16}\n", Ct);
        var input = await _h.StartAsync(_router, ("path", log), ("tag", "t"), ("pos_file", pos));
        await _router.WaitForCountAsync(40);
        await input.StopAsync(Ct);
        Assert.Equal(Numbers(61, 100), _router.Messages);
        Assert.Equal($"{log}\t{new FileInfo(log).Length:x16}\t{stat.Inode:x16}", Assert.Single(TailHarness.ReadPosFile(pos)));
    }

    [Fact]
    public async Task PosFileOfAnotherInode_FileRotatedWhileStopped_ReadFromHead()
    {
        var log = _h.PathOf("rot.log");
        var pos = _h.PathOf("rot.pos");
        await File.WriteAllTextAsync(log, Lines(1, 5), Ct);
        await File.WriteAllTextAsync(pos, $"{log}\t{999:x16}\t{123456789:x16}\n", Ct);
        await _h.StartAsync(_router, ("path", log), ("tag", "t"), ("pos_file", pos));
        await _router.WaitForCountAsync(5);
        Assert.Equal(Numbers(1, 5), _router.Messages);
    }

    [Fact]
    public async Task MaxLineSize_LongLineDroppedWithWarning_BytesConsumed()
    {
        var log = _h.PathOf("long.log");
        var pos = _h.PathOf("long.pos");
        await File.WriteAllTextAsync(log, "ok1\n" + new string('x', 5_000_000) + "\nok2\n", Ct);
        var input = await _h.StartAsync(_router, ("path", log), ("tag", "t"), ("read_from_head", "true"), ("max_line_size", "1k"), ("pos_file", pos));
        await _router.WaitForCountAsync(2);
        await input.StopAsync(Ct);
        Assert.Equal(["ok1", "ok2"], _router.Messages);
        Assert.Contains(_h.Logs.Warnings, w => w.Contains("received line length is longer than 1024", StringComparison.Ordinal));
        Assert.Equal(new FileInfo(log).Length, Convert.ToInt64(Assert.Single(TailHarness.ReadPosFile(pos)).Split('\t')[1], 16));
    }

    [Fact]
    public async Task InvalidUtf8AndNul_PassedThroughUnchanged()
    {
        var log = _h.PathOf("bin.log");
        byte[] bad = [0x41, 0x00, 0xFF, 0xFE, 0xC3, 0x28, 0x42];
        await File.WriteAllBytesAsync(log, [.. bad, 0x0A, 0x6F, 0x6B, 0x0A], Ct);
        await _h.StartAsync(_router, ("path", log), ("tag", "t"), ("read_from_head", "true"));
        await _router.WaitForCountAsync(2);
        Assert.Equal(bad, _router.Events[0].MessageBytes);
        Assert.Equal("ok", _router.Events[1].Message);
    }

    [Fact]
    public async Task UnmatchedLines_WarnedOrEmitted()
    {
        var log = _h.PathOf("u.log");
        await File.WriteAllTextAsync(log, "good\nBAD line\nfine\n", Ct);
        await _h.StartAsync(_router, ("path", log), ("tag", "t"), ("read_from_head", "true"), ("parse.reject_prefix", "BAD"));
        await _router.WaitForCountAsync(2);
        await _h.Logs.WaitForAsync(m => m.Contains("pattern not matched: \"BAD line\"", StringComparison.Ordinal));
        Assert.Equal(["good", "fine"], _router.Messages);

        using var second = new CapturingRouter();
        var log2 = _h.PathOf("u2.log");
        await File.WriteAllTextAsync(log2, "good\nBAD line\n", Ct);
        await _h.StartAsync(second, ("path", log2), ("tag", "t"), ("read_from_head", "true"), ("parse.reject_prefix", "BAD"), ("emit_unmatched_lines", "true"));
        await second.WaitForCountAsync(2);
        Assert.Equal("BAD line", second.Events[1].Record["unmatched_line"].AsString);
    }

    [Fact]
    public async Task RouterRefusesBatches_LinesReadAgain_NoneLostOrRepeated()
    {
        var log = _h.PathOf("f.log");
        await File.WriteAllTextAsync(log, Lines(1, 300), Ct);
        _router.FailNext(2);
        await _h.StartAsync(_router, ("path", log), ("tag", "t"), ("read_from_head", "true"), ("read_lines_limit", "100"));
        await _router.WaitForCountAsync(300);
        Assert.Equal(Numbers(1, 300), _router.Messages);
        Assert.Contains(_h.Logs.Warnings, w => w.Contains("did not accept", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DirectoryWhereAFileWasExpected_Warned_OtherFilesGoOn()
    {
        var dir = _h.PathOf("notafile.log");
        Directory.CreateDirectory(dir);
        var good = _h.PathOf("good.log");
        await File.WriteAllTextAsync(good, Lines(1, 3), Ct);
        await _h.StartAsync(_router, ("path", $"{dir},{good}"), ("tag", "t"), ("read_from_head", "true"));
        await _router.WaitForCountAsync(3);
        await _h.Logs.WaitForAsync(m => m.Contains("is a directory", StringComparison.Ordinal));
        await File.AppendAllTextAsync(good, Lines(4, 6), Ct);
        await _router.WaitForCountAsync(6);
        Assert.Equal(Numbers(1, 6), _router.Messages);
    }

    [Fact]
    public async Task FileVanishesMidRead_ItsWrittenLinesStillRead_OtherFilesGoOn()
    {
        var doomed = _h.PathOf("doomed.log");
        var other = _h.PathOf("other.log");
        await File.WriteAllTextAsync(doomed, "d1\n", Ct);
        await File.WriteAllTextAsync(other, "o1\n", Ct);
        await _h.StartAsync(_router, ("path", _h.PathOf("*.log")), ("tag", "t"), ("read_from_head", "true"), ("rotate_wait", "1"));
        await _router.WaitForCountAsync(2);
        await using (var w = new FileStream(doomed, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        {
            File.Delete(doomed);
            await w.WriteAsync("d2\n"u8.ToArray(), Ct); // written after the unlink, through the writer's open handle
        }

        await _h.Logs.WaitForAsync(m => m.Contains("is no longer watched", StringComparison.Ordinal));
        await File.AppendAllTextAsync(other, "o2\n", Ct);
        await _router.WaitUntilAsync(r => r.Messages.Contains("o2"));
        Assert.Contains("d2", _router.Messages);
        Assert.Equal(4, _router.Count);
    }

    [Fact]
    public async Task FromEncoding_ConvertsToUtf8()
    {
        var log = _h.PathOf("latin.log");
        await File.WriteAllBytesAsync(log, [0x63, 0x61, 0x66, 0xE9, 0x0A], Ct); // "café" in ISO-8859-1
        await _h.StartAsync(_router, ("path", log), ("tag", "t"), ("read_from_head", "true"), ("encoding", "UTF-8"), ("from_encoding", "ISO-8859-1"));
        await _router.WaitForCountAsync(1);
        Assert.Equal("café", _router.Messages[0]);
    }

    [Fact]
    public async Task ReadBytesLimitPerSecond_SlowsReadingButLosesNothing()
    {
        var log = _h.PathOf("slow.log");
        await File.WriteAllTextAsync(log, Lines(1, 4000), Ct); // about 19 KB: at 8 KB/s it takes over two seconds
        var started = DateTime.UtcNow;
        await _h.StartAsync(_router, ("path", log), ("tag", "t"), ("read_from_head", "true"), ("read_bytes_limit_per_second", "8192"));
        await _router.WaitForCountAsync(4000);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(1.5), "the limit was not applied");
        Assert.Equal(Numbers(1, 4000), _router.Messages);
    }

    [Fact]
    public async Task CommitPolicy_DecidesWhenPositionsAreSaved()
    {
        var log = _h.PathOf("p.log");
        var pos = _h.PathOf("p.pos");
        await File.WriteAllTextAsync(log, Lines(1, 10), Ct);
        var held = new HoldingPolicy();
        var input = _h.Create(held, ("path", log), ("tag", "t"), ("read_from_head", "true"), ("pos_file", pos));
        await input.StartAsync(_router, Ct);
        await _router.WaitForCountAsync(10);
        await held.Seen.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Empty(TailHarness.ReadPosFile(pos)); // accepted by the router, but not yet durable: nothing saved
        held.CommitAll();
        await input.StopAsync(Ct);
        Assert.Equal(Encoding.UTF8.GetByteCount(Lines(1, 10)), Convert.ToInt64(Assert.Single(TailHarness.ReadPosFile(pos)).Split('\t')[1], 16));
    }

    private sealed class HoldingPolicy : IPositionCommitPolicy
    {
        private readonly List<PositionCheckpoint> _held = [];
        private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Seen => _seen.Task;

        public void OnAccepted(PositionCheckpoint checkpoint)
        {
            lock (_held)
            {
                _held.Add(checkpoint);
            }

            _seen.TrySetResult();
        }

        public void CommitAll()
        {
            lock (_held)
            {
                _held.ForEach(c => c.Commit());
            }
        }
    }
}
