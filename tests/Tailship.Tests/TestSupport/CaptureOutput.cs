using System.Collections.Concurrent;
using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Tests.TestSupport;

/// <summary>
/// A test output (<c>@type capture</c>) that keeps every event it gets in the <see cref="CaptureHub"/> under its
/// <c>name</c> (default: its plugin id). <c>fail true</c> makes every emit throw. Register it with
/// <see cref="TestPlugins.CreateRegistry"/> or <c>registry.Add(CaptureOutput.Create(hub))</c>.
/// </summary>
internal sealed class CaptureOutput : IOutput
{
    private readonly CaptureSink _sink;
    private readonly bool _fail;
    private readonly CaptureHub _hub;

    private CaptureOutput(CaptureSink sink, bool fail, CaptureHub hub)
    {
        _sink = sink;
        _fail = fail;
        _hub = hub;
    }

    public static PluginDescriptor Create(CaptureHub hub) => new PluginDescriptor<CaptureOptions>(
        new PluginSpec(PluginKind.Output, "capture", new SectionSpec("match", "Test output that keeps events in memory.")
        {
            Params =
            [
                ParamSpec.String("name", null, "Name of the sink in the hub; default the plugin id."),
                ParamSpec.Bool("fail", false, "Throw on every emit."),
            ],
        }),
        validate: (cfg, _) => new CaptureOptions(cfg.GetString("name"), cfg.GetBool("fail")),
        build: (options, context) => new CaptureOutput(hub.Sink(options.Name ?? context.PluginId), options.Fail, hub));

    /// <summary>A capture output built directly, for tests of routers and outputs without a pipeline.</summary>
    public static IOutput New(CaptureHub hub, string name, bool fail = false) => new CaptureOutput(hub.Sink(name), fail, hub);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _hub.Journal.Enqueue($"start output {_sink.Name}");
        _sink.Started = true;
        return Task.CompletedTask;
    }

    public ValueTask EmitAsync(string tag, EventBatch batch, CancellationToken cancellationToken)
    {
        if (_fail)
        {
            throw new InvalidOperationException($"capture output {_sink.Name} fails as configured");
        }

        _sink.Add(tag, batch);
        _sink.OnEmit?.Invoke();
        return ValueTask.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _hub.Journal.Enqueue($"stop output {_sink.Name}");
        _sink.Stopped = true;
        return Task.CompletedTask;
    }

    private sealed record CaptureOptions(string? Name, bool Fail);
}

/// <summary>The sinks of one test, by name, and a journal of lifecycle calls in the order they happened.</summary>
internal sealed class CaptureHub
{
    private readonly ConcurrentDictionary<string, CaptureSink> _sinks = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Journal { get; } = new();

    /// <summary>The router each started test input got, by plugin id.</summary>
    public ConcurrentDictionary<string, IEventRouter> Routers { get; } = new(StringComparer.Ordinal);

    public CaptureSink Sink(string name) => _sinks.GetOrAdd(name, n => new CaptureSink(n));

    public bool Has(string name) => _sinks.ContainsKey(name);
}

/// <summary>What one capture output got: (tag, event) pairs in arrival order; waitable without sleeping.</summary>
internal sealed class CaptureSink(string name)
{
    private readonly List<(string Tag, Event Event)> _events = [];
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];

    public string Name { get; } = name;

    public bool Started { get; set; }

    public bool Stopped { get; set; }

    /// <summary>Runs after each batch is recorded, on the emitting flow.</summary>
    public Action? OnEmit { get; set; }

    public IReadOnlyList<(string Tag, Event Event)> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_events)
            {
                return _events.Count;
            }
        }
    }

    public IReadOnlyList<string> Tags => [.. Events.Select(e => e.Tag)];

    public void Add(string tag, EventBatch batch)
    {
        lock (_events)
        {
            foreach (var e in batch.AsSpan())
            {
                _events.Add((tag, e));
            }

            _waiters.RemoveAll(w =>
            {
                if (_events.Count < w.Count)
                {
                    return false;
                }

                w.Done.TrySetResult();
                return true;
            });
        }
    }

    /// <summary>Completes when at least <paramref name="count"/> events arrived; fails after <paramref name="timeout"/> (default 10 s).</summary>
    public Task WaitForCountAsync(int count, TimeSpan? timeout = null)
    {
        lock (_events)
        {
            if (_events.Count >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(10));
        }
    }
}
