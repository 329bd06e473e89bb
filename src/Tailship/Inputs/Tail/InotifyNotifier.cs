using Microsoft.Extensions.Logging;

namespace Tailship.Inputs.Tail;

/// <summary>
/// Change notification through inotify (.NET's <see cref="FileSystemWatcher"/>): one watcher per directory, shared
/// by every file in it. A symlinked file is watched at its target's directory too (the Kubernetes layout
/// <c>/var/log/containers/*.log</c> -> <c>/var/log/pods/...</c>). On a queue overflow every file of the directory
/// is woken. Past <see cref="MaxDirectories"/> (each watcher costs an inotify instance) files rely on the timer.
/// </summary>
internal sealed class InotifyNotifier : IFileChangeNotifier
{
    public const int MaxDirectories = 64;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, DirectoryWatch> _directories = new(StringComparer.Ordinal); // guarded by _lock
    private readonly ILogger _logger;
    private readonly WarningLimiter _warnings;

    public InotifyNotifier(ILogger logger, WarningLimiter warnings)
    {
        _logger = logger;
        _warnings = warnings;
    }

    public IDisposable Watch(string path, Action onChange)
    {
        var subscriptions = new List<IDisposable> { Subscribe(path, onChange) };
        try
        {
            if (new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true) is { } target)
            {
                subscriptions.Add(Subscribe(target.FullName, onChange));
            }
        }
        catch (IOException)
        {
            // A dangling link or a vanished file: the path's own directory watch and the timer still cover it.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }

        return new Unsubscriber(() => subscriptions.ForEach(s => s.Dispose()));
    }

    public IDisposable WatchDirectory(string directory, Action onChange)
    {
        var dir = GetOrCreate(directory);
        if (dir is null)
        {
            return Unsubscriber.None;
        }

        dir.Add(string.Empty, onChange);
        return new Unsubscriber(() => Release(dir, string.Empty, onChange));
    }

    private IDisposable Subscribe(string path, Action onChange)
    {
        var directory = Path.GetDirectoryName(path);
        var name = Path.GetFileName(path);
        if (string.IsNullOrEmpty(directory) || GetOrCreate(directory) is not { } dir)
        {
            return Unsubscriber.None;
        }

        dir.Add(name, onChange);
        return new Unsubscriber(() => Release(dir, name, onChange));
    }

    private DirectoryWatch? GetOrCreate(string directory)
    {
        lock (_lock)
        {
            if (_directories.TryGetValue(directory, out var existing))
            {
                return existing;
            }

            if (_directories.Count >= MaxDirectories || !Directory.Exists(directory))
            {
                return null;
            }

            try
            {
                var dir = new DirectoryWatch(directory, this);
                _directories[directory] = dir;
                return dir;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException)
            {
                ReportFailure(directory, ex);
                return null;
            }
        }
    }

    private void Release(DirectoryWatch dir, string name, Action onChange)
    {
        lock (_lock)
        {
            if (dir.Remove(name, onChange))
            {
                _directories.Remove(dir.Directory);
                dir.Dispose();
            }
        }
    }

    private void ReportFailure(string directory, Exception ex)
    {
        if (_warnings.ShouldLog("inotify:" + directory, out var suppressed))
        {
            TailLog.NotifierFailed(_logger, directory, suppressed, ex);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var dir in _directories.Values)
            {
                dir.Dispose();
            }

            _directories.Clear();
        }
    }

    /// <summary>One directory's watcher and the callbacks per file name (empty name: the directory itself).</summary>
    private sealed class DirectoryWatch : IDisposable
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<string, List<Action>> _byName = new(StringComparer.Ordinal); // guarded by _lock
        private readonly FileSystemWatcher _watcher;
        private readonly InotifyNotifier _owner;

        public DirectoryWatch(string directory, InotifyNotifier owner)
        {
            Directory = directory;
            _owner = owner;
            _watcher = new FileSystemWatcher(directory)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.Attributes,
                InternalBufferSize = 64 * 1024,
                IncludeSubdirectories = false,
            };
            _watcher.Changed += (_, e) => Fire(e.Name, created: false);
            _watcher.Created += (_, e) => Fire(e.Name, created: true);
            _watcher.Deleted += (_, e) => Fire(e.Name, created: false);
            _watcher.Renamed += (_, e) =>
            {
                Fire(e.OldName, created: false);
                Fire(e.Name, created: true);
            };
            _watcher.Error += (_, e) =>
            {
                _owner.ReportFailure(directory, e.GetException());
                FireAll();
            };
            _watcher.EnableRaisingEvents = true;
        }

        public string Directory { get; }

        public void Add(string name, Action callback)
        {
            lock (_lock)
            {
                if (!_byName.TryGetValue(name, out var list))
                {
                    list = [];
                    _byName[name] = list;
                }

                list.Add(callback);
            }
        }

        /// <summary>Removes a callback; true when the directory has no callbacks left.</summary>
        public bool Remove(string name, Action callback)
        {
            lock (_lock)
            {
                if (_byName.TryGetValue(name, out var list))
                {
                    list.Remove(callback);
                    if (list.Count == 0)
                    {
                        _byName.Remove(name);
                    }
                }

                return _byName.Count == 0;
            }
        }

        private void Fire(string? name, bool created)
        {
            Action[] targets;
            lock (_lock)
            {
                var list = new List<Action>();
                if (name is not null && _byName.TryGetValue(name, out var forName))
                {
                    list.AddRange(forName);
                }

                if (created && _byName.TryGetValue(string.Empty, out var forDirectory))
                {
                    list.AddRange(forDirectory);
                }

                targets = [.. list];
            }

            foreach (var t in targets)
            {
                t();
            }
        }

        private void FireAll()
        {
            Action[] targets;
            lock (_lock)
            {
                targets = _byName.Values.SelectMany(l => l).ToArray();
            }

            foreach (var t in targets)
            {
                t();
            }
        }

        public void Dispose() => _watcher.Dispose();
    }
}
