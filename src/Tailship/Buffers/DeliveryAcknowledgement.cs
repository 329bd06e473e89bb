namespace Tailship.Buffers;

/// <summary>
/// End-to-end acknowledgement for one emitted batch: completes when every output that took the batch has made it
/// safe. A file buffer holds it until the background group commit has fsynced the batch; a memory buffer holds
/// the acknowledgement in the chunk and releases it only after the output's WriteAsync of that chunk returned. An
/// input commits its position when <see cref="Delivered"/> completes, so unsent lines of a memory buffer are read
/// again after a crash. A chunk that is dropped or given up never releases: the position covering it never moves
/// by it (a later batch's commit may still vouch for it, as the tail's commit rules allow).
/// </summary>
/// <example>
/// <code>
/// var ack = new DeliveryAcknowledgement();
/// using (DeliveryScope.Enter(ack)) { await router.EmitAsync(tag, batch, ct); }
/// ack.Seal();
/// _ = ack.Delivered.ContinueWith(_ => checkpoint.Commit(), TaskContinuationOptions.OnlyOnRanToCompletion);
/// </code>
/// </example>
public sealed class DeliveryAcknowledgement
{
    private readonly TaskCompletionSource _delivered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pending = 1; // the emitter's own hold, released by Seal
    private int _sealed;

    /// <summary>
    /// Where the batch was read from, when the input can say (the tail with a pos_file): a file buffer stores it with
    /// the batch so that, after a crash, it can drop what the input never saved as read and will read again.
    /// </summary>
    public DeliverySource? Source { get; init; }

    /// <summary>Completes once the batch is delivered (or durable) everywhere it went.</summary>
    public Task Delivered => _delivered.Task;

    /// <summary>Outputs still holding the batch (plus one until sealed).</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Called by the emitter after EmitAsync returned: no output adds a hold after this.</summary>
    public void Seal()
    {
        if (Interlocked.Exchange(ref _sealed, 1) == 0)
        {
            Release();
        }
    }

    internal void Hold() => Interlocked.Increment(ref _pending);

    internal void Release()
    {
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            _delivered.TrySetResult();
        }
    }
}

/// <summary>Carries the acknowledgement of the batch being emitted down the async flow to the outputs.</summary>
public static class DeliveryScope
{
    private static readonly AsyncLocal<DeliveryAcknowledgement?> CurrentAck = new();

    /// <summary>The acknowledgement of the emit in progress on this async flow, or null.</summary>
    public static DeliveryAcknowledgement? Current => CurrentAck.Value;

    /// <summary>Makes <paramref name="ack"/> current until the returned scope is disposed.</summary>
    public static IDisposable Enter(DeliveryAcknowledgement ack)
    {
        var previous = CurrentAck.Value;
        CurrentAck.Value = ack;
        return new Restore(previous);
    }

    private sealed class Restore(DeliveryAcknowledgement? previous) : IDisposable
    {
        public void Dispose() => CurrentAck.Value = previous;
    }
}
