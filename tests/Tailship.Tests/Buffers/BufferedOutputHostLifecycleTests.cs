using System.Buffers;
using Tailship.Buffers;
using Tailship.Events;
using Tailship.Observability;

namespace Tailship.Tests.Buffers;

public sealed class BufferedOutputHostLifecycleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OutputWithLifecycle_StartedBeforeFlushingStoppedAfterLastFlushDisposedAndReadinessReported()
    {
        var output = new LifecycleOutput();
        var host = new BufferedOutputHost(output, BufferTest.Options(string.Empty, ("flush_mode", "lazy")), BufferTest.Context(TimeProvider.System), null);
        Assert.Equal(ReadinessStatus.NotReady("not started"), host.CheckReadiness());

        await host.StartAsync(Ct);
        Assert.Equal(["start"], output.Calls);
        Assert.True(host.CheckReadiness().IsReady);

        await host.EmitAsync("t", BufferTest.Batch(BufferTest.Start, "x"), Ct);
        await host.StopAsync(Ct);
        Assert.Equal(["start", "write", "stop"], output.Calls);

        await host.DisposeAsync();
        Assert.Equal(["start", "write", "stop", "dispose"], output.Calls);
    }

    [Fact]
    public async Task OutputWithoutReadiness_IsReady()
    {
        await using var host = new BufferedOutputHost(new RecordingOutput(), BufferTest.Options(string.Empty), BufferTest.Context(TimeProvider.System), null);

        Assert.True(host.CheckReadiness().IsReady);
    }

    private sealed class LifecycleOutput : IBufferedOutput, IBufferedOutputLifecycle, IReadiness, IAsyncDisposable
    {
        private volatile bool _started;

        public List<string> Calls { get; } = [];

        public void Format(string tag, EventTime time, Tailship.Events.Record record, IBufferWriter<byte> output) => output.Write("x\n"u8);

        public Task WriteAsync(IChunk chunk, CancellationToken cancellationToken)
        {
            lock (Calls)
            {
                Calls.Add("write");
            }

            return Task.CompletedTask;
        }

        public Task StartAsync(CancellationToken cancellationToken)
        {
            Calls.Add("start");
            _started = true;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            Calls.Add("stop");
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            Calls.Add("dispose");
            return ValueTask.CompletedTask;
        }

        public ReadinessStatus CheckReadiness() => _started ? ReadinessStatus.Ready : ReadinessStatus.NotReady("not started");
    }
}
