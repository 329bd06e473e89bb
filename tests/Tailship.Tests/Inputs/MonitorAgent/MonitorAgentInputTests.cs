using System.Net;
using System.Text.Json;
using Tailship.Config;
using Tailship.Events;
using Tailship.Hosting;
using Tailship.Observability;
using Tailship.Plugins;
using Tailship.Tests.Observability;
using Tailship.Tests.TestSupport;
using static Tailship.Tests.TestSupport.Conf;

namespace Tailship.Tests.Inputs.MonitorAgent;

public sealed class MonitorAgentInputTests : IAsyncDisposable
{
    private readonly CaptureHub _hub = new();
    private readonly MetricsRegistry _metrics = new();
    private readonly DiagnosticBag _diagnostics = new();
    private Pipeline? _pipeline;
    private Func<Task>? _onStop;

    [Fact]
    public async Task PluginsJson_ListsEveryPluginWithItsCategoryAndMaskedConfig()
    {
        var endpoint = await StartAsync(
            Section("source", string.Empty, ("@type", "monitor_agent"), ("@id", "in_monitor"), ("port", "0")),
            Section("source", string.Empty, ("@type", "counting"), ("@id", "in_count"), ("tag", "app.x"), ("count", "3")),
            Section("match", "app.**", ("@type", "capture"), ("@id", "out_app"), ("name", "out")));

        var (status, contentType, body) = await HttpProbe.GetAsync(endpoint, "/api/plugins.json");

        Assert.Equal(200, status);
        Assert.Equal("application/json", contentType);
        var plugins = JsonDocument.Parse(body).RootElement.GetProperty("plugins").EnumerateArray().ToList();
        Assert.Equal(
            [("in_monitor", "input", "monitor_agent"), ("in_count", "input", "counting"), ("out_app", "output", "capture")],
            plugins.Select(p => (p.GetProperty("plugin_id").GetString(), p.GetProperty("plugin_category").GetString(), p.GetProperty("type").GetString())));
        Assert.Equal("{\"@type\":\"monitor_agent\",\"@id\":\"in_monitor\",\"port\":\"0\"}", plugins[0].GetProperty("config").GetRawText());
        Assert.True(plugins[2].GetProperty("output_plugin").GetBoolean());
        Assert.Equal(3, plugins[1].GetProperty("emit_records").GetInt64());
        Assert.Equal(3, plugins[2].GetProperty("emit_records").GetInt64());
        Assert.Equal(1, plugins[2].GetProperty("emit_count").GetInt64());
        Assert.Equal("{}", plugins[2].GetProperty("retry").GetRawText());
    }

    [Fact]
    public async Task Queries_FilterByIdAndType_AndLtsvIsServed()
    {
        var endpoint = await StartAsync(
            Section("source", string.Empty, ("@type", "monitor_agent"), ("port", "0"), ("include_config", "false")),
            Section("match", "**", ("@type", "capture"), ("@id", "out_a"), ("name", "a")));

        var byId = await HttpProbe.GetAsync(endpoint, "/api/plugins.json?%40id=out_a");
        var byType = await HttpProbe.GetAsync(endpoint, "/api/plugins.json?@type=monitor_agent&with_config=true");
        var ltsv = await HttpProbe.GetAsync(endpoint, "/api/plugins?@id=out_a");

        Assert.Equal(["out_a"], Ids(byId.Body));
        Assert.False(JsonDocument.Parse(byId.Body).RootElement.GetProperty("plugins")[0].TryGetProperty("config", out _));
        Assert.Equal(["object:monitor_agent-0"], Ids(byType.Body));
        Assert.True(JsonDocument.Parse(byType.Body).RootElement.GetProperty("plugins")[0].TryGetProperty("config", out _));
        Assert.StartsWith("plugin_id:out_a\tplugin_category:output\ttype:capture\toutput_plugin:true\tretry_count:0\t", ltsv.Body);
    }

    [Fact]
    public async Task MetricsAndHealth_AreServedToo_WithRouterCounts()
    {
        var endpoint = await StartAsync(
            Section("source", string.Empty, ("@type", "monitor_agent"), ("port", "0")),
            Section("source", string.Empty, ("@type", "counting"), ("tag", "app.x"), ("count", "3")),
            Section("source", string.Empty, ("@type", "counting"), ("tag", "nowhere"), ("count", "2")),
            Section("match", "app.**", ("@type", "capture"), ("name", "out")));

        var metrics = await HttpProbe.GetAsync(endpoint, "/metrics");

        Assert.Contains("tailship_router_records_total{label=\"root\"} 3\n", metrics.Body);
        Assert.Contains("tailship_router_unmatched_records_total{label=\"root\"} 2\n", metrics.Body);
        Assert.Equal(200, (await HttpProbe.GetAsync(endpoint, "/healthz")).Status);
        Assert.Equal(200, (await HttpProbe.GetAsync(endpoint, "/readyz")).Status);
    }

