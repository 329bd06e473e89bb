using Tailship.Hosting;

namespace Tailship.Tests.Hosting;

/// <summary>Signals raised by the test instead of the operating system.</summary>
internal sealed class FakeSignals : IShutdownSignals
{
    private Action<string>? _handler;

    public IDisposable Register(Action<string> onSignal)
    {
        _handler = onSignal;
        return new Unregister(this);
    }

    public void Raise(string signal) => (_handler ?? throw new InvalidOperationException("no handler registered"))(signal);

    private sealed class Unregister(FakeSignals owner) : IDisposable
    {
        public void Dispose() => owner._handler = null;
    }
}
