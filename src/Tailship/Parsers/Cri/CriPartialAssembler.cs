namespace Tailship.Parsers.Cri;

/// <summary>
/// Joins CRI partial lines: the runtime splits a long container log line into <c>P</c> lines followed by one <c>F</c>
/// line. Keep one assembler per file (in_tail): feed every line in order; a <c>P</c> line is held, and the next
/// <c>F</c> line of the same stream comes back as one line whose header (time, stream) is the first part's, whose
/// tag is <c>F</c> and whose message is all the parts' messages joined. stdout and stderr are assembled separately
/// because their parts may interleave. Lines that are not CRI lines pass through unchanged.
/// Not thread-safe: one reader owns it.
/// </summary>
public sealed class CriPartialAssembler
{
    private readonly int _maxBytes;
    private readonly Pending _stdout = new();
    private readonly Pending _stderr = new();
    private readonly Pending _other = new();
    private byte[] _output = new byte[256];

    /// <param name="maxBytes">
    /// Largest joined message held; beyond it the held parts are given back as one F line at once so memory stays
    /// bounded (in_tail's max_line_size is the natural value).
    /// </param>
    public CriPartialAssembler(int maxBytes = 16 * 1024 * 1024)
    {
        _maxBytes = maxBytes;
    }

    /// <summary>Bytes currently held in unfinished partial lines.</summary>
    public int BufferedBytes => _stdout.Length + _stderr.Length + _other.Length;

    /// <summary>
    /// Feeds one line (without its line ending). Returns true with <paramref name="complete"/> set to the line to parse
    /// (valid until the next call); false when the line was a partial that is now held.
    /// </summary>
    public bool Add(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> complete)
    {
        Span<(int Start, int Length)> fields = stackalloc (int, int)[4];
        if (!CriLine.TrySplit(line, fields) || fields[2].Length != 1)
        {
            complete = line;
            return true;
        }

        var stream = line.Slice(fields[1].Start, fields[1].Length);
        var pending = stream.SequenceEqual("stdout"u8) ? _stdout : stream.SequenceEqual("stderr"u8) ? _stderr : _other;
        var tag = line[fields[2].Start];
        var message = line.Slice(fields[3].Start, fields[3].Length);
        if (tag == 'P')
        {
            if (pending.Length == 0)
            {
                pending.Header = line[..fields[2].Start].ToArray();
            }

            pending.Append(message);
            if (pending.Length < _maxBytes)
            {
                complete = default;
                return false;
            }

            complete = Emit(pending, default);
            return true;
        }

        if (pending.Length == 0 && pending.Header is null)
        {
            complete = line;
            return true;
        }

        complete = Emit(pending, message);
        return true;
    }

    /// <summary>Gives back whatever partial lines are held (at end of file or rotation), one line per stream.</summary>
    public IEnumerable<byte[]> Flush()
    {
        foreach (var pending in (Pending[])[_stdout, _stderr, _other])
        {
            if (pending.Header is not null)
            {
                yield return Emit(pending, default).ToArray();
            }
        }
    }

    private ReadOnlySpan<byte> Emit(Pending pending, ReadOnlySpan<byte> last)
    {
        var header = pending.Header!;
        var size = header.Length + 2 + pending.Length + last.Length;
        if (_output.Length < size)
        {
            _output = new byte[Math.Max(size, _output.Length * 2)];
        }

        header.CopyTo(_output, 0);
        var n = header.Length;
        _output[n++] = (byte)'F';
        _output[n++] = (byte)' ';
        pending.Data.AsSpan(0, pending.Length).CopyTo(_output.AsSpan(n));
        n += pending.Length;
        last.CopyTo(_output.AsSpan(n));
        n += last.Length;
        pending.Clear();
        return _output.AsSpan(0, n);
    }

    private sealed class Pending
    {
        public byte[]? Header { get; set; }

        public byte[] Data { get; private set; } = [];

        public int Length { get; private set; }

        public void Append(ReadOnlySpan<byte> bytes)
        {
            if (Data.Length < Length + bytes.Length)
            {
                var grown = new byte[Math.Max(Length + bytes.Length, Math.Max(256, Data.Length * 2))];
                Data.AsSpan(0, Length).CopyTo(grown);
                Data = grown;
            }

            bytes.CopyTo(Data.AsSpan(Length));
            Length += bytes.Length;
        }

        public void Clear()
        {
            Header = null;
            Length = 0;
            if (Data.Length > 64 * 1024)
            {
                Data = []; // Do not keep a huge buffer after a rare huge line.
            }
        }
    }
}
