namespace Tailship.Buffers;

/// <summary>A chunk held in memory, as frames in a growing array. Lost when the process dies.</summary>
internal sealed class MemoryChunk : BufferChunk
{
    private byte[] _data = [];
    private int _length;

    public MemoryChunk(string id, ChunkMetadata metadata, DateTimeOffset createdAt)
        : base(id, metadata, createdAt)
    {
    }

    public override string Location => "memory";

    public override Stream OpenRead() =>
        new ChunkReadStream(new MemoryStream(_data, 0, _length, writable: false), _length, verify: false);

    public override void Append(ReadOnlySpan<byte> frame, int records, long rawLength)
    {
        if (_length + frame.Length > _data.Length)
        {
            Array.Resize(ref _data, Math.Max(_length + frame.Length, Math.Max(4096, _data.Length * 2)));
        }

        frame.CopyTo(_data.AsSpan(_length));
        _length += frame.Length;
        StoredSize = _length;
        RecordCount += records;
        ByteSize += rawLength;
        Frames++;
    }

    public override void FlushToDisk()
    {
    }

    public override void Delete()
    {
        _data = [];
        _length = 0;
    }

    public override string? MoveAside(string suffix)
    {
        Delete();
        return null;
    }

    public override void Close()
    {
    }

    protected override ValueTask PersistAnnotationsAsync(IReadOnlyDictionary<string, string> annotations, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;
}
