using Tailship.Config;
using Tailship.Hosting;
using Tailship.Observability;
using Tailship.Tests.Observability;
using Tailship.Tests.TestSupport;
using static Tailship.Tests.TestSupport.Conf;

namespace Tailship.Tests.Hosting;

public sealed class PipelineHttpServerTests : IAsyncDisposable
{
    private readonly CaptureHub _hub = new();
    private readonly MetricsRegistry _metrics = new();
    private readonly DiagnosticBag _diagnostics = new();
    private Pipeline? _pipeline;
    private HttpServerConfig? _httpServer;

    [Fact]
    public async Task SystemHttpServer_ServesMetricsHealthAndMonitorApi()
    {
        await StartAsync(
            Section("system", string.Empty, Section("http_server", string.Empty, ("port", "0"))),
            Section("source", string.Empty, ("@type", "counting"), ("tag", "a"), ("count", "2")),
            Section("match", "**", ("@type", "capture"), ("@id", "out"), ("name", "out")));
        var endpoint = Assert.Single(_pipeline!.Metrics.ListeningOn);

        Assert.Equal("127.0.0.1", endpoint.Address.ToString());
        Assert.Contains("tailship_router_records_total{label=\"root\"} 2\n", (await HttpProbe.GetAsync(endpoint, "/metrics")).Body);
        Assert.Equal(200, (await HttpProbe.GetAsync(endpoint, "/readyz")).Status);
        Assert.Contains("\"plugin_id\":\"out\"", (await HttpProbe.GetAsync(endpoint, "/api/plugins.json")).Body);

        await _pipeline.DisposeAsync();
        _pipeline = null;
        Assert.Empty(_metrics.ListeningOn);
    }

    [Fact]
    public async Task WithoutHttpServerSection_NothingListens()
    {
        await StartAsync(Section("match", "**", ("@type", "capture"), ("name", "out")));

        Assert.Empty(_metrics.ListeningOn);
    }

    [Fact]
    public async Task CommandLineHttpServer_ListensWithoutASection()
    {
        _httpServer = new HttpServerConfig("127.0.0.1", 0, "/metrics", MonitorApi: true);
        await StartAsync(Section("match", "**", ("@type", "capture"), ("@id", "out"), ("name", "out")));
        var endpoint = Assert.Single(_pipeline!.Metrics.ListeningOn);

        Assert.Equal(200, (await HttpProbe.GetAsync(endpoint, "/readyz")).Status);
        Assert.Contains("\"plugin_id\":\"out\"", (await HttpProbe.GetAsync(endpoint, "/api/plugins.json")).Body);
    }

    [Fact]
    public async Task CommandLineHttpServer_OverridesTheSectionsAddressButKeepsItsPath()
    {
        _httpServer = new HttpServerConfig("127.0.0.1", 0, "/metrics", MonitorApi: true);
        await StartAsync(
            Section("system", string.Empty, Section("http_server", string.Empty, ("bind", "0.0.0.0"), ("port", "1"), ("metrics_path", "/m"))),
            Section("match", "**", ("@type", "capture"), ("name", "out")));
        var endpoint = Assert.Single(_pipeline!.Metrics.ListeningOn);

        Assert.Equal("127.0.0.1", endpoint.Address.ToString());
        Assert.NotEqual(1, endpoint.Port);
        Assert.Equal(200, (await HttpProbe.GetAsync(endpoint, "/m")).Status);
    }

    [Fact]
    public void BadPort_IsAConfigError()
    {
        var plan = PipelinePlan.Create(Root(Section("system", string.Empty, Section("http_server", string.Empty, ("port", "-1")))), Options(), _diagnostics);

        Assert.Null(plan);
        Assert.Equal("parameter 'port' must be a TCP port between 0 and 65535, found -1", Assert.Single(_diagnostics.Items).Message);
    }

    public async ValueTask DisposeAsync()
    {
        if (_pipeline is not null)
        {
            await _pipeline.DisposeAsync();
        }
    }

    private PipelineOptions Options() => new() { Registry = TestPlugins.CreateRegistry(_hub), Metrics = _metrics, HttpServer = _httpServer };

    private async Task StartAsync(params ConfigSection[] sections)
    {
        var plan = PipelinePlan.Create(Root(sections), Options(), _diagnostics) ?? throw new InvalidOperationException(string.Join(Environment.NewLine, _diagnostics.Items));
        _pipeline = Pipeline.Build(plan);
        await _pipeline.StartAsync(CancellationToken.None);
    }
}
