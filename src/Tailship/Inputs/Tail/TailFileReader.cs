using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace Tailship.Inputs.Tail;

/// <summary>Receives what <see cref="TailFileReader"/> frames: complete lines, and lines too long to keep.</summary>
internal interface ILineSink
{
    /// <summary>A complete line without its <c>\n</c> or <c>\r\n</c>. The span is valid only during the call.</summary>
    void OnLine(ReadOnlySpan<byte> line);

    /// <summary>A line longer than <c>max_line_size</c> (length including the LF) was consumed and dropped.</summary>
    void OnLineTooLong(long length);
}

/// <summary>Why <see cref="TailFileReader.Read"/> returned.</summary>
internal enum ReadOutcome
{
    /// <summary>The end of the file was reached; a partial last line, if any, is held.</summary>
    EndOfFile,

    /// <summary>The line or byte limit was reached; more may be ready.</summary>
    LimitReached,
}

/// <summary>
/// Reads one open file and frames it into lines on raw bytes: split on LF, chomp <c>\n</c> or <c>\r\n</c>.
/// An unterminated last line stays in the buffer until its LF arrives; it is never handed out in halves.
/// </summary>
/// <remarks>
/// Invariant: <see cref="LineStartOffset"/> is the file offset of the first byte not yet handed out as (or dropped
/// with) a complete line; a position saved there never skips a line and never repeats one. Not thread-safe: one
/// reading loop owns a reader.
/// </remarks>
internal sealed class TailFileReader : IDisposable
{
    private const int InitialBufferSize = 64 * 1024;

    private readonly long _maxLineSize;
    private byte[] _buffer;
    private int _start; // first unconsumed byte in _buffer
    private int _end; // end of valid bytes in _buffer
    private long _readOffset; // file offset of _buffer[_end]
    private bool _discarding; // skipping a line longer than max_line_size until its LF
    private long _discarded; // bytes of that line already skipped

    public TailFileReader(SafeFileHandle handle, string path, ulong inode, long offset, long generation, long maxLineSize)
    {
        Handle = handle;
        Path = path;
        Inode = inode;
        Generation = generation;
        _maxLineSize = maxLineSize;
        _buffer = []; // rented at the first read
        _readOffset = offset;
        LineStartOffset = offset;
        AcceptedOffset = offset;
    }

    public SafeFileHandle Handle { get; }

    /// <summary>The path this file was opened as (it may have been renamed or deleted since).</summary>
    public string Path { get; }

    public ulong Inode { get; }

    /// <summary>The reader's number for position bookkeeping (see <see cref="PositionEntry.Generation"/>).</summary>
    public long Generation { get; }

    /// <summary>Offset up to which the router accepted the lines (set by the owning loop after each emit).</summary>
    public long AcceptedOffset { get; set; }

    /// <summary>File offset just after the last complete line handed out or dropped.</summary>
    public long LineStartOffset { get; private set; }

    /// <summary>File offset of the line being handed to the sink (valid during <see cref="ILineSink.OnLine"/>).</summary>
    public long LastLineStart { get; private set; }

    /// <summary>Lines held for an incomplete multi-line or partial event; null when the parser needs none.</summary>
    public HeldLines? Held { get; init; }

    /// <summary>Where a position may be saved: before held lines, else after the last complete line.</summary>
    public long CommittableOffset => Held?.HeldFrom is { } from && from < LineStartOffset ? from : LineStartOffset;

    /// <summary>True when <see cref="LineStartOffset"/> was reached by framing a line, so the byte before it is an LF.</summary>
    public bool AtFramedBoundary { get; private set; }

    /// <summary>How far the file has been read (including a held partial line).</summary>
    public long ReadOffset => _readOffset;

    /// <summary>Bytes of an unterminated line currently held.</summary>
    public long PendingBytes => _discarding ? _discarded + (_end - _start) : _end - _start;

