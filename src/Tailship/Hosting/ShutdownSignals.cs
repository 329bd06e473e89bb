using System.Runtime.InteropServices;

namespace Tailship.Hosting;

/// <summary>The operating system's stop signals, behind an interface so that tests can raise them.</summary>
internal interface IShutdownSignals
{
    /// <summary>Calls <paramref name="onSignal"/> with the signal's name (<c>SIGTERM</c>...) each time one arrives, until disposed.</summary>
    IDisposable Register(Action<string> onSignal);
}

/// <summary>
/// SIGTERM and SIGINT through <see cref="PosixSignalRegistration"/>, with the runtime's default termination
/// cancelled so the host can stop gracefully; SIGHUP and SIGQUIT are reported by name as well.
/// </summary>
internal sealed class PosixShutdownSignals : IShutdownSignals
{
    public IDisposable Register(Action<string> onSignal)
    {
        var registrations = new List<PosixSignalRegistration>();
        foreach (var (signal, name) in new[] { (PosixSignal.SIGTERM, "SIGTERM"), (PosixSignal.SIGINT, "SIGINT"), (PosixSignal.SIGHUP, "SIGHUP"), (PosixSignal.SIGQUIT, "SIGQUIT") })
        {
            registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                onSignal(name);
            }));
        }

        return new Registrations(registrations);
    }

    private sealed class Registrations(List<PosixSignalRegistration> items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var r in items)
            {
                r.Dispose();
            }
        }
    }
}

/// <summary>
/// Turns signals into the host's stop sequence: the first stop signal requests a graceful stop, a second one
/// forces the process out at once. SIGHUP (Fluentd's reload) is not a stop signal. A repeat of the same signal within
/// <see cref="RepeatWindow"/> is the same request delivered twice (tools such as <c>timeout</c> signal the process and
/// then its process group), not an operator insisting, so it does not force an exit.
/// </summary>
internal sealed class StopRequest : IDisposable
{
    private readonly TaskCompletionSource<string> _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Action<string> _onForce;
    private readonly Action<string> _onIgnored;
    private readonly TimeProvider _time;
    private int _count;
    private string? _first;
    private long _firstAt;

    public StopRequest(Action<string> onForce, Action<string> onIgnored, TimeProvider? time = null)
    {
        _onForce = onForce;
        _onIgnored = onIgnored;
        _time = time ?? TimeProvider.System;
    }

    public static TimeSpan RepeatWindow { get; } = TimeSpan.FromSeconds(1);

    /// <summary>Completes with the name of the first stop signal.</summary>
    public Task<string> Requested => _requested.Task;

    /// <summary>Cancelled by the first stop signal: aborts a start still in progress.</summary>
    public CancellationToken Stopping => _stopping.Token;

    public void OnSignal(string name)
    {
        if (name == "SIGHUP")
        {
            _onIgnored(name);
            return;
        }

        if (Interlocked.Increment(ref _count) == 1)
        {
            _first = name;
            _firstAt = _time.GetTimestamp();
            // Cancel before completing: the completed request lets the run finish and dispose this object.
            _stopping.Cancel();
            _requested.TrySetResult(name);
        }
        else if (name == _first && _time.GetElapsedTime(_firstAt) < RepeatWindow)
        {
            _onIgnored(name);
        }
        else
        {
            _onForce(name);
        }
    }

    public void Dispose() => _stopping.Dispose();
}
