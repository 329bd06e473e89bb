namespace Tailship.Inputs.Tail;

/// <summary>
/// An auto-reset wake-up for one waiting loop. Invariant: a <see cref="Set"/> is never lost for a loop that does a
/// full pass after each <see cref="WaitAsync"/> returns, because the signal is re-armed before that pass reads.
/// </summary>
internal sealed class AsyncSignal
{
    private TaskCompletionSource _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Set() => Volatile.Read(ref _tcs).TrySetResult();

    /// <summary>Whether a <see cref="Set"/> is pending (for tests and diagnostics).</summary>
    public bool IsSet => Volatile.Read(ref _tcs).Task.IsCompleted;

    /// <summary>Waits for a <see cref="Set"/> or the timeout (null: none). Cancellation throws.</summary>
    public async Task WaitAsync(TimeSpan? timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var tcs = Volatile.Read(ref _tcs);
        if (!tcs.Task.IsCompleted)
        {
            try
            {
                var wait = timeout is { } t ? tcs.Task.WaitAsync(t, time, cancellationToken) : tcs.Task.WaitAsync(cancellationToken);
                await wait.ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return;
            }
        }

        Interlocked.CompareExchange(ref _tcs, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), tcs);
    }
}
