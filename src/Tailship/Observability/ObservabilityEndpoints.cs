using System.Text;
using Tailship.Observability.Http;

namespace Tailship.Observability;

/// <summary>What an endpoint server serves, besides <c>/healthz</c> and <c>/readyz</c> which every server has.</summary>
/// <param name="MetricsPath">Path of the Prometheus text (null: not served).</param>
/// <param name="MonitorApi">Serve Fluentd's <c>/api/plugins.json</c> and <c>/api/plugins</c>.</param>
/// <param name="IncludeConfig">Default of the monitor API's <c>config</c> field (<c>?with_config=</c> overrides it).</param>
/// <param name="IncludeRetry">Whether the monitor API lists the <c>retry</c> field of outputs.</param>
public sealed record EndpointOptions(string? MetricsPath = "/metrics", bool MonitorApi = true, bool IncludeConfig = true, bool IncludeRetry = true)
{
    /// <summary>A second path serving the same metrics (fluent-plugin-prometheus's all-workers path; one worker here).</summary>
    public string? AggregatedMetricsPath { get; init; }
}

/// <summary>The route table of the observability server: path to handler.</summary>
internal static class ObservabilityEndpoints
{
    public static Dictionary<string, Func<HttpRequest, HttpResponse>> Create(MetricsRegistry registry, EndpointOptions options)
    {
        var routes = new Dictionary<string, Func<HttpRequest, HttpResponse>>(StringComparer.Ordinal)
        {
            ["/healthz"] = _ => HttpResponse.Text(200, "ok\n"),
            ["/readyz"] = _ => Ready(registry),
        };

        if (options.MetricsPath is { } metricsPath)
        {
            routes[metricsPath] = _ => new HttpResponse(200, PrometheusTextWriter.ContentType, Encoding.UTF8.GetBytes(registry.WriteText()));
            if (options.AggregatedMetricsPath is { } aggregated)
            {
                routes[aggregated] = routes[metricsPath];
            }
        }

        if (options.MonitorApi)
        {
            routes["/api/plugins.json"] = request => new HttpResponse(200, "application/json", Plugins(registry, options, request));
            routes["/api/plugins"] = request => new HttpResponse(200, HttpResponse.TextPlain, MonitorAgentJson.ToLtsv(Plugins(registry, options, request)));
        }

        return routes;
    }

    /// <summary>200 when every check is ready, else 503; the body lists each check (<c>name: ok</c> or the reason).</summary>
    private static HttpResponse Ready(MetricsRegistry registry)
    {
        var results = registry.Readiness.Evaluate();
        var text = new StringBuilder();
        var ready = true;
        foreach (var (name, status) in results)
        {
            ready &= status.IsReady;
            text.Append(name).Append(": ").Append(status.IsReady ? "ok" : status.Reason ?? "not ready").Append('\n');
        }

        text.Insert(0, ready ? "ready\n" : "not ready\n");
        return HttpResponse.Text(ready ? 200 : 503, text.ToString());
    }

    /// <summary>The plugin list, filtered as Fluentd's API allows: <c>?@id=</c> (or <c>id</c>), <c>?@type=</c> (or <c>type</c>), <c>?with_config=</c>.</summary>
    private static byte[] Plugins(MetricsRegistry registry, EndpointOptions options, HttpRequest request)
    {
        IEnumerable<PluginMetrics> plugins = registry.Plugins;
        if ((request.QueryValue("@id") ?? request.QueryValue("id")) is { } id)
        {
            plugins = plugins.Where(p => p.Id == id);
        }
        else if ((request.QueryValue("@type") ?? request.QueryValue("type")) is { } type)
        {
            plugins = plugins.Where(p => p.Type == type);
        }

        var withConfig = request.QueryValue("with_config") switch
        {
            "true" or "yes" or "1" => true,
            "false" or "no" or "0" => false,
            _ => options.IncludeConfig,
        };
        return MonitorAgentJson.Write(plugins, withConfig, options.IncludeRetry);
    }
}
