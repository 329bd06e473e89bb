using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tailship.Config;
using Tailship.Observability;

namespace Tailship.Plugins;

/// <summary>What a plugin gets when it is built: its identity, clocks, logging and the router of its label.</summary>
public sealed class PluginContext
{
    private MetricsRegistry? _metricsRegistry;

    public PluginContext(PluginRegistry registry)
    {
        Registry = registry;
    }

    public PluginRegistry Registry { get; }

    /// <summary>The plugin's <c>@id</c>, or a generated one (<c>object:TYPE-N</c>).</summary>
    public string PluginId { get; init; } = "plugin";

    public string PluginType { get; init; } = string.Empty;

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The host name as Fluentd's <c>Socket.gethostname</c> gives it.</summary>
    public string Hostname { get; init; } = Environment.MachineName;

    public int WorkerId { get; init; }

    /// <summary>The router a plugin emits into: its section's label, or the top level.</summary>
    public IEventRouter Router { get; init; } = NullRouter.Instance;

    /// <summary>Finds the router of a label by name (<c>@label</c> in an output such as relabel); null when unknown.</summary>
    public Func<string, IEventRouter?> LabelRouter { get; init; } = _ => null;

    /// <summary>
    /// The files this pipeline's inputs will read, by pos_file (<see cref="Buffers.SourceRegistry"/>); null when the
    /// plugin is built alone (tests), in which case a recovering file buffer trusts the pos_file alone.
    /// </summary>
    public Buffers.SourceRegistry? Sources { get; init; }

    /// <summary>The pipeline's metrics registry (a private one when the plugin is built alone, as in tests).</summary>
    public MetricsRegistry MetricsRegistry
    {
        get => _metricsRegistry ??= new MetricsRegistry(Time);
        init => _metricsRegistry = value;
    }

    /// <summary>This plugin's metrics handle (labelled with its <c>@id</c> and <c>@type</c>); get it once, when built.</summary>
    public PluginMetrics Metrics => MetricsRegistry.ForPlugin(PluginId, PluginType);

    /// <summary>Builds the nested plugin bound into <paramref name="section"/> (a <c>&lt;format&gt;</c>, <c>&lt;store&gt;</c>...).</summary>
    public T CreateNested<T>(SectionConfig section)
        where T : class
    {
        var bound = section.Plugin ?? throw new InvalidOperationException($"<{section.Spec.Name}> holds no plugin");
        var child = new PluginContext(Registry)
        {
            PluginId = $"{PluginId}/{bound.Descriptor.Spec.Type}",
            PluginType = bound.Descriptor.Spec.Type,
            LoggerFactory = LoggerFactory,
            Time = Time,
            Hostname = Hostname,
            WorkerId = WorkerId,
            Router = Router,
            LabelRouter = LabelRouter,
            MetricsRegistry = MetricsRegistry,
            Sources = Sources,
        };
        return bound.Descriptor.Build(bound.Options, child) as T
            ?? throw new InvalidOperationException($"@type {bound.Descriptor.Spec.Type} is not a {typeof(T).Name}");
    }

    public ILogger CreateLogger(string category) => LoggerFactory.CreateLogger(category);

    private sealed class NullRouter : IEventRouter
    {
        public static readonly NullRouter Instance = new();

        public ValueTask EmitAsync(string tag, Events.EventBatch batch, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask EmitErrorAsync(string tag, Events.Event @event, Exception error, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