    /// <summary>
    /// Frames lines until the end of the file, <paramref name="maxLines"/> lines, or <paramref name="maxBytes"/> bytes
    /// read from the file. Throws the file system's exceptions (the caller's loop decides what they mean).
    /// </summary>
    public ReadOutcome Read(ILineSink sink, int maxLines, long maxBytes, out int lines, out long bytesRead)
    {
        lines = 0;
        bytesRead = 0;
        while (true)
        {
            while (lines < maxLines && FrameOne(sink))
            {
                lines++;
            }

            if (lines >= maxLines || bytesRead >= maxBytes)
            {
                return ReadOutcome.LimitReached;
            }

            MakeRoom();
            var toRead = (int)Math.Min(_buffer.Length - _end, Math.Max(1, maxBytes - bytesRead));
            var n = RandomAccess.Read(Handle, _buffer.AsSpan(_end, toRead), _readOffset);
            if (n == 0)
            {
                if (_start == _end)
                {
                    // Drained with nothing held: an idle file keeps no buffer (a thousand idle files would otherwise
                    // hold 64 MB). The next read rents one again; the pool makes that cheap for a busy file.
                    ReleaseBuffer();
                }

                return ReadOutcome.EndOfFile;
            }

            _end += n;
            _readOffset += n;
            bytesRead += n;
        }
    }

    /// <summary>Frames one line from the buffer; false when no complete line is buffered.</summary>
    private bool FrameOne(ILineSink sink)
    {
        var span = _buffer.AsSpan(_start, _end - _start);
        var lf = span.IndexOf((byte)'\n');
        if (lf < 0)
        {
            return false;
        }

        var consumed = lf + 1;
        if (_discarding)
        {
            var total = _discarded + consumed;
            _discarding = false;
            _discarded = 0;
            _start += consumed;
            LineStartOffset += total;
            AtFramedBoundary = true;
            sink.OnLineTooLong(total);
            return true;
        }

        _start += consumed;
        LastLineStart = LineStartOffset;
        LineStartOffset += consumed;
        AtFramedBoundary = true;
        if (_maxLineSize > 0 && consumed > _maxLineSize)
        {
            sink.OnLineTooLong(consumed);
            return true;
        }

        var line = span[..lf];
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        sink.OnLine(line);
        return true;
    }

    /// <summary>Makes space to read into: drops consumed bytes, drops an over-long line's bytes, or grows the buffer.</summary>
    private void MakeRoom()
    {
        if (_buffer.Length == 0)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
            _start = _end = 0;
        }

        var pending = _end - _start;
        if (_maxLineSize > 0 && (_discarding || pending >= _maxLineSize))
        {
            // The held line is already too long: forget its bytes, keep counting them, and skip to its LF.
            _discarding = true;
            _discarded += pending;
            _start = _end = 0;
            return;
        }

        if (_start > 0)
        {
            _buffer.AsSpan(_start, pending).CopyTo(_buffer);
            _start = 0;
            _end = pending;
        }

        if (_end == _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _end).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
    }

    /// <summary>
    /// False when the byte before <see cref="LineStartOffset"/> is no longer the LF this reader framed there: the file
    /// was truncated and written past the old offset between two looks (a size check alone cannot see that).
    /// </summary>
    public bool BoundaryIntact()
    {
        if (!AtFramedBoundary || LineStartOffset == 0)
        {
            return true;
        }

        Span<byte> one = stackalloc byte[1];
        return RandomAccess.Read(Handle, one, LineStartOffset - 1) == 1 && one[0] == (byte)'\n';
    }

    /// <summary>Starts over at <paramref name="offset"/> (after a truncation, or to re-read lines the router refused).</summary>
    public void Reset(long offset)
    {
        _start = _end = 0;
        _discarding = false;
        _discarded = 0;
        _readOffset = offset;
        LineStartOffset = offset;
        AtFramedBoundary = false;
        Held?.Reset();
    }

    /// <summary>Whether the reader holds a read buffer now (false while drained and idle).</summary>
    internal bool HoldsBuffer => _buffer.Length > 0;

    private void ReleaseBuffer()
    {
        var buffer = _buffer;
        _buffer = [];
        _start = _end = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
        Handle.Dispose();
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
