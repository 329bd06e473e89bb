namespace Tailship.Inputs.Tail;

/// <summary>
/// Wakes every watched file's loop once per interval (Fluentd's watch timer, one second). The loop then reads and
/// stats its file, so this catches anything inotify missed. One timer serves all files.
/// </summary>
internal sealed class StatTimerNotifier : IFileChangeNotifier
{
    private readonly Lock _lock = new();
    private readonly ITimer _timer;
    private Action[] _callbacks = []; // copy-on-write under _lock

    public StatTimerNotifier(TimeProvider time, TimeSpan interval)
    {
        _timer = time.CreateTimer(_ => Tick(), null, interval, interval);
    }

    public IDisposable Watch(string path, Action onChange)
    {
        lock (_lock)
        {
            _callbacks = [.. _callbacks, onChange];
        }

        return new Unsubscriber(() =>
        {
            lock (_lock)
            {
                _callbacks = _callbacks.Where(c => c != onChange).ToArray();
            }
        });
    }

    /// <summary>Directories are rescanned by the refresh loop; the timer has nothing to add.</summary>
    public IDisposable WatchDirectory(string directory, Action onChange) => Unsubscriber.None;

    private void Tick()
    {
        foreach (var callback in Volatile.Read(ref _callbacks))
        {
            callback();
        }
    }

    public void Dispose() => _timer.Dispose();
}
