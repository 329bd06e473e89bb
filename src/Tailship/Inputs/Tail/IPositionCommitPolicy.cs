namespace Tailship.Inputs.Tail;

/// <summary>
/// Decides when the positions of lines the router has accepted may be saved. The tail input hands a
/// <see cref="PositionCheckpoint"/> to the policy once an <c>EmitAsync</c> completed and the batch (and every earlier
/// batch of the file) was acknowledged as delivered (<c>DeliveryCommitQueue</c>); the policy calls
/// <see cref="PositionCheckpoint.Commit"/> once the lines it covers are safe: at once when accepting is enough
/// (<see cref="CommitOnAcceptPolicy"/>, the default), or later, when a buffer has made them durable.
/// </summary>
/// <remarks>
/// A position is never saved unless its checkpoint is committed, so the pos_file never covers lines that were not
/// handed on. Commit checkpoints of one file in the order they were given; committing a later one first is safe
/// (the earlier one is then ignored), it only means the later one vouches for the earlier lines too.
/// </remarks>
public interface IPositionCommitPolicy
{
    /// <summary>
    /// Called after the lines the checkpoint covers were accepted and delivered: on the input's reading thread when
    /// nothing awaited delivery, else on a thread-pool thread.
    /// </summary>
    void OnAccepted(PositionCheckpoint checkpoint);
}

/// <summary>Commits each checkpoint as soon as the router has accepted its lines.</summary>
public sealed class CommitOnAcceptPolicy : IPositionCommitPolicy
{
    public static readonly CommitOnAcceptPolicy Instance = new();

    public void OnAccepted(PositionCheckpoint checkpoint) => checkpoint.Commit();
}

/// <summary>The read position of one file after a batch of lines: everything before it was accepted by the router.</summary>
public sealed class PositionCheckpoint
{
    private readonly PositionStore _store;
    private readonly PositionEntry _entry;

    internal PositionCheckpoint(PositionStore store, PositionEntry entry, ulong inode, long offset, long generation, long sequence)
    {
        _store = store;
        _entry = entry;
        Inode = inode;
        Offset = offset;
        Generation = generation;
        Sequence = sequence;
    }

    /// <summary>The file this checkpoint is for, as written in the pos_file.</summary>
    public string Path => _entry.Path;

    public ulong Inode { get; }

    /// <summary>Byte offset just after the last complete line accepted.</summary>
    public long Offset { get; }

    internal long Generation { get; }

    internal long Sequence { get; }

    /// <summary>The reader had reached the end of the file: the position is written sooner (see <see cref="PositionStore"/>).</summary>
    internal bool CaughtUp { get; init; }

    /// <summary>Records the position as saved-worthy and schedules a pos_file write. Safe from any thread, idempotent.</summary>
    public void Commit() => _store.Commit(_entry, this);
}
