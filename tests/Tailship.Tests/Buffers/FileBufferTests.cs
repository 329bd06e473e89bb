using Microsoft.Extensions.Logging;
using Tailship.Buffers;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Buffers;

public sealed class FileBufferTests : IDisposable
{
    private readonly ManualTime _time = new(BufferTest.Start);
    private readonly TempDirectory _temp = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Dir => _temp.Path;

    public void Dispose() => _temp.Dispose();

    private BufferOptions Options(params (string, string)[] extra) =>
        BufferTest.Options("tag", [("@type", "file"), ("path", Dir), ("flush_mode", "lazy"), .. extra]);

    private BufferedOutputHost Host(RecordingOutput output, BufferOptions options, ListLoggerFactory? logs = null) =>
        new(output, options, BufferTest.Context(_time, logs), null, () => 0.5);

    private string[] ChunkFiles() => Directory.GetFiles(Dir, "buffer.b*.log");

    /// <summary>Simulates kill -9: the host is dropped without stop; its file handles are closed so the test can reopen.</summary>
    private static void Crash(BufferedOutputHost host) => host.Buffer.CloseAll();

    [Fact]
    public async Task EmitReturned_ChunkSurvivesCrashWithStableId()
    {
        var first = Host(new RecordingOutput(), Options());
        await first.EmitAsync("app", BufferTest.Batch(BufferTest.Start, "a", "b"), Ct);
        await first.EmitAsync("app", BufferTest.Batch(BufferTest.Start, "c"), Ct);
        Crash(first);
        var file = Assert.Single(ChunkFiles());

        var output = new RecordingOutput();
        await using var second = Host(output, Options());
        Assert.Equal(1, second.RecoverChunks());
        Assert.Equal(1, await BufferTest.DrainAsync(second));
        var chunk = output.Written.Single();
        Assert.Equal("app\ta\napp\tb\napp\tc\n", chunk.Text);
        Assert.Equal("app", chunk.Metadata.Tag);
        Assert.Equal(3, chunk.Records);
        Assert.Contains(chunk.Id, Path.GetFileName(file), StringComparison.Ordinal);
        Assert.Empty(ChunkFiles()); // deleted only after WriteAsync returned
    }

    [Fact]
    public async Task FailedWrite_ChunkStaysOnDisk()
    {
        var output = new RecordingOutput { BeforeWrite = _ => throw new IOException("down") };
        var host = Host(output, Options(("flush_mode", "immediate")));
        await host.EmitAsync("app", BufferTest.Batch(BufferTest.Start, "a"), Ct);
        Assert.Equal(FlushResult.Failed, await host.FlushOnceAsync(Ct));
        Assert.Single(ChunkFiles());
        await host.StopAsync(new CancellationToken(canceled: true));
        Assert.Single(ChunkFiles()); // kept for the next start
    }

