using Tailship.Observability;

namespace Tailship.Hosting;

public sealed partial class Pipeline
{
    /// <summary>
    /// Adds the pipeline's own readiness (ready while running, not while stopping) and starts the
    /// <c>&lt;system&gt; &lt;http_server&gt;</c> (or <c>--http-server</c>) listener, once everything else runs (so /readyz is meaningful).
    /// </summary>
    private void StartHttpServer()
    {
        _readiness = _plan.Options.Metrics.Readiness.Add("pipeline", () => Volatile.Read(ref _state) == 1 ? ReadinessStatus.Ready : ReadinessStatus.NotReady("stopping"));
        var http = (_plan.Options.HttpServer, _plan.System.HttpServer) switch
        {
            ({ } cli, { } system) => system with { Bind = cli.Bind, Port = cli.Port },
            (var cli, var system) => cli ?? system,
        };
        if (http is null)
        {
            return;
        }

        var endpoints = new EndpointOptions(http.MetricsPath, http.MonitorApi);
        _httpServer = ObservabilityServer.Start(_plan.Options.Metrics, endpoints, http.Bind, http.Port, _plan.Options.LoggerFactory);
    }

    /// <summary>
    /// Stops the listener last on shutdown: /healthz keeps answering while outputs flush (a liveness probe must not
    /// kill a flushing agent), while /readyz already says "stopping".
    /// </summary>
    private async Task StopHttpServerAsync()
    {
        _readiness?.Dispose();
        if (_httpServer is null)
        {
            return;
        }

        try
        {
            await _httpServer.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogStopFailed(_logger, "HTTP server", "http_server", "-", ex);
        }

        _httpServer = null;
    }
}
