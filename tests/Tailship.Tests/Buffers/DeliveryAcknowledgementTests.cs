using Tailship.Buffers;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Buffers;

public class DeliveryAcknowledgementTests
{
    private readonly ManualTime _time = new(BufferTest.Start);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<DeliveryAcknowledgement> EmitAsync(BufferedOutputHost host, params string[] messages)
    {
        var ack = new DeliveryAcknowledgement();
        using (DeliveryScope.Enter(ack))
        {
            await host.EmitAsync("t", BufferTest.Batch(BufferTest.Start, messages), Ct);
        }

        ack.Seal();
        return ack;
    }

    [Fact]
    public async Task MemoryBuffer_AcknowledgesOnlyAfterDelivery()
    {
        var output = new RecordingOutput();
        await using var host = new BufferedOutputHost(output, BufferTest.Options("", ("flush_mode", "lazy")), BufferTest.Context(_time), null);
        var first = await EmitAsync(host, "a");
        var second = await EmitAsync(host, "b");
        Assert.False(first.Delivered.IsCompleted);
        Assert.False(second.Delivered.IsCompleted);

        await host.FlushAllAsync(Ct);
        await first.Delivered.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        await second.Delivered.WaitAsync(TimeSpan.FromSeconds(5), Ct);
    }

    [Fact]
    public async Task MemoryBuffer_GivenUpChunkNeverAcknowledges()
    {
        var output = new RecordingOutput { BeforeWrite = _ => throw new UnrecoverableOutputException("no") };
        await using var host = new BufferedOutputHost(output, BufferTest.Options("", ("flush_mode", "immediate")), BufferTest.Context(_time), null);
        var ack = await EmitAsync(host, "a");
        Assert.Equal(FlushResult.Failed, await host.FlushOnceAsync(Ct));
        Assert.False(ack.Delivered.IsCompleted); // the tail position stays: the line is read again after a restart
    }

    [Fact]
    public async Task FileBuffer_AcknowledgesOnceFsynced()
    {
        using var dir = new TempDirectory();
        await using var host = new BufferedOutputHost(new RecordingOutput(), BufferTest.Options("", ("@type", "file"), ("path", dir.Path)), BufferTest.Context(_time), null);
        var ack = await EmitAsync(host, "a");

        // The background group commit releases it without any flush: durable on disk, not delivered yet.
        await ack.Delivered.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(0, host.Buffer.QueueLength);
        Assert.Equal(1, host.Buffer.StagedCount);
    }

    [Fact]
    public async Task NoOutputHolds_SealAcknowledges()
    {
        var ack = new DeliveryAcknowledgement();
        ack.Seal();
        await ack.Delivered.WaitAsync(TimeSpan.FromSeconds(1), Ct);
        Assert.Equal(0, ack.Pending);
    }

    [Fact]
    public async Task FileBuffer_HotSource_EveryBatchAcknowledgedOnceFsynced()
    {
        // Batches arriving while a group commit runs are gathered into later fsyncs: each is still acknowledged.
        using var dir = new TempDirectory();
        await using var host = new BufferedOutputHost(new RecordingOutput(), BufferTest.Options("", ("@type", "file"), ("path", dir.Path)), BufferTest.Context(_time), null);
        var acks = new List<DeliveryAcknowledgement>();
        for (var i = 0; i < 200; i++)
        {
            acks.Add(await EmitAsync(host, new string('x', 20_000)));
        }

        await Task.WhenAll(acks.Select(a => a.Delivered)).WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    [Fact]
    public async Task FileBuffer_PositionsSavedBeforeAChunkIsSentAndBeforeItIsDeleted()
    {
        using var dir = new TempDirectory();
        var sources = new SourceRegistry();
        var chunkFilesAtSave = new List<int>();
        sources.Add(Path.Combine(dir.Path, "in.pos"), _ => true, () => chunkFilesAtSave.Add(Directory.GetFiles(dir.Path, "*.log").Length));
        await using var host = new BufferedOutputHost(new RecordingOutput(), BufferTest.Options("", ("@type", "file"), ("path", Path.Combine(dir.Path, "buffer.*.log"))), BufferTest.Context(_time, sources: sources), null);
        await EmitAsync(host, "a");
        Assert.Single(Directory.GetFiles(dir.Path, "*.log"));

        await host.FlushAllAsync(Ct);
        Assert.Equal([1, 1], chunkFilesAtSave); // asked before the send and before the deletion, the chunk on disk both times
        Assert.Empty(Directory.GetFiles(dir.Path, "*.log"));
    }
}
