using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tailship.Config;
using Tailship.Plugins;

namespace Tailship.Hosting;

/// <summary>What the pipeline is built with.</summary>
public sealed record PipelineOptions
{
    public required PluginRegistry Registry { get; init; }

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public string Hostname { get; init; } = Environment.MachineName;

    public int WorkerId { get; init; }
}

/// <summary>
/// The validated plan of a pipeline: every section bound and every plugin validated, nothing built.
/// <c>--dry-run</c> stops here.
/// </summary>
public sealed class PipelinePlan
{
    internal PipelinePlan(ConfigSection root, PipelineOptions options)
    {
        Root = root;
        Options = options;
    }

    public ConfigSection Root { get; }

    public PipelineOptions Options { get; }

    /// <summary>Binds and validates the whole configuration; null when any error was added to the bag.</summary>
    public static PipelinePlan? Create(ConfigSection root, PipelineOptions options, DiagnosticBag diagnostics)
    {
        // Replaced by the router/pipeline builder.
        diagnostics.Error(root.Location, "the pipeline builder is not built yet");
        return null;
    }
}

/// <summary>A running set of inputs, filters, routes and outputs built from a <see cref="PipelinePlan"/>.</summary>
public sealed class Pipeline : IAsyncDisposable
{
    private int _state;

    private Pipeline()
    {
    }

    /// <summary>Builds every plugin of the plan (this is where I/O may happen); does not start them.</summary>
    public static Pipeline Build(PipelinePlan plan) => throw new NotSupportedException($"the pipeline builder is not built yet ({plan.Root.Location})");

    /// <summary>Starts outputs, then inputs.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _state = 1;
        return Task.CompletedTask;
    }

    /// <summary>Stops inputs first, then flushes and stops outputs, within the token's deadline.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        _state = 2;
        return Task.CompletedTask;
    }

    /// <summary>
    /// Routes one of the agent's own log messages as a Fluentd-style <c>fluent.LEVEL</c> event (to
    /// <c>&lt;label @FLUENT_LOG&gt;</c> when present, else the top-level routes).
    /// </summary>
    public void EmitAgentLog(LogLevel level, string message)
    {
        _ = level;
        _ = message;
        _ = _state;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