    [Fact]
    public async Task TornTail_CutAtLastWholeBatch()
    {
        var first = Host(new RecordingOutput(), Options());
        await first.EmitAsync("app", BufferTest.Batch(BufferTest.Start, "a"), Ct);
        await first.EmitAsync("app", BufferTest.Batch(BufferTest.Start, "b"), Ct);
        Crash(first);
        var file = Assert.Single(ChunkFiles());
        var whole = new FileInfo(file).Length;

        // A third batch that was being written when the process died: header and half its payload.
        await using (var s = new FileStream(file, FileMode.Append))
        {
            var frame = ChunkFrame.Build(FrameKind.Records, BufferCompression.Text, "app\tc\n"u8, 6, 1, checksum: true, out var length);
            s.Write(frame, 0, length - 3);
        }

        var logs = new ListLoggerFactory();
        var output = new RecordingOutput();
        await using var second = Host(output, Options(), logs);
        second.RecoverChunks();
        Assert.Equal(whole, new FileInfo(file).Length);
        await BufferTest.DrainAsync(second);
        Assert.Equal(["app\ta", "app\tb"], output.Lines());
        Assert.Contains(logs.Messages(LogLevel.Warning), m => m.Contains("torn tail", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ZeroFilledTail_IsTornNotDamaged()
    {
        var first = Host(new RecordingOutput(), Options());
        await first.EmitAsync("app", BufferTest.Batch(BufferTest.Start, "a"), Ct);
        Crash(first);
        var file = Assert.Single(ChunkFiles());
        await using (var s = new FileStream(file, FileMode.Append))
        {
            s.Write(new byte[100]);
        }

        var output = new RecordingOutput();
        await using var second = Host(output, Options());
        Assert.Equal(1, second.RecoverChunks());
        await BufferTest.DrainAsync(second);
        Assert.Equal(["app\ta"], output.Lines());
    }

    [Fact]
    public async Task DamagedChunk_MovedAsideKeptAndReported()
    {
        var first = Host(new RecordingOutput(), Options());
        await first.EmitAsync("app", BufferTest.Batch(BufferTest.Start, "aaaa"), Ct);
        await first.EmitAsync("app", BufferTest.Batch(BufferTest.Start, "bbbb"), Ct);
        Crash(first);
        var file = Assert.Single(ChunkFiles());
        var bytes = await File.ReadAllBytesAsync(file, Ct);
        var index = bytes.AsSpan().IndexOf("aaaa"u8);
        bytes[index] = (byte)'x'; // a flipped byte in the middle: not a torn tail
        await File.WriteAllBytesAsync(file, bytes, Ct);

        var logs = new ListLoggerFactory();
        var output = new RecordingOutput();
        await using var second = Host(output, Options(), logs);
        Assert.Equal(0, second.RecoverChunks());
        Assert.Empty(ChunkFiles());
        Assert.True(File.Exists(file + ".damaged"));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(file + ".damaged", Ct));
        Assert.Equal(1, second.Counters.DamagedChunks);
        Assert.Contains(logs.Messages(LogLevel.Error), m => m.Contains("damaged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Annotations_SurviveReopen()
    {
        var output = new RecordingOutput { BeforeWrite = c => throw new IOException("down") };
        var first = Host(output, Options(("flush_mode", "immediate")));
        await first.EmitAsync("app", BufferTest.Batch(BufferTest.Start, "a"), Ct);
        first.Buffer.EnqueueDue(force: true);
        var chunk = first.Buffer.Take()!;
        await chunk.SetAnnotationAsync("s3_key", "logs/202611260120_0.txt", Ct);
        await chunk.SetAnnotationAsync("s3_key", "logs/202611260120_1.txt", Ct);
        Assert.Equal("logs/202611260120_1.txt", chunk.GetAnnotation("s3_key"));
        var id = chunk.Id;
        Crash(first);

        IChunk? seen = null;
        var second = Host(new RecordingOutput { BeforeWrite = c => seen = c }, Options());
        second.RecoverChunks();
        await BufferTest.DrainAsync(second);
        Assert.NotNull(seen);
        Assert.Equal(id, seen.Id);
        Assert.Equal("logs/202611260120_1.txt", seen.GetAnnotation("s3_key"));
        Assert.Empty(Directory.GetFiles(Dir)); // chunk and annotations gone after delivery
        await second.DisposeAsync();
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("zstd")]
    public async Task Compression_StoredCompressedReadUncompressed(string codec)
    {
        var first = Host(new RecordingOutput(), Options(("compress", codec)));
        var lines = Enumerable.Range(0, 200).Select(i => $"line {i} the same text again and again").ToArray();
        await first.EmitAsync("app", BufferTest.Batch(BufferTest.Start, lines), Ct);
        Crash(first);
        Assert.True(new FileInfo(Assert.Single(ChunkFiles())).Length < lines.Sum(l => l.Length) / 2);

        var output = new RecordingOutput();
        await using var second = Host(output, Options(("compress", codec)));
        second.RecoverChunks();
        await BufferTest.DrainAsync(second);
        Assert.Equal(lines.Select(l => "app\t" + l), output.Lines());
    }

    [Fact]
    public async Task GiveUp_FileChunkKeptAsFailed()
    {
        var output = new RecordingOutput { BeforeWrite = _ => throw new UnrecoverableOutputException("bad bucket") };
        await using var host = Host(output, Options(("flush_mode", "immediate")));
        await host.EmitAsync("app", BufferTest.Batch(BufferTest.Start, "a"), Ct);
        await host.FlushOnceAsync(Ct);
        Assert.Empty(ChunkFiles());
        Assert.Single(Directory.GetFiles(Dir, "*.failed"));
        Assert.Equal(1, host.Counters.FailedChunks);
        Assert.Equal(0, host.Counters.DroppedRecords);
    }

    [Fact]
    public async Task NotWritableDirectory_EmitWaitsAndResumesWhenFixed()
    {
        // A path under a regular file fails for every user (root ignores directory permissions).
        var blocker = Path.Combine(Dir, "blocker");
        await File.WriteAllTextAsync(blocker, "not a directory", Ct);
        var options = BufferTest.Options("tag", ("@type", "file"), ("path", Path.Combine(blocker, "buf") + "/"), ("flush_thread_interval", "1s"));
        var logs = new ListLoggerFactory();
        await using var host = Host(new RecordingOutput(), options, logs);
        var emit = host.EmitAsync("app", BufferTest.Batch(BufferTest.Start, "a"), Ct).AsTask();
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!host.StorageFailing && DateTime.UtcNow < until)
        {
            await Task.Delay(5, Ct);
        }

        Assert.True(host.StorageFailing);
        Assert.False(emit.IsCompleted); // the emitter waits: reading pauses, its position stays
        Assert.Contains(logs.Messages(LogLevel.Error), m => m.Contains("cannot write to the buffer", StringComparison.Ordinal));

        File.Delete(blocker);
        until = DateTime.UtcNow.AddSeconds(10);
        while (!emit.IsCompleted && DateTime.UtcNow < until)
        {
            _time.Advance(TimeSpan.FromSeconds(1)); // the emit retries once per flush_thread_interval
            await Task.Delay(5, Ct);
        }

        await emit;
        Assert.False(host.StorageFailing);
        Assert.Single(Directory.GetFiles(Path.Combine(blocker, "buf"), "buffer.b*.log"));
    }
}
