using System.IO.MemoryMappedFiles;
using Microsoft.Win32.SafeHandles;

namespace Tailship.Buffers;

/// <summary>
/// The first <c>length</c> bytes of a chunk file, read through a read-only memory mapping: each read is one copy from
/// the page cache into the caller's buffer, with no <c>pread</c> system call and no copy through a
/// <see cref="FileStream"/> buffer (docs/s3.md, "Upload cost"). Seekable within the mapped bytes. Owns the mapping; the
/// file handle stays the caller's.
/// </summary>
/// <remarks>
/// A mapping stays valid after the handle it was made from is closed. Chunk files are never cut while a chunk is being
/// read (a torn tail is cut by recovery, before any read), so no read touches a page past the end of the file.
/// </remarks>
internal sealed class MappedChunkStream : Stream
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewStream _view;

    private MappedChunkStream(MemoryMappedFile file, MemoryMappedViewStream view)
    {
        _file = file;
        _view = view;
    }

    /// <summary>Maps <paramref name="length"/> bytes (more than 0, at most the file's size) of an open, readable file.</summary>
    public static MappedChunkStream Map(SafeFileHandle handle, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);

        // Capacity 0 means the file's size: a smaller one is refused, and the file is never grown.
        var file = MemoryMappedFile.CreateFromFile(handle, mapName: null, capacity: 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        try
        {
            return new MappedChunkStream(file, file.CreateViewStream(0, length, MemoryMappedFileAccess.Read));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _view.Length;

    public override long Position
    {
        get => _view.Position;
        set => _view.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => _view.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => _view.Read(buffer);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => _view.Seek(offset, origin);

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _view.Dispose();
            _file.Dispose();
        }

        base.Dispose(disposing);
    }
}
