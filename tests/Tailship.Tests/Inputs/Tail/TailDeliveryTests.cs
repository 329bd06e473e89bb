using System.Globalization;
using System.Text;
using Tailship.Buffers;
using Tailship.Events;
using Tailship.Inputs.Tail;
using Tailship.Plugins;
using Tailship.Tests.Buffers;

namespace Tailship.Tests.Inputs.Tail;

/// <summary>The tail input with a memory-buffered output: positions move only after delivery (end-to-end acks).</summary>
public sealed class TailDeliveryTests : IAsyncDisposable
{
    private readonly TailHarness _h = new();
    private readonly ManualTime _time = new(BufferTest.Start);

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Lines(int from, int to) =>
        string.Concat(Enumerable.Range(from, to - from + 1).Select(i => i.ToString(CultureInfo.InvariantCulture) + "\n"));

    private static List<string> Numbers(int from, int to) =>
        Enumerable.Range(from, to - from + 1).Select(i => "t\t" + i.ToString(CultureInfo.InvariantCulture)).ToList();

    /// <summary>A memory buffer that is never flushed by itself (not started, lazy): the test delivers by hand.</summary>
    private BufferedOutputHost MemoryHost(RecordingOutput output) =>
        new(output, BufferTest.Options("", ("flush_mode", "lazy"), ("flush_at_shutdown", "false")), BufferTest.Context(_time), null);

    [Fact]
    public async Task MemoryBuffer_PositionWaitsForDelivery_ThenMoves()
    {
        var log = _h.PathOf("a.log");
        var pos = _h.PathOf("a.pos");
        await File.WriteAllTextAsync(log, Lines(1, 10), Ct);
        var output = new RecordingOutput();
        await using var host = MemoryHost(output);
        using var router = new HostRouter(host);
        var input = _h.Create(("path", log), ("tag", "t"), ("read_from_head", "true"), ("pos_file", pos));
        await input.StartAsync(router, Ct);
        await router.WaitForCountAsync(10);

        // Reading has finished and every committed position is saved: none covers an undelivered line.
        await input.StopAsync(Ct);
        Assert.All(TailHarness.ReadPosFile(pos), line => Assert.Equal(0, OffsetOf(line)));

        await host.FlushAllAsync(Ct);
        Assert.Equal(Numbers(1, 10), output.Lines());
        await WaitForPosOffsetAsync(pos, Encoding.UTF8.GetByteCount(Lines(1, 10)));
    }

    [Fact]
    public async Task MemoryBuffer_CrashBeforeDelivery_UndeliveredLinesReadAgain()
    {
        var log = _h.PathOf("c.log");
        var pos = _h.PathOf("c.pos");
        await File.WriteAllTextAsync(log, Lines(1, 10), Ct);
        var firstOutput = new RecordingOutput();
        var firstHost = MemoryHost(firstOutput); // dropped below without StopAsync, like a killed process
        using var firstRouter = new HostRouter(firstHost);
        var first = _h.Create(("path", log), ("tag", "t"), ("read_from_head", "true"), ("pos_file", pos));
        await first.StartAsync(firstRouter, Ct);
        await firstRouter.WaitForCountAsync(10);
        await firstHost.FlushAllAsync(Ct);
        await WaitForPosOffsetAsync(pos, Encoding.UTF8.GetByteCount(Lines(1, 10)));

        await File.AppendAllTextAsync(log, Lines(11, 20), Ct);
        await firstRouter.WaitForCountAsync(20);
        Assert.Equal(Encoding.UTF8.GetByteCount(Lines(1, 10)), OffsetOf(Assert.Single(TailHarness.ReadPosFile(pos))));

        // "Crash": the first agent's memory buffer is gone; a new one starts from the pos_file.
        var secondOutput = new RecordingOutput();
        await using var secondHost = MemoryHost(secondOutput);
        using var secondRouter = new HostRouter(secondHost);
        var second = _h.Create(("path", log), ("tag", "t"), ("pos_file", pos));
        await second.StartAsync(secondRouter, Ct);
        await secondRouter.WaitForCountAsync(10);
        await secondHost.FlushAllAsync(Ct);
        await WaitForPosOffsetAsync(pos, Encoding.UTF8.GetByteCount(Lines(1, 20)));
        await second.StopAsync(Ct);

        Assert.Equal(Numbers(1, 10), firstOutput.Lines());
        Assert.Equal(Numbers(11, 20), secondOutput.Lines());
    }

