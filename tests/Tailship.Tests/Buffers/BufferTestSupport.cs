using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using Tailship.Buffers;
using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;
using Tailship.Tests.TestSupport;
using Record = Tailship.Events.Record;

namespace Tailship.Tests.Buffers;

/// <summary>An output that formats <c>TAG&lt;TAB&gt;message\n</c> and records every chunk it is asked to write.</summary>
internal sealed class RecordingOutput : IBufferedOutput
{
    public ConcurrentQueue<WrittenChunk> Written { get; } = new();

    /// <summary>Called before each write; throw from it to make the write fail.</summary>
    public Action<IChunk>? BeforeWrite { get; set; }

    public int Attempts;

    public void Format(string tag, EventTime time, Record record, IBufferWriter<byte> output)
    {
        var line = $"{tag}\t{record["message"]}\n";
        var n = Encoding.UTF8.GetBytes(line, output.GetSpan(Encoding.UTF8.GetMaxByteCount(line.Length)));
        output.Advance(n);
    }

    public Task WriteAsync(IChunk chunk, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Attempts);
        BeforeWrite?.Invoke(chunk);
        using var reader = new StreamReader(chunk.OpenRead(), Encoding.UTF8);
        Written.Enqueue(new WrittenChunk(chunk.Id, chunk.Metadata, reader.ReadToEnd(), chunk.RecordCount));
        return Task.CompletedTask;
    }

    public IReadOnlyList<string> Lines() =>
        Written.SelectMany(c => c.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries)).ToList();
}

internal sealed record WrittenChunk(string Id, ChunkMetadata Metadata, string Text, long Records);

internal static class BufferTest
{
    public static readonly DateTimeOffset Start = new(2026, 11, 26, 1, 20, 0, TimeSpan.Zero);

    /// <summary>Binds a <c>&lt;buffer ARG&gt;</c> with the given parameters; asserts it has no errors.</summary>
    public static BufferOptions Options(string chunkKeys, params (string Key, string Value)[] parameters)
    {
        var diags = new DiagnosticBag();
        var options = TryOptions(chunkKeys, diags, parameters);
        Assert.False(diags.HasErrors, string.Join("\n", diags.Items));
        return options!;
    }

    public static BufferOptions? TryOptions(string chunkKeys, DiagnosticBag diags, params (string Key, string Value)[] parameters)
    {
        var section = Conf.Section("buffer", chunkKeys, parameters.Select(p => (object)(p.Key, p.Value)).ToArray());
        var bound = new ConfigBinder(BuiltinPlugins.CreateRegistry()).Bind(section, BufferSection.Spec, diags, "<buffer>");
        return diags.HasErrors ? null : BufferOptions.FromConfig(bound, new BufferDefaults(), diags);
    }

    public static PluginContext Context(TimeProvider time, ListLoggerFactory? logs = null, SourceRegistry? sources = null) =>
        new(BuiltinPlugins.CreateRegistry()) { Time = time, PluginId = "test_out", PluginType = "test", LoggerFactory = logs ?? new ListLoggerFactory(), Sources = sources };

    public static EventBatch Batch(DateTimeOffset at, params string[] messages)
    {
        var batch = new EventBatch();
        foreach (var m in messages)
        {
            var r = new Record();
            r.Append("message", m);
            batch.Add(EventTime.FromDateTimeOffset(at), r);
        }

        return batch;
    }

    public static EventBatch Batch(params (DateTimeOffset At, Record Record)[] events)
    {
        var batch = new EventBatch();
        foreach (var (at, r) in events)
        {
            batch.Add(EventTime.FromDateTimeOffset(at), r);
        }

        return batch;
    }

    /// <summary>Writes every queued chunk that is due (no retry wait pending); returns how many were delivered.</summary>
    public static async Task<int> DrainAsync(BufferedOutputHost host)
    {
        var delivered = 0;
        while (await host.FlushOnceAsync(CancellationToken.None) == FlushResult.Delivered)
        {
            delivered++;
        }

        return delivered;
    }
}
