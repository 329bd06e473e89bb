using System.Net;
using Tailship.Config;
using Tailship.Hosting;
using Tailship.Observability;
using Tailship.Tests.Observability;
using Tailship.Tests.TestSupport;
using static Tailship.Tests.TestSupport.Conf;

namespace Tailship.Tests.Inputs.Prometheus;

public sealed class PrometheusInputTests : IAsyncDisposable
{
    private readonly CaptureHub _hub = new();
    private readonly MetricsRegistry _metrics = new();
    private readonly DiagnosticBag _diagnostics = new();
    private Pipeline? _pipeline;

    [Fact]
    public async Task MetricsPath_ServesAgentAndFluentdCompatibleMetrics()
    {
        var endpoint = await StartAsync(
            Section("source", string.Empty, ("@type", "prometheus"), ("port", "0"), ("metrics_path", "/custom")),
            Section("source", string.Empty, ("@type", "counting"), ("tag", "app.x"), ("count", "4")),
            Section("match", "app.**", ("@type", "capture"), ("@id", "out_app"), ("name", "out")));

        var (status, contentType, body) = await HttpProbe.GetAsync(endpoint, "/custom");
        var aggregated = await HttpProbe.GetAsync(endpoint, "/aggregated_metrics");

        Assert.Equal(200, status);
        Assert.StartsWith("text/plain; version=0.0.4", contentType);
        Assert.Contains("tailship_router_records_total{label=\"root\"} 4\n", body);
        Assert.Contains("# TYPE fluentd_output_status_buffer_queue_length gauge\n", body);
        Assert.Contains("fluentd_output_status_retry_count{plugin_id=\"out_app\",type=\"capture\"} 0\n", body);
        Assert.Contains("tailship_router_records_total{label=\"root\"} 4\n", aggregated.Body);
        Assert.Equal(404, (await HttpProbe.GetAsync(endpoint, "/metrics")).Status);
        Assert.Equal(404, (await HttpProbe.GetAsync(endpoint, "/api/plugins.json")).Status);
    }

    [Fact]
    public async Task PerFileMetrics_TurnsOnPathLabels()
    {
        await StartAsync(Section("source", string.Empty, ("@type", "prometheus"), ("port", "0"), ("per_file_metrics", "true")));

        Assert.True(_metrics.PerFileMetrics);
    }

    [Fact]
    public void PathWithoutSlash_IsAConfigError()
    {
        var plan = PipelinePlan.Create(Root(Section("source", string.Empty, ("@type", "prometheus"), ("metrics_path", "metrics"))), Options(), _diagnostics);

        Assert.Null(plan);
        Assert.Equal("parameter 'metrics_path' must be a path starting with '/', found 'metrics'", Assert.Single(_diagnostics.Items).Message);
    }

    public async ValueTask DisposeAsync()
    {
        if (_pipeline is not null)
        {
            await _pipeline.DisposeAsync();
        }
    }

    private PipelineOptions Options() => new() { Registry = TestPlugins.CreateRegistry(_hub), Metrics = _metrics };

    private async Task<IPEndPoint> StartAsync(params ConfigSection[] sections)
    {
        var plan = PipelinePlan.Create(Root(sections), Options(), _diagnostics) ?? throw new InvalidOperationException(string.Join(Environment.NewLine, _diagnostics.Items));
        _pipeline = Pipeline.Build(plan);
        await _pipeline.StartAsync(CancellationToken.None);
        return Assert.Single(_metrics.ListeningOn);
    }
}
