using Tailship.Buffers;

namespace Tailship.Inputs.Tail;

/// <summary>
/// Hands the checkpoints of one watched file to the commit policy only once every batch emitted before them has
/// been delivered (<see cref="DeliveryAcknowledgement.Delivered"/>): a memory buffer acknowledges after its
/// <c>WriteAsync</c>, a file buffer after the background fsync that covers the batch, an unbuffered output at once
/// (then checkpoints pass through synchronously on the reading thread).
/// </summary>
/// <remarks>
/// Invariant: a checkpoint is released only when the acknowledgements of all batches emitted before it completed,
/// in emit order. Chunks of one file may be delivered out of order (time-keyed chunks, retries); releasing a later
/// checkpoint early would vouch for lines of an earlier chunk still in memory. A chunk that is given up never
/// acknowledges, so this file's position stays until a restart reads those lines again; the queue then grows by
/// one small entry per batch, as the buffer itself does.
/// </remarks>
internal sealed class DeliveryCommitQueue(IPositionCommitPolicy policy)
{
    private readonly Lock _lock = new();
    private readonly Queue<(DeliveryAcknowledgement? Ack, PositionCheckpoint? Checkpoint)> _pending = new(); // guarded by _lock

    /// <summary>Batches emitted whose delivery is still awaited (tests observe it).</summary>
    public int PendingCount
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Records a sealed acknowledgement of a batch the router accepted.</summary>
    public void Emitted(DeliveryAcknowledgement ack)
    {
        lock (_lock)
        {
            if (ack.Delivered.IsCompleted && _pending.Count == 0)
            {
                return;
            }

            _pending.Enqueue((ack, null));
        }

        // Delivered runs its continuations asynchronously, so Drain never runs inside an output's flush loop.
        ack.Delivered.ContinueWith(static (_, state) => ((DeliveryCommitQueue)state!).Drain(), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Commits <paramref name="checkpoint"/> now when nothing emitted before it awaits delivery, else later.</summary>
    public void Checkpoint(PositionCheckpoint checkpoint)
    {
        lock (_lock)
        {
            if (_pending.Count > 0)
            {
                _pending.Enqueue((null, checkpoint));
                return;
            }
        }

        policy.OnAccepted(checkpoint);
    }

    /// <summary>
    /// Commits, in order, the checkpoints whose batches (and every batch before them) are acknowledged. Runs as the
    /// acknowledgements' continuation, and synchronously when a file buffer is about to delete a delivered chunk.
    /// </summary>
    public void Drain()
    {
        List<PositionCheckpoint>? ready = null;
        lock (_lock)
        {
            while (_pending.TryPeek(out var head))
            {
                if (head.Ack is { } ack && !ack.Delivered.IsCompleted)
                {
                    break;
                }

                _pending.Dequeue();
                if (head.Checkpoint is { } checkpoint)
                {
                    (ready ??= []).Add(checkpoint);
                }
            }
        }

        // Outside the lock; two drains racing may commit out of order, which the store tolerates (it keeps the
        // newest), and every checkpoint released here is already safe.
        foreach (var checkpoint in ready ?? [])
        {
            policy.OnAccepted(checkpoint);
        }
    }
}