    [Fact]
    public void CommitQueue_LaterDeliveryFirst_WaitsForEarlierBatch()
    {
        var policy = new RecordingPolicy();
        var queue = new DeliveryCommitQueue(policy);
        var store = new PositionStore(null, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, null);
        var entry = store.GetOrAdd("/x.log", 1);
        var a1 = new DeliveryAcknowledgement();
        var a2 = new DeliveryAcknowledgement();
        a1.Hold();
        a2.Hold();
        a1.Seal();
        a2.Seal();
        queue.Emitted(a1);
        queue.Checkpoint(new PositionCheckpoint(store, entry, 1, 10, 1, 1));
        queue.Emitted(a2);
        queue.Checkpoint(new PositionCheckpoint(store, entry, 1, 20, 1, 2));

        a2.Release();
        Assert.True(a2.Delivered.IsCompleted);
        SpinWait.SpinUntil(() => queue.PendingCount == 4 && !policy.Offsets.IsEmpty, 200);
        Assert.Empty(policy.Offsets);

        a1.Release();
        Assert.True(SpinWait.SpinUntil(() => policy.Offsets.Count == 2, 5000));
        Assert.Equal([10L, 20L], policy.Offsets.Order().ToList());
        Assert.Equal(0, queue.PendingCount);
    }

    [Fact]
    public void CommitQueue_NothingPending_CommitsAtOnce()
    {
        var policy = new RecordingPolicy();
        var queue = new DeliveryCommitQueue(policy);
        var store = new PositionStore(null, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, null);
        var entry = store.GetOrAdd("/x.log", 1);
        var ack = new DeliveryAcknowledgement();
        ack.Seal(); // what a file buffer (or no buffer) leaves: delivered when the emit returns
        queue.Emitted(ack);
        queue.Checkpoint(new PositionCheckpoint(store, entry, 1, 10, 1, 1));
        Assert.Equal([10L], policy.Offsets.ToList());
    }

    private static long OffsetOf(string posLine) => Convert.ToInt64(posLine.Split('\t')[1], 16);

    private static async Task WaitForPosOffsetAsync(string pos, long offset)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var lines = TailHarness.ReadPosFile(pos);
            if (lines.Length == 1 && OffsetOf(lines[0]) == offset)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"pos_file never reached offset {offset}: {string.Join(" | ", lines)}");
            await Task.Delay(10, Ct);
        }
    }

    private sealed class RecordingPolicy : IPositionCommitPolicy
    {
        public System.Collections.Concurrent.ConcurrentQueue<long> Offsets { get; } = new();

        public void OnAccepted(PositionCheckpoint checkpoint)
        {
            Offsets.Enqueue(checkpoint.Offset);
            checkpoint.Commit();
        }
    }

    /// <summary>Routes every batch to one buffered output, counting the events it accepted.</summary>
    private sealed class HostRouter(BufferedOutputHost host) : IEventRouter, IDisposable
    {
        private readonly SemaphoreSlim _changed = new(0);
        private int _count;

        public async ValueTask EmitAsync(string tag, EventBatch batch, CancellationToken cancellationToken)
        {
            await host.EmitAsync(tag, batch, cancellationToken);
            Interlocked.Add(ref _count, batch.Count);
            _changed.Release();
        }

        public ValueTask EmitErrorAsync(string tag, Event @event, Exception error, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public async Task WaitForCountAsync(int count)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (Volatile.Read(ref _count) < count)
            {
                try
                {
                    await _changed.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token);
                }
                catch (OperationCanceledException)
                {
                    Assert.Fail($"timed out waiting for {count} events; have {_count}");
                }
            }
        }

        public void Dispose() => _changed.Dispose();
    }
}
