using System.Buffers;
using BenchmarkDotNet.Attributes;
using Tailship.Buffers;
using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Benchmarks;

/// <summary>
/// Appending to a buffer as a buffered output does: <see cref="BufferedOutputHost"/> takes a batch of 1,000 events
/// (one in_tail batch of 100-byte lines), formats each into the batch's bytes, compresses them as <c>compress</c>
/// asks (one frame per batch), appends the frame to the staged chunk (memory or file) and, with a file buffer,
/// fsyncs before the emit returns. Full chunks (8 MB, as in the e2e scenarios) are handed to an output that accepts
/// them at once, so the buffer never fills. One operation is one event.
/// </summary>
[MemoryDiagnoser]
public class ChunkAppendBenchmarks
{
    private const int Events = 1000;

    private readonly EventBatch _batch = new(Events);
    private string? _directory;
    private BufferedOutputHost _host = null!;

    [Params("memory", "file")]
    public string Store { get; set; } = "memory";

    [Params("text", "gzip", "zstd")]
    public string Compress { get; set; } = "text";

    [GlobalSetup]
    public void Setup()
    {
        var time = EventTime.FromSeconds(1_764_120_000);
        for (var i = 0; i < Events; i++)
        {
            var record = new Record(1);
            record.Append("message", RecordValue.FromUtf8(SampleLogs.Utf8(SampleLogs.Plain(i))));
            _batch.Add(time, record);
        }

        List<object> items = [("@type", Store), ("compress", Compress), ("chunk_limit_size", "8m"), ("flush_mode", "interval"), ("flush_interval", "60s")];
        if (Store == "file")
        {
            _directory = Directory.CreateTempSubdirectory("tailship-bench-buffer-").FullName;
            items.Add(("path", _directory));
        }

        var diagnostics = new DiagnosticBag();
        var section = new ConfigBinder(BenchPlugins.Registry).Bind(BenchPlugins.Section("buffer", string.Empty, [.. items]), BufferSection.Spec, diagnostics, "<buffer>");
        var options = BufferOptions.FromConfig(section, new BufferDefaults(), diagnostics);
        if (options is null || diagnostics.HasErrors)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, diagnostics.Items));
        }

        var formatter = BenchPlugins.Build<IFormatter>(PluginKind.Formatter, BenchPlugins.Section("format", string.Empty, ("@type", "single_value")));
        _host = BufferedOutputHost.Create(new AcceptingOutput(formatter), options, new PluginContext(BenchPlugins.Registry) { PluginId = "bench", PluginType = "bench" }, null);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public async Task Append()
    {
        await _host.EmitAsync("bench.lines", _batch, CancellationToken.None);

        // Delivers a chunk that became full (nothing else is due: flush_interval is a minute).
        await _host.FlushOnceAsync(CancellationToken.None);
    }

    /// <summary>Formats with a real formatter and accepts every chunk without reading it.</summary>
    private sealed class AcceptingOutput(IFormatter formatter) : IBufferedOutput
    {
        public void Format(string tag, EventTime time, Record record, IBufferWriter<byte> output) => formatter.Format(tag, time, record, output);

        public Task WriteAsync(IChunk chunk, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
