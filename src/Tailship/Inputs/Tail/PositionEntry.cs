namespace Tailship.Inputs.Tail;

/// <summary>
/// One line of the pos_file: a watched path and the committed (inode, offset) of its file. Fields are guarded by
/// the owning <see cref="PositionStore"/>'s lock.
/// </summary>
internal sealed class PositionEntry
{
    public PositionEntry(string path, ulong inode, long offset)
    {
        Path = path;
        Inode = inode;
        Offset = offset;
    }

    /// <summary>The path as written in the pos_file (the watched path, not a symlink's target).</summary>
    public string Path { get; set; }

    /// <summary>Inode of the file the committed offset belongs to.</summary>
    public ulong Inode { get; set; }

    /// <summary>Committed offset: every byte before it was handed on as complete events (or deliberately dropped).</summary>
    public long Offset { get; set; }

    /// <summary>No longer watched: written as <c>ffffffffffffffff</c> and dropped at the next compaction.</summary>
    public bool Unwatched { get; set; }

    /// <summary>Which reader of this path (0, 1, ... per rotation) the committed offset came from; older ones cannot overwrite.</summary>
    /// <summary>Created for a newly found file and not committed yet: not written to the pos_file.</summary>
    public bool Fresh { get; set; }

    public long Generation { get; set; } = -1;

    public long Sequence { get; set; } = -1;
}
