using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Tests.TestSupport;

/// <summary>An <see cref="IEventRouter"/> that records what is emitted and lets a test await a number of events.</summary>
public sealed class CapturingRouter : IEventRouter
{
    private readonly object _lock = new();
    private readonly List<(string Tag, Event Event)> _events = [];
    private readonly List<(string Tag, int Count)> _batches = [];
    private readonly List<(string Tag, Event Event, Exception Error)> _errors = [];
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];

    public IReadOnlyList<(string Tag, Event Event)> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Tag and size of each emitted batch, in order.</summary>
    public IReadOnlyList<(string Tag, int Count)> Batches
    {
        get
        {
            lock (_lock)
            {
                return [.. _batches];
            }
        }
    }

    public IReadOnlyList<(string Tag, Event Event, Exception Error)> Errors
    {
        get
        {
            lock (_lock)
            {
                return [.. _errors];
            }
        }
    }

    public ValueTask EmitAsync(string tag, EventBatch batch, CancellationToken cancellationToken)
    {
        List<TaskCompletionSource> done = [];
        lock (_lock)
        {
            _batches.Add((tag, batch.Count));
            foreach (var e in batch)
            {
                _events.Add((tag, e));
            }

            _waiters.RemoveAll(w =>
            {
                if (_events.Count >= w.Count)
                {
                    done.Add(w.Done);
                    return true;
                }

                return false;
            });
        }

        done.ForEach(d => d.TrySetResult());
        return ValueTask.CompletedTask;
    }

    public ValueTask EmitErrorAsync(string tag, Event @event, Exception error, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _errors.Add((tag, @event, error));
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Completes once at least <paramref name="count"/> events have been emitted.</summary>
    public Task WaitForCountAsync(int count, TimeSpan? timeout = null)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_events.Count >= count)
            {
                return Task.CompletedTask;
            }

            _waiters.Add((count, tcs));
        }

        return tcs.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(10));
    }
}
