using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tailship.Observability;
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

    /// <summary>Where plugins and routers count; the metrics endpoints read it.</summary>
    public MetricsRegistry Metrics { get; init; } = new();
}
