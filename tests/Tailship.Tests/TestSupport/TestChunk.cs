using System.Buffers;
using Tailship.Buffers;
using Tailship.Events;
using Record = Tailship.Events.Record;

namespace Tailship.Tests.TestSupport;

/// <summary>An in-memory <see cref="IChunk"/> over a byte array, with annotations kept in a dictionary.</summary>
internal sealed class TestChunk : IChunk
{
    private readonly byte[] _data;
    private readonly Dictionary<string, string> _annotations = new(StringComparer.Ordinal);

    public TestChunk(byte[] data, ChunkMetadata metadata, long records = 1, string? id = null)
    {
        _data = data;
        Metadata = metadata;
        RecordCount = records;
        Id = id ?? Guid.NewGuid().ToString("N");
    }

    public string Id { get; }

    public ChunkMetadata Metadata { get; }

    public long RecordCount { get; }

    public long ByteSize => _data.Length;

    public DateTimeOffset CreatedAt { get; } = DateTimeOffset.UtcNow;

    public IReadOnlyDictionary<string, string> Annotations => _annotations;

    /// <summary>A chunk of <paramref name="lines"/> events formatted by <paramref name="output"/>, all with one time and tag.</summary>
    public static TestChunk Of(IBufferedOutput output, ChunkMetadata metadata, string tag, EventTime time, IEnumerable<string> lines)
    {
        var buffer = new ArrayBufferWriter<byte>();
        long count = 0;
        foreach (var line in lines)
        {
            var record = new Record();
            record.Append("message", line);
            output.Format(tag, time, record, buffer);
            count++;
        }

        return new TestChunk(buffer.WrittenSpan.ToArray(), metadata, count);
    }

    /// <summary>The same chunk as found again after a restart: same id, data and annotations.</summary>
    public TestChunk Reloaded()
    {
        var copy = new TestChunk(_data, Metadata, RecordCount, Id);
        foreach (var (k, v) in _annotations)
        {
            copy._annotations[k] = v;
        }

        return copy;
    }

    public byte[] Data => _data;

    public Stream OpenRead() => new MemoryStream(_data, writable: false);

    public string? GetAnnotation(string key) => _annotations.GetValueOrDefault(key);

    public ValueTask SetAnnotationAsync(string key, string value, CancellationToken cancellationToken)
    {
        _annotations[key] = value;
        return ValueTask.CompletedTask;
    }
}
