using Tailship.Parsers.Cri;

namespace Tailship.Inputs.Tail;

/// <summary>
/// Lines of one file read but not yet parsed because the event they belong to is not complete: the lines of a
/// multi-line event (<c>@type multiline</c> with <c>format_firstline</c>) and CRI partial lines (<c>P</c>).
/// </summary>
/// <remarks>
/// Invariant: <see cref="HeldFrom"/> is the file offset of the first held line, and a position is never saved
/// beyond it, so after a restart the held lines are read again and the event is assembled whole: never emitted in
/// halves, never lost. Owned by the file's reading loop.
/// </remarks>
internal sealed class HeldLines
{
    private byte[] _group = new byte[256];

    public HeldLines(CriPartialAssembler? cri)
    {
        Cri = cri;
    }

    /// <summary>File offset of the first held line; null when nothing is held.</summary>
    public long? HeldFrom { get; set; }

    /// <summary>When the last line was added to the multi-line group (for <c>multiline_flush_interval</c>).</summary>
    public DateTimeOffset LastLineAt { get; set; }

    public CriPartialAssembler? Cri { get; }

    /// <summary>Bytes of the multi-line group: its lines joined with LF.</summary>
    public int GroupLength { get; private set; }

    public ReadOnlySpan<byte> Group => _group.AsSpan(0, GroupLength);

    public void StartGroup(ReadOnlySpan<byte> line, long offset, DateTimeOffset now)
    {
        GroupLength = 0;
        Append(line);
        HeldFrom = offset;
        LastLineAt = now;
    }

    public void AddToGroup(ReadOnlySpan<byte> line, DateTimeOffset now)
    {
        Append("\n"u8);
        Append(line);
        LastLineAt = now;
    }

    public void ClearGroup()
    {
        GroupLength = 0;
        HeldFrom = Cri is { BufferedBytes: > 0 } ? HeldFrom : null;
    }

    /// <summary>Forgets everything held (the lines will be read again from an earlier offset).</summary>
    public void Reset()
    {
        GroupLength = 0;
        HeldFrom = null;
        if (Cri is not null)
        {
            foreach (var _ in Cri.Flush())
            {
                // Drained and dropped: these lines are read again.
            }
        }
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (GroupLength + bytes.Length > _group.Length)
        {
            Array.Resize(ref _group, Math.Max(_group.Length * 2, GroupLength + bytes.Length));
        }

        bytes.CopyTo(_group.AsSpan(GroupLength));
        GroupLength += bytes.Length;
    }
}