    [Fact]
    public async Task WithTag_EmitsOneRecordPerPlugin()
    {
        await StartAsync(
            Section("source", string.Empty, ("@type", "monitor_agent"), ("@id", "mon"), ("port", "0"), ("tag", "monitor.metrics"), ("emit_interval", "0.05")),
            Section("match", "monitor.**", ("@type", "capture"), ("@id", "out_mon"), ("name", "mon")));

        await _hub.Sink("mon").WaitForCountAsync(2, TimeSpan.FromSeconds(10));

        var records = _hub.Sink("mon").Events.Take(2).ToList();
        Assert.All(records, r => Assert.Equal("monitor.metrics", r.Tag));
        Assert.Equal(["mon", "out_mon"], records.Select(r => r.Event.Record["plugin_id"].AsString));
        Assert.False(records[0].Event.Record.ContainsKey("config"));
    }

    [Fact]
    public async Task DuringStop_HealthzAnswers_ReadyzSaysStopping_DisposeClosesThePort()
    {
        (int Status, string Body) health = default, ready = default;
        IPEndPoint? endpoint = null;
        _onStop = async () =>
        {
            // Runs inside an output's stop: the moment outputs flush on shutdown.
            var h = await HttpProbe.GetAsync(endpoint!, "/healthz");
            var r = await HttpProbe.GetAsync(endpoint!, "/readyz");
            health = (h.Status, h.Body);
            ready = (r.Status, r.Body);
        };
        endpoint = await StartAsync(
            Section("source", string.Empty, ("@type", "monitor_agent"), ("port", "0")),
            Section("match", "**", ("@type", "stop_probe")));
        Assert.Equal("ready\npipeline: ok\n", (await HttpProbe.GetAsync(endpoint, "/readyz")).Body);

        await _pipeline!.StopAsync(CancellationToken.None);

        Assert.Equal(200, health.Status);
        Assert.Equal((503, "not ready\npipeline: stopping\n"), ready);
        await _pipeline.DisposeAsync();
        _pipeline = null;
        await Assert.ThrowsAnyAsync<Exception>(() => HttpProbe.GetAsync(endpoint, "/healthz"));
    }

    [Theory]
    [InlineData("port", "70000", "parameter 'port' must be a TCP port between 0 and 65535, found 70000")]
    [InlineData("emit_interval", "0", "parameter 'emit_interval' must be positive, found 0s")]
    public void BadParameter_IsAConfigError(string key, string value, string message)
    {
        var plan = PipelinePlan.Create(Root(Section("source", string.Empty, ("@type", "monitor_agent"), (key, value))), Options(), _diagnostics);

        Assert.Null(plan);
        Assert.Equal(message, Assert.Single(_diagnostics.Items).Message);
    }

    public async ValueTask DisposeAsync()
    {
        if (_pipeline is not null)
        {
            await _pipeline.DisposeAsync();
        }
    }

    private static List<string?> Ids(string json) =>
        [.. JsonDocument.Parse(json).RootElement.GetProperty("plugins").EnumerateArray().Select(p => p.GetProperty("plugin_id").GetString())];

    private PipelineOptions Options() => new()
    {
        Registry = TestPlugins.CreateRegistry(_hub).Add(StopProbeOutput.Create(() => _onStop?.Invoke() ?? Task.CompletedTask)),
        Metrics = _metrics,
    };

    private async Task<IPEndPoint> StartAsync(params ConfigSection[] sections)
    {
        var plan = PipelinePlan.Create(Root(sections), Options(), _diagnostics) ?? throw new InvalidOperationException(string.Join(Environment.NewLine, _diagnostics.Items));
        _pipeline = Pipeline.Build(plan);
        await _pipeline.StartAsync(CancellationToken.None);
        return Assert.Single(_metrics.ListeningOn);
    }
}

/// <summary><c>@type stop_probe</c>: an output that runs a callback when it stops, to observe the agent while outputs flush.</summary>
internal sealed class StopProbeOutput(Func<Task> onStop) : IOutput
{
    public static PluginDescriptor Create(Func<Task> onStop) => new PluginDescriptor<StopProbeOptions>(
        new PluginSpec(PluginKind.Output, "stop_probe", new SectionSpec("match", "Test output calling back on stop.")),
        validate: (_, _) => new StopProbeOptions(),
        build: (_, _) => new StopProbeOutput(onStop));

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask EmitAsync(string tag, EventBatch batch, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => onStop();

    internal sealed record StopProbeOptions;
}
