using System.Text;

namespace Tailship.Tests.Hosting;

/// <summary>Text written by another thread, which a test can read whole or await a piece of (no polling, no sleeps).</summary>
internal sealed class ObservedText
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _text = new();
    private readonly List<(string Marker, TaskCompletionSource Seen)> _waiters = [];

    public string Text
    {
        get
        {
            lock (_gate)
            {
                return _text.ToString();
            }
        }
    }

    public void Append(string text)
    {
        lock (_gate)
        {
            _text.Append(text);
            var all = _text.ToString();
            foreach (var waiter in _waiters.Where(w => all.Contains(w.Marker, StringComparison.Ordinal)).ToList())
            {
                waiter.Seen.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Completes when <paramref name="marker"/> has been written (at once if it already was).</summary>
    public Task WaitForAsync(string marker)
    {
        lock (_gate)
        {
            if (_text.ToString().Contains(marker, StringComparison.Ordinal))
            {
                return Task.CompletedTask;
            }

            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((marker, seen));
            return seen.Task;
        }
    }
}
