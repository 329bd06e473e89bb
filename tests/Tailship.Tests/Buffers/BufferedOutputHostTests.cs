using Microsoft.Extensions.Logging;
using Tailship.Buffers;
using Tailship.Tests.TestSupport;
using Record = Tailship.Events.Record;

namespace Tailship.Tests.Buffers;

public class BufferedOutputHostTests
{
    private readonly ManualTime _time = new(BufferTest.Start);
    private readonly RecordingOutput _output = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private BufferedOutputHost Host(BufferOptions options, ListLoggerFactory? logs = null, IBufferedOutput? secondary = null, double random = 0.5) =>
        new(_output, options, BufferTest.Context(_time, logs), secondary, () => random);

    [Fact]
    public async Task TagChunkKey_OneChunkPerTag()
    {
        await using var host = Host(BufferTest.Options("tag", ("flush_interval", "10s")));
        await host.EmitAsync("a", BufferTest.Batch(BufferTest.Start, "1", "2"), Ct);
        await host.EmitAsync("b", BufferTest.Batch(BufferTest.Start, "3"), Ct);
        await host.EmitAsync("a", BufferTest.Batch(BufferTest.Start, "4"), Ct);
        Assert.Equal(0, await BufferTest.DrainAsync(host));

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, await BufferTest.DrainAsync(host));
        var byTag = _output.Written.ToDictionary(c => c.Metadata.Tag!, c => c.Text);
        Assert.Equal("a\t1\na\t2\na\t4\n", byTag["a"]);
        Assert.Equal("b\t3\n", byTag["b"]);
    }

    [Fact]
    public async Task RecordKeys_NestedKeySplitsChunks()
    {
        await using var host = Host(BufferTest.Options("$.k8s.pod", ("flush_mode", "immediate")));
        var batch = BufferTest.Batch(
            (BufferTest.Start, Rec("x", "web-1")),
            (BufferTest.Start, Rec("y", "web-2")),
            (BufferTest.Start, Rec("z", "web-1")));
        await host.EmitAsync("t", batch, Ct);
        Assert.Equal(2, await BufferTest.DrainAsync(host));
        var byPod = _output.Written.ToDictionary(c => c.Metadata.Variables["$.k8s.pod"], c => c.Records);
        Assert.Equal(2, byPod["web-1"]);
        Assert.Equal(1, byPod["web-2"]);
        Assert.Null(_output.Written.First().Metadata.Tag);
    }

    [Fact]
    public async Task TimeKey_LazyFlushAfterSliceEndPlusWait()
    {
        await using var host = Host(BufferTest.Options("time", ("timekey", "60"), ("timekey_wait", "30"), ("timekey_use_utc", "true")));
        await host.EmitAsync("t", BufferTest.Batch(BufferTest.Start.AddSeconds(5), "a"), Ct);
        await host.EmitAsync("t", BufferTest.Batch(BufferTest.Start.AddSeconds(65), "b"), Ct);

        _time.SetNow(BufferTest.Start.AddSeconds(89));
        Assert.Equal(0, await BufferTest.DrainAsync(host));
        _time.SetNow(BufferTest.Start.AddSeconds(90));
        Assert.Equal(1, await BufferTest.DrainAsync(host));
        Assert.Equal(BufferTest.Start.ToUnixTimeSeconds(), _output.Written.Single().Metadata.TimeKey);
        _time.SetNow(BufferTest.Start.AddSeconds(150));
        Assert.Equal(1, await BufferTest.DrainAsync(host));
        Assert.Equal(BufferTest.Start.AddMinutes(1).ToUnixTimeSeconds(), _output.Written.Last().Metadata.TimeKey);
    }

    [Fact]
    public async Task ChunkLimitRecords_EnqueuesFullChunks()
    {
        await using var host = Host(BufferTest.Options("", ("chunk_limit_records", "2"), ("flush_mode", "lazy")));
        await host.EmitAsync("t", BufferTest.Batch(BufferTest.Start, "1", "2", "3", "4", "5"), Ct);
        Assert.Equal(2, await BufferTest.DrainAsync(host));
        Assert.All(_output.Written, c => Assert.Equal(2, c.Records));
        await host.FlushAllAsync(Ct);
        Assert.Equal(["t\t1", "t\t2", "t\t3", "t\t4", "t\t5"], _output.Lines());
    }

    [Fact]
    public async Task Retry_ExponentialScheduleWithMaxInterval()
    {
        var fail = true;
        _output.BeforeWrite = _ => { if (fail) { throw new IOException("down"); } };
        await using var host = Host(BufferTest.Options("", ("flush_mode", "immediate"), ("retry_wait", "1s"), ("retry_max_interval", "5s"), ("retry_randomize", "false")));
        await host.EmitAsync("t", BufferTest.Batch(BufferTest.Start, "x"), Ct);

        var waits = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(FlushResult.Failed, await host.FlushOnceAsync(Ct));
            var next = host.NextRetryTime!.Value;
            waits.Add((next - _time.GetUtcNow()).TotalSeconds);
            Assert.Equal(FlushResult.Idle, await host.FlushOnceAsync(Ct));
            _time.SetNow(next);
        }

        Assert.Equal([1, 2, 4, 5, 5], waits);
        fail = false;
        Assert.Equal(FlushResult.Delivered, await host.FlushOnceAsync(Ct));
        Assert.Null(host.NextRetryTime);
        Assert.Equal(5, host.Counters.ErrorCount);
        Assert.Equal(4, host.Counters.RetryCount);
    }

    [Fact]
    public async Task Retry_RandomizeVariesWaitByAnEighth()
    {
        _output.BeforeWrite = _ => throw new IOException("down");
        await using var host = Host(BufferTest.Options("", ("flush_mode", "immediate"), ("retry_wait", "8s")), random: 1.0);
        await host.EmitAsync("t", BufferTest.Batch(BufferTest.Start, "x"), Ct);
        await host.FlushOnceAsync(Ct);
        Assert.Equal(9, (host.NextRetryTime!.Value - _time.GetUtcNow()).TotalSeconds, 3);
        await host.StopAsync(new CancellationToken(canceled: true));
    }

    [Fact]
    public async Task Retry_MaxTimesThenGiveUpAndCount()
    {
        _output.BeforeWrite = _ => throw new IOException("down");
        var logs = new ListLoggerFactory();
        await using var host = Host(BufferTest.Options("", ("flush_mode", "immediate"), ("retry_max_times", "2"), ("retry_type", "periodic"), ("retry_wait", "3s"), ("retry_randomize", "false")), logs);
        await host.EmitAsync("t", BufferTest.Batch(BufferTest.Start, "x", "y"), Ct);

        Assert.Equal(FlushResult.Failed, await host.FlushOnceAsync(Ct)); // first attempt
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(FlushResult.Failed, await host.FlushOnceAsync(Ct)); // retry 1
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(FlushResult.Failed, await host.FlushOnceAsync(Ct)); // retry 2: limit
        Assert.Equal(3, _output.Attempts);
        Assert.Equal(0, host.Buffer.QueueLength);
        Assert.Equal(2, host.Counters.DroppedRecords);
        Assert.Contains(logs.Messages(LogLevel.Error), m => m.Contains("gave up", StringComparison.Ordinal) && m.Contains("lost", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retry_TimeoutMovesLastRetryToDeadlineThenGivesUp()
    {
        _output.BeforeWrite = _ => throw new IOException("down");
        await using var host = Host(BufferTest.Options("", ("flush_mode", "immediate"), ("retry_timeout", "10s"), ("retry_wait", "4s"), ("retry_randomize", "false")));
        await host.EmitAsync("t", BufferTest.Batch(BufferTest.Start, "x"), Ct);
        await host.FlushOnceAsync(Ct);
        Assert.Equal(BufferTest.Start.AddSeconds(4), host.NextRetryTime);
        _time.SetNow(host.NextRetryTime!.Value);
        await host.FlushOnceAsync(Ct);
        Assert.Equal(BufferTest.Start.AddSeconds(10), host.NextRetryTime); // 4 + 8 = 12, cut to the timeout
        _time.SetNow(host.NextRetryTime!.Value);
        await host.FlushOnceAsync(Ct);
        Assert.Null(host.NextRetryTime);
        Assert.Equal(1, host.Counters.DroppedRecords);
    }

    [Fact]
    public async Task RetryForever_NeverGivesUp()
    {
        _output.BeforeWrite = _ => throw new IOException("down");
        await using var host = Host(BufferTest.Options("", ("flush_mode", "immediate"), ("retry_forever", "true"), ("retry_max_times", "1"), ("retry_timeout", "1s"), ("retry_max_interval", "1s")));
        await host.EmitAsync("t", BufferTest.Batch(BufferTest.Start, "x"), Ct);
        for (var i = 0; i < 20; i++)
        {
            await host.FlushOnceAsync(Ct);
            _time.SetNow(host.NextRetryTime!.Value);
        }

        Assert.Equal(1, host.Buffer.QueueLength);
        Assert.Equal(0, host.Counters.DroppedRecords);
        await host.StopAsync(new CancellationToken(canceled: true));
    }

    [Fact]
    public async Task Secondary_TakesOverAfterThreshold()
    {
        _output.BeforeWrite = _ => throw new IOException("down");
        var secondary = new RecordingOutput();
        await using var host = Host(BufferTest.Options("", ("flush_mode", "immediate"), ("retry_timeout", "100s"), ("retry_wait", "30s"), ("retry_randomize", "false")), secondary: secondary);
        await host.EmitAsync("t", BufferTest.Batch(BufferTest.Start, "x"), Ct);
        await host.FlushOnceAsync(Ct);
        _time.SetNow(host.NextRetryTime!.Value); // +30
        await host.FlushOnceAsync(Ct);
        Assert.Equal(BufferTest.Start.AddSeconds(80), host.NextRetryTime); // 30 + 60 = 90, cut to 0.8 * 100
        _time.SetNow(host.NextRetryTime!.Value);
        Assert.Equal(FlushResult.Delivered, await host.FlushOnceAsync(Ct));
        Assert.Equal("t\tx\n", secondary.Written.Single().Text);
        Assert.Equal(1, host.Counters.SecondaryChunks);
    }

    [Fact]
    public async Task Unrecoverable_GoesToSecondaryAtOnce()
    {
        _output.BeforeWrite = _ => throw new UnrecoverableOutputException("403");
        var secondary = new RecordingOutput();
        await using var host = Host(BufferTest.Options("", ("flush_mode", "immediate")), secondary: secondary);
        await host.EmitAsync("t", BufferTest.Batch(BufferTest.Start, "x"), Ct);
        Assert.Equal(FlushResult.Delivered, await host.FlushOnceAsync(Ct));
        Assert.Single(secondary.Written);
    }

    [Fact]
    public async Task Overflow_ThrowException_RefusesAndKeepsBuffer()
    {
        await using var host = Host(BufferTest.Options("", ("chunk_limit_size", "64"), ("total_limit_size", "100"), ("flush_mode", "lazy")));
        await host.EmitAsync("t", BufferTest.Batch(BufferTest.Start, "0123456789"), Ct);
        await host.EmitAsync("t", BufferTest.Batch(BufferTest.Start, "0123456789"), Ct);
        await Assert.ThrowsAsync<BufferOverflowException>(async () => await host.EmitAsync("t", BufferTest.Batch(BufferTest.Start, "0123456789"), Ct));
        Assert.Equal(2, host.Counters.EmitRecords);
    }

    [Fact]
    public async Task Overflow_DropOldestChunk_DropsAndCounts()
    {
        await using var host = Host(BufferTest.Options("", ("chunk_limit_size", "40"), ("total_limit_size", "80"), ("overflow_action", "drop_oldest_chunk"), ("chunk_limit_records", "1")));
        for (var i = 0; i < 4; i++)
        {
            await host.EmitAsync("t", BufferTest.Batch(BufferTest.Start, "m" + i), Ct);
        }

        Assert.True(host.Counters.DroppedRecords >= 1);
        await host.FlushAllAsync(Ct);
        var lines = _output.Lines();
        Assert.Contains("t\tm3", lines);
        Assert.DoesNotContain("t\tm0", lines);
        Assert.Equal(4, lines.Count + host.Counters.DroppedRecords);
    }

    [Fact]
    public async Task Overflow_Block_WaitsUntilFlushFreesSpace()
    {
        await using var host = Host(BufferTest.Options("", ("chunk_limit_size", "40"), ("total_limit_size", "80"), ("overflow_action", "block"), ("chunk_limit_records", "1")));
        await host.EmitAsync("t", BufferTest.Batch(BufferTest.Start, "m0"), Ct);
        await host.EmitAsync("t", BufferTest.Batch(BufferTest.Start, "m1"), Ct);
        var blocked = host.EmitAsync("t", BufferTest.Batch(BufferTest.Start, "m2"), Ct).AsTask();
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.False(blocked.IsCompleted);

        Assert.Equal(FlushResult.Delivered, await host.WriteNextAsync(Ct));
        await blocked.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await host.FlushAllAsync(Ct);
        Assert.Equal(["t\tm0", "t\tm1", "t\tm2"], _output.Lines());
        Assert.Equal(0, host.Counters.DroppedRecords);
    }

    [Fact]
    public async Task Overflow_Block_CancelledEmitThrowsAndAcceptsNothing()
    {
        await using var host = Host(BufferTest.Options("", ("chunk_limit_size", "40"), ("total_limit_size", "40"), ("overflow_action", "block"), ("chunk_limit_records", "1")));
        await host.EmitAsync("t", BufferTest.Batch(BufferTest.Start, "m0"), Ct);
        using var cts = new CancellationTokenSource();
        var blocked = host.EmitAsync("t", BufferTest.Batch(BufferTest.Start, "m1"), cts.Token).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked);
        Assert.Equal(1, host.Counters.EmitRecords);
    }

    [Fact]
    public async Task Stop_FlushesStagedChunksAtShutdown()
    {
        var host = Host(BufferTest.Options("time", ("timekey", "1h")));
        await host.EmitAsync("t", BufferTest.Batch(BufferTest.Start, "a", "b"), Ct);
        await host.StopAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["t\ta", "t\tb"], _output.Lines());
        await host.DisposeAsync();
    }

    [Fact]
    public async Task Stop_MemoryBufferUnflushable_ReportsLossWhenDeadlinePasses()
    {
        _output.BeforeWrite = _ => throw new IOException("down");
        var logs = new ListLoggerFactory();
        var host = Host(BufferTest.Options(""), logs);
        await host.EmitAsync("t", BufferTest.Batch(BufferTest.Start, "a"), Ct);
        using var deadline = new CancellationTokenSource();
        var stop = host.StopAsync(deadline.Token);
        await deadline.CancelAsync();
        await stop.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(1, host.Counters.DroppedRecords);
        Assert.Contains(logs.Messages(LogLevel.Error), m => m.Contains("are lost", StringComparison.Ordinal));
        await host.DisposeAsync();
    }

    [Fact]
    public async Task FlushThreads_DeliverWithoutManualDriving()
    {
        var real = new BufferedOutputHost(_output, BufferTest.Options("", ("flush_mode", "immediate")), BufferTest.Context(TimeProvider.System), null);
        await real.StartAsync(Ct);
        await real.EmitAsync("t", BufferTest.Batch(BufferTest.Start, "x"), Ct);
        var until = DateTime.UtcNow.AddSeconds(10);
        while (_output.Written.IsEmpty && DateTime.UtcNow < until)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.Equal(["t\tx"], _output.Lines());
        await real.StopAsync(Ct);
        await real.DisposeAsync();
    }

    [Fact]
    public async Task StuckOutput_DoesNotStallAnotherHost()
    {
        var gate = new TaskCompletionSource();
        var stuck = new RecordingOutput { BeforeWrite = _ => gate.Task.Wait(TimeSpan.FromSeconds(20)) };
        var a = new BufferedOutputHost(stuck, BufferTest.Options("", ("flush_mode", "immediate")), BufferTest.Context(TimeProvider.System), null);
        var b = new BufferedOutputHost(_output, BufferTest.Options("", ("flush_mode", "immediate")), BufferTest.Context(TimeProvider.System), null);
        await a.StartAsync(Ct);
        await b.StartAsync(Ct);
        await a.EmitAsync("t", BufferTest.Batch(BufferTest.Start, "x"), Ct);
        await b.EmitAsync("t", BufferTest.Batch(BufferTest.Start, "y"), Ct);
        var until = DateTime.UtcNow.AddSeconds(10);
        while (_output.Written.IsEmpty && DateTime.UtcNow < until)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.Equal(["t\ty"], _output.Lines());
        gate.SetResult();
        await a.DisposeAsync();
        await b.DisposeAsync();
    }

    private static Record Rec(string message, string pod)
    {
        var k8s = new Record();
        k8s.Append("pod", pod);
        var r = new Record();
        r.Append("message", message);
        r.Append("k8s", Tailship.Events.RecordValue.FromMap(k8s));
        return r;
    }
}
