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

    /// <summary>
    /// A listener asked for outside the configuration (<c>tailship --http-server</c>). Its address wins over
    /// <c>&lt;system&gt; &lt;http_server&gt;</c>'s; that section's <c>metrics_path</c> and <c>monitor_api</c> still apply.
    /// </summary>
    public HttpServerConfig? HttpServer { get; init; }

    /// <summary>Where plugins and routers count; the metrics endpoints read it.</summary>
    public MetricsRegistry Metrics { get; init; } = new();
}
