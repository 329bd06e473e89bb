using Microsoft.Extensions.Logging;
using Tailship.Config;
using Tailship.Events;
using Tailship.Observability;
using Tailship.Plugins;

namespace Tailship.Inputs.MonitorAgent;

/// <summary>
/// <c>@type monitor_agent</c>: Fluentd's monitoring API (<c>/api/plugins.json</c>, <c>/api/plugins</c>) on an HTTP
/// listener that also serves <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c>; with <c>tag</c>, it also emits one
/// record per plugin every <c>emit_interval</c>.
/// </summary>
internal sealed partial class MonitorAgentInput : IInput, IAsyncDisposable
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<MonitorAgentOptions>(
        new PluginSpec(PluginKind.Input, "monitor_agent", new SectionSpec("source", "Serves Fluentd's monitoring API and the agent's metrics and health over HTTP.")
        {
            Params =
            [
                ParamSpec.String("bind", "127.0.0.1", "Address to listen on. Fluentd's default is 0.0.0.0; Tailship listens on loopback unless told otherwise (bind 0.0.0.0 for Kubernetes probes)."),
                ParamSpec.Integer("port", 24220, "TCP port to listen on (0: any free port)."),
                ParamSpec.String("tag", null, "When set, emit one record per plugin with this tag every emit_interval."),
                ParamSpec.Time("emit_interval", 60, "Interval between two emits of the plugin records, in seconds."),
                ParamSpec.Bool("emit_config", false, "Include the config field in emitted records."),
                ParamSpec.Bool("include_config", true, "Include the config field (secrets masked) in /api/plugins.json."),
                ParamSpec.Bool("include_retry", true, "Include the retry field of outputs in /api/plugins.json."),
            ],
        }),
        validate: Validate,
        build: (options, context) => new MonitorAgentInput(options, context));

    private readonly MonitorAgentOptions _options;
    private readonly PluginContext _context;
    private readonly ILogger _logger;
    private ObservabilityServer? _server;
    private CancellationTokenSource? _emitStop;
    private Task? _emitLoop;

    private MonitorAgentInput(MonitorAgentOptions options, PluginContext context)
    {
        _options = options;
        _context = context;
        _logger = context.CreateLogger("Tailship.Inputs.MonitorAgent");
    }

    /// <summary>Where the listener is bound; null before start.</summary>
    public System.Net.IPEndPoint? EndPoint => _server?.EndPoint;

    public Task StartAsync(IEventRouter router, CancellationToken cancellationToken)
    {
        var endpoints = new EndpointOptions("/metrics", MonitorApi: true, _options.IncludeConfig, _options.IncludeRetry);
        _server = ObservabilityServer.Start(_context.MetricsRegistry, endpoints, _options.Bind, _options.Port, _context.LoggerFactory);
        if (_options.Tag is { } tag)
        {
            _emitStop = new CancellationTokenSource();
            _emitLoop = EmitLoopAsync(router, tag, _emitStop.Token);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops emitting records. The listener stays up until the pipeline disposes the plugin: inputs stop first on
    /// shutdown, and /healthz must keep answering while the outputs flush.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_emitStop is not null)
        {
            await _emitStop.CancelAsync().ConfigureAwait(false);
            await _emitLoop!.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }

        _emitStop?.Dispose();
    }

    private static MonitorAgentOptions? Validate(SectionConfig cfg, DiagnosticBag diagnostics)
    {
        var ok = PortParam.Check(cfg, "port", diagnostics);
        var interval = cfg.GetTime("emit_interval");
        if (interval <= TimeSpan.Zero)
        {
            diagnostics.Error(cfg.LocationOf("emit_interval"), $"parameter 'emit_interval' must be positive, found {interval.TotalSeconds}s", cfg.Source);
            ok = false;
        }

        return ok
            ? new MonitorAgentOptions(
                cfg.GetRequiredString("bind"),
                (int)cfg.GetInt("port"),
                cfg.GetString("tag"),
                interval,
                cfg.GetBool("emit_config"),
                cfg.GetBool("include_config"),
                cfg.GetBool("include_retry"))
            : null;
    }

    private async Task EmitLoopAsync(IEventRouter router, string tag, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_options.EmitInterval, _context.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                try
                {
                    var batch = MonitorAgentRecords.Build(_context.MetricsRegistry, _options.EmitConfig, _options.IncludeRetry, EventTime.Now(_context.Time));
                    await router.EmitAsync(tag, batch, stopping).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The next tick tries again; the records are a snapshot, so nothing is lost but this one.
                    LogEmitFailed(_logger, tag, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 910, Level = LogLevel.Warning, Message = "monitor_agent could not emit plugin records tag=\"{Tag}\"")]
    private static partial void LogEmitFailed(ILogger logger, string tag, Exception exception);
}
