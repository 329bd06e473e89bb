using System.Globalization;
using Tailship.Buffers;
using Tailship.Inputs.Tail;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Buffers;

/// <summary>
/// A file buffer keeps where each batch was read from; after a crash it drops the batches the tail never saved as read
/// (the tail reads them again), so a kill between the buffer's fsync and the pos_file write buffers them once, not twice.
/// </summary>
public sealed class SourceRollbackTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string _subdirectory = "";

    private string LogPath => _dir[Path.Combine(_subdirectory, "app.log")];

    private string PosPath => _dir[Path.Combine(_subdirectory, "app.log.pos")];

    [Fact]
    public async Task BatchPastSavedPosition_DroppedOnRecovery()
    {
        var inode = WriteLog("a\nb\nc\nd\n");
        WritePos(LogPath, offset: 4, inode);
        await CrashAfterAsync(Emit(0, 4, inode, "a", "b"), Emit(4, 8, inode, "c", "d"));

        var (lines, logs) = await RecoverAsync();

        Assert.Equal(["a", "b"], lines);
        Assert.Contains(logs.Entries, e => e.Message.Contains("removed 2 records", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false, "text")]
    [InlineData(true, "text")]
    [InlineData(false, "gzip")]
    [InlineData(true, "gzip")]
    public async Task SourceFrameInPlaceOrCopied_BatchPastSavedPositionDropped(bool longPaths, string compress)
    {
        // The source frame is written in the batch's prefix room when it fits (uncompressed, paths short enough) and
        // copied in front of the batch otherwise; recovery reads it either way.
        if (longPaths)
        {
            _subdirectory = string.Join('/', Enumerable.Repeat(new string('d', 120), 3));
            Directory.CreateDirectory(_dir[_subdirectory]);
        }

        var inode = WriteLog("a\nb\nc\nd\n");
        WritePos(LogPath, offset: 4, inode);
        await CrashAfterAsync([("compress", compress)], Emit(0, 4, inode, "a", "b"), Emit(4, 8, inode, "c", "d"));

        var (lines, logs) = await RecoverAsync("", ("compress", compress));

        Assert.Equal(["a", "b"], lines);
        Assert.Contains(logs.Entries, e => e.Message.Contains("removed 2 records", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SourceStillConfigured_BatchPastSavedPositionDropped()
    {
        var inode = WriteLog("a\nb\nc\nd\n");
        WritePos(LogPath, offset: 4, inode);
        await CrashAfterAsync(Emit(0, 4, inode, "a", "b"), Emit(4, 8, inode, "c", "d"));
        var sources = new SourceRegistry();
        sources.Add(PosPath, path => path == LogPath);

        var (lines, _) = await RecoverWithAsync(sources);

        Assert.Equal(["a", "b"], lines);
    }

    [Theory]
    [InlineData("no input")]
    [InlineData("path no longer tailed")]
    [InlineData("another pos_file")]
    public async Task SourceNoLongerConfigured_BatchKept(string change)
    {
        // The configuration changed across the crash: nothing of this run reads the file again, so dropping the
        // batch the pos_file does not cover would lose it.
        var inode = WriteLog("a\nb\nc\nd\n");
        WritePos(LogPath, offset: 4, inode);
        await CrashAfterAsync(Emit(0, 4, inode, "a", "b"), Emit(4, 8, inode, "c", "d"));
        var sources = new SourceRegistry();
        switch (change)
        {
            case "path no longer tailed":
                sources.Add(PosPath, path => path != LogPath);
                break;
            case "another pos_file":
                sources.Add(_dir["other.pos"], _ => true);
                break;
        }

        var (lines, _) = await RecoverWithAsync(sources);

        Assert.Equal(["a", "b", "c", "d"], lines);
    }

    [Fact]
    public async Task EveryBatchPastSavedPosition_ChunkRemoved()
    {
        var inode = WriteLog("a\nb\n");
        WritePos(LogPath, offset: 0, inode);
        await CrashAfterAsync(Emit(0, 4, inode, "a", "b"));

        var (lines, _) = await RecoverAsync();

        Assert.Empty(lines);
        Assert.Empty(Directory.GetFiles(_dir["buf"]));
    }

    [Fact]
    public async Task CopyTruncatedAndRegrown_OldBatchesKept()
    {
        // Old content "a..d" buffered, the file copytruncated and rewritten (same inode), its first batch saved: the
        // old batch over [4, 8) must not be dropped, since offset 4 now holds other lines.
        var inode = WriteLog("e\nf\ng\nh\n");
        WritePos(LogPath, offset: 4, inode);
        await CrashAfterAsync(Emit(0, 4, inode, "a", "b"), Emit(4, 8, inode, "c", "d"), Emit(0, 4, inode, "e", "f"), Emit(4, 8, inode, "g", "h"));

        var (lines, _) = await RecoverAsync();

        Assert.Equal(["a", "b", "c", "d", "e", "f", "g", "h"], lines);
    }

    [Fact]
    public async Task BatchSplitAcrossChunks_DroppedFromEach()
    {
        var inode = WriteLog("a\nb\nc\nd\n");
        WritePos(LogPath, offset: 4, inode);
        var host = new BufferedOutputHost(new RecordingOutput(), Options("time", ("timekey", "60")), BufferTest.Context(TimeProvider.System), null);
        await EmitAsync(host, new DeliverySource(PosPath, LogPath, inode, 0, 4, 1), BufferTest.Batch(BufferTest.Start, "a", "b"));
        var split = new Tailship.Events.EventBatch();
        split.Add(Tailship.Events.EventTime.FromDateTimeOffset(BufferTest.Start), Record("c"));
        split.Add(Tailship.Events.EventTime.FromDateTimeOffset(BufferTest.Start.AddMinutes(1)), Record("d"));
        await EmitAsync(host, new DeliverySource(PosPath, LogPath, inode, 4, 8, 2), split);

        var (lines, _) = await RecoverAsync("time", ("timekey", "60"));

        Assert.Equal(["a", "b"], lines);
    }

    [Theory]
    [InlineData("other inode")]
    [InlineData("no entry")]
    [InlineData("no pos_file")]
    [InlineData("file shorter")]
    [InlineData("file rotated")]
    public async Task SourceWillNotReadAgain_BatchKept(string why)
    {
        var inode = WriteLog("a\nb\nc\nd\n");
        switch (why)
        {
            case "other inode":
                WritePos(LogPath, 4, inode + 1);
                break;
            case "no entry":
                WritePos(_dir["other.log"], 4, inode);
                break;
            case "file shorter":
                WritePos(LogPath, 4, inode);
                break;
            case "file rotated":
                WritePos(LogPath, 4, inode);
                break;
        }

        await CrashAfterAsync(Emit(0, 4, inode, "a", "b"), Emit(4, 8, inode, "c", "d"));
        if (why == "file shorter")
        {
            File.WriteAllText(LogPath, "a\n");
        }
        else if (why == "file rotated")
        {
            File.Move(LogPath, LogPath + ".1");
            File.WriteAllText(LogPath, "a\nb\nc\nd\ne\n");
        }

        var (lines, _) = await RecoverAsync();

        Assert.Equal(["a", "b", "c", "d"], lines);
    }

    private static (long Start, long End, ulong Inode, string[] Messages) Emit(long start, long end, ulong inode, params string[] messages) => (start, end, inode, messages);

    private ulong WriteLog(string text)
    {
        File.WriteAllText(LogPath, text);
        Assert.Equal(FileStatError.None, FileStatReader.TryStat(LogPath, out var stat));
        return stat.Inode;
    }

    private void WritePos(string path, long offset, ulong inode) =>
        File.WriteAllText(PosPath, string.Create(CultureInfo.InvariantCulture, $"{path}\t{offset:x16}\t{inode:x16}\n"));

    private BufferOptions Options(string keys = "", params (string Key, string Value)[] more) =>
        BufferTest.Options(keys, [("@type", "file"), ("path", _dir["buf"] + "/"), ("flush_mode", "lazy"), .. more]);

    private static Tailship.Events.Record Record(string message)
    {
        var r = new Tailship.Events.Record();
        r.Append("message", message);
        return r;
    }

    private static async Task EmitAsync(BufferedOutputHost host, DeliverySource source, Tailship.Events.EventBatch batch)
    {
        var ack = new DeliveryAcknowledgement { Source = source };
        using (DeliveryScope.Enter(ack))
        {
            await host.EmitAsync("app", batch, CancellationToken.None);
        }

        ack.Seal();
    }

    /// <summary>Emits each batch as the tail would (inside a delivery scope naming its source), then abandons the host as a kill would.</summary>
    private Task CrashAfterAsync(params (long Start, long End, ulong Inode, string[] Messages)[] batches) => CrashAfterAsync([], batches);

    private async Task CrashAfterAsync((string Key, string Value)[] options, params (long Start, long End, ulong Inode, string[] Messages)[] batches)
    {
        var host = new BufferedOutputHost(new RecordingOutput(), Options("", options), BufferTest.Context(TimeProvider.System), null);
        foreach (var (start, end, inode, messages) in batches)
        {
            var ack = new DeliveryAcknowledgement { Source = new DeliverySource(PosPath, LogPath, inode, start, end, Random.Shared.NextInt64()) };
            using (DeliveryScope.Enter(ack))
            {
                await host.EmitAsync("app", BufferTest.Batch(BufferTest.Start, messages), CancellationToken.None);
            }

            ack.Seal();
        }
    }

    private Task<(List<string> Lines, ListLoggerFactory Logs)> RecoverWithAsync(SourceRegistry sources) => RecoverCoreAsync(sources, "", []);

    private Task<(List<string> Lines, ListLoggerFactory Logs)> RecoverAsync(string keys = "", params (string Key, string Value)[] more) => RecoverCoreAsync(null, keys, more);

    private async Task<(List<string> Lines, ListLoggerFactory Logs)> RecoverCoreAsync(SourceRegistry? sources, string keys, (string Key, string Value)[] more)
    {
        var logs = new ListLoggerFactory();
        var output = new RecordingOutput();
        await using var host = new BufferedOutputHost(output, Options(keys, more), BufferTest.Context(TimeProvider.System, logs, sources), null);
        host.RecoverChunks();
        await host.FlushAllAsync(TestContext.Current.CancellationToken);
        return (output.Lines().Select(l => l.Split('\t')[1]).ToList(), logs);
    }
}
