using Tailship.Config;
using Tailship.Observability;
using Tailship.Plugins;

namespace Tailship.Inputs.Prometheus;

/// <summary>
/// <c>@type prometheus</c> (fluent-plugin-prometheus's input): serves the agent's metrics in the Prometheus text
/// format at <c>metrics_path</c>, plus <c>/healthz</c> and <c>/readyz</c>. The agent's own counters need no
/// <c>prometheus_monitor</c> or <c>prometheus_output_monitor</c> source: they are always exported.
/// </summary>
internal sealed class PrometheusInput : IInput, IAsyncDisposable
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<PrometheusOptions>(
        new PluginSpec(PluginKind.Input, "prometheus", new SectionSpec("source", "Serves the agent's metrics in the Prometheus text format over HTTP.")
        {
            Params =
            [
                ParamSpec.String("bind", "127.0.0.1", "Address to listen on. The plugin's default is 0.0.0.0; Tailship listens on loopback unless told otherwise (bind 0.0.0.0 for a Prometheus server outside the pod)."),
                ParamSpec.Integer("port", 24231, "TCP port to listen on (0: any free port)."),
                ParamSpec.String("metrics_path", "/metrics", "Path of the metrics."),
                ParamSpec.String("aggregated_metrics_path", "/aggregated_metrics", "Path of the metrics of all workers; Tailship runs one worker, so it serves the same metrics."),
                ParamSpec.Bool("per_file_metrics", false, "Tailship: also export per-file series (a path label), such as the tail lag of each file. Off by default: one series per file."),
                ParamSpec.NotImplemented("content_encoding", "Compress the response (gzip)."),
            ],
            Sections =
            [
                new SectionSpec("transport", "TLS for the listener.") { Implemented = false },
                new SectionSpec("labels", "Labels added to every metric.") { Implemented = false },
            ],
        }),
        validate: Validate,
        build: (options, context) => new PrometheusInput(options, context));

    private readonly PrometheusOptions _options;
    private readonly PluginContext _context;
    private ObservabilityServer? _server;

    private PrometheusInput(PrometheusOptions options, PluginContext context)
    {
        _options = options;
        _context = context;

        // Set when built, before any plugin starts, so a tail input sees it from its first file.
        if (options.PerFileMetrics)
        {
            context.MetricsRegistry.PerFileMetrics = true;
        }
    }

    /// <summary>Where the listener is bound; null before start.</summary>
    public System.Net.IPEndPoint? EndPoint => _server?.EndPoint;

    public Task StartAsync(IEventRouter router, CancellationToken cancellationToken)
    {
        var endpoints = new EndpointOptions(_options.MetricsPath, MonitorApi: false) { AggregatedMetricsPath = _options.AggregatedMetricsPath };
        _server = ObservabilityServer.Start(_context.MetricsRegistry, endpoints, _options.Bind, _options.Port, _context.LoggerFactory);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Nothing to stop: the listener stays up until the pipeline disposes the plugin, so that metrics and /healthz
    /// keep answering while the outputs flush (inputs stop first on shutdown).
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static PrometheusOptions? Validate(SectionConfig cfg, DiagnosticBag diagnostics)
    {
        var ok = PortParam.Check(cfg, "port", diagnostics);
        foreach (var name in new[] { "metrics_path", "aggregated_metrics_path" })
        {
            var path = cfg.GetString(name);
            if (path is not null && (!path.StartsWith('/') || path.Contains('?', StringComparison.Ordinal)))
            {
                diagnostics.Error(cfg.LocationOf(name), $"parameter '{name}' must be a path starting with '/', found '{path}'", cfg.Source);
                ok = false;
            }
        }

        return ok
            ? new PrometheusOptions(cfg.GetRequiredString("bind"), (int)cfg.GetInt("port"), cfg.GetRequiredString("metrics_path"), cfg.GetString("aggregated_metrics_path"), cfg.GetBool("per_file_metrics"))
            : null;
    }
}
