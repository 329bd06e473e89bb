namespace Tailship.Inputs.Tail;

/// <summary>
/// Tells reading loops that a file may have changed: inotify (<see cref="InotifyNotifier"/>,
/// <c>enable_stat_watcher</c>). What it misses (queue overflow, network file systems, watch limits) the one-second
/// <see cref="StatSweep"/> (<c>enable_watch_timer</c>) catches. Callbacks may run on any thread, may be spurious, and
/// must not block.
/// </summary>
internal interface IFileChangeNotifier : IDisposable
{
    /// <summary>Calls <paramref name="onChange"/> when <paramref name="path"/> may have been written, created, renamed or removed.</summary>
    IDisposable Watch(string path, Action onChange);

    /// <summary>Calls <paramref name="onChange"/> when an entry may have appeared in <paramref name="directory"/>.</summary>
    IDisposable WatchDirectory(string directory, Action onChange);
}

/// <summary>An <see cref="IDisposable"/> that runs an action once.</summary>
internal sealed class Unsubscriber : IDisposable
{
    public static readonly IDisposable None = new Unsubscriber(() => { });

    private Action? _action;

    public Unsubscriber(Action action)
    {
        _action = action;
    }

    public void Dispose() => Interlocked.Exchange(ref _action, null)?.Invoke();
}
