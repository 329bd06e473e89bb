using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Tailship.Observability;
using Tailship.Observability.Http;

namespace Tailship.Tests.Observability;

public sealed class ObservabilityServerTests : IAsyncDisposable
{
    private readonly MetricsRegistry _registry = new();
    private readonly ObservabilityServer _server;

    public ObservabilityServerTests()
    {
        _server = ObservabilityServer.Start(_registry, new EndpointOptions(), "127.0.0.1", 0, NullLoggerFactory.Instance);
    }

    [Fact]
    public async Task Healthz_Answers200()
    {
        var (status, _, body) = await HttpProbe.GetAsync(_server.EndPoint, "/healthz");

        Assert.Equal(200, status);
        Assert.Equal("ok\n", body);
    }

    [Fact]
    public async Task Metrics_ServesTheRegistryInTextFormat004()
    {
        _registry.Counter("tailship_probe_total", "Probe.", ("plugin_id", "p")).Add(7);

        var (status, contentType, body) = await HttpProbe.GetAsync(_server.EndPoint, "/metrics");

        Assert.Equal(200, status);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", contentType);
        Assert.Contains("# TYPE tailship_probe_total counter\ntailship_probe_total{plugin_id=\"p\"} 7\n", body);
    }

    [Fact]
    public async Task Readyz_FollowsTheChecks()
    {
        Assert.Equal(200, (await HttpProbe.GetAsync(_server.EndPoint, "/readyz")).Status);

        var canDeliver = true;
        using var check = _registry.Readiness.Add("out_s3", () => canDeliver ? ReadinessStatus.Ready : ReadinessStatus.NotReady("no credentials"));
        var ready = await HttpProbe.GetAsync(_server.EndPoint, "/readyz");
        canDeliver = false;
        var notReady = await HttpProbe.GetAsync(_server.EndPoint, "/readyz");
        canDeliver = true;
        var readyAgain = await HttpProbe.GetAsync(_server.EndPoint, "/readyz");

        Assert.Equal((200, "ready\nout_s3: ok\n"), (ready.Status, ready.Body));
        Assert.Equal((503, "not ready\nout_s3: no credentials\n"), (notReady.Status, notReady.Body));
        Assert.Equal(200, readyAgain.Status);
    }

    [Fact]
    public async Task Readyz_CheckThatThrows_IsNotReady()
    {
        using var check = _registry.Readiness.Add("broken", () => throw new InvalidOperationException("boom"));

        var (status, _, body) = await HttpProbe.GetAsync(_server.EndPoint, "/readyz");

        Assert.Equal(503, status);
        Assert.Contains("broken: readiness check failed: InvalidOperationException: boom", body);
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n")]
    [InlineData("GET /healthz HTTP/2.0\r\n\r\n")]
    [InlineData("GET healthz HTTP/1.1\r\n\r\n")]
    [InlineData("GET /healthz HTTP/1.1\r\nno colon here\r\n\r\n")]
    [InlineData("GET /he\u0001lthz HTTP/1.1\r\n\r\n")]
    [InlineData("G(T /healthz HTTP/1.1\r\n\r\n")]
    public async Task MalformedRequest_Answers400_AndTheServerKeepsServing(string request)
    {
        var answer = await HttpProbe.RawAsync(_server.EndPoint, request);

        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", answer);
        Assert.Equal(200, (await HttpProbe.GetAsync(_server.EndPoint, "/healthz")).Status);
    }

    [Fact]
    public async Task OversizedHead_Answers431_AndTheServerKeepsServing()
    {
        var request = "GET /healthz HTTP/1.1\r\nX-Padding: " + new string('a', HttpEndpointServer.MaxHeadBytes * 2) + "\r\n\r\n";

        var answer = await HttpProbe.RawAsync(_server.EndPoint, request);

        Assert.StartsWith("HTTP/1.1 431 ", answer);
        Assert.Equal(200, (await HttpProbe.GetAsync(_server.EndPoint, "/healthz")).Status);
    }

    [Fact]
    public async Task OtherMethod_Answers405WithAllow()
    {
        var answer = await HttpProbe.RawAsync(_server.EndPoint, "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 405 Method Not Allowed\r\n", answer);
        Assert.Contains("\r\nAllow: GET, HEAD\r\n", answer);
    }

    [Fact]
    public async Task UnknownPath_Answers404()
    {
        Assert.Equal(404, (await HttpProbe.GetAsync(_server.EndPoint, "/nope")).Status);
    }

    [Fact]
    public async Task Head_AnswersHeadersWithoutBody()
    {
        var answer = await HttpProbe.RawAsync(_server.EndPoint, "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", answer);
        Assert.Contains("\r\nContent-Length: 3\r\n", answer);
        Assert.EndsWith("\r\n\r\n", answer);
    }

    [Fact]
    public async Task ClientsThatLeaveEarly_DoNotHarmTheServer()
    {
        for (var i = 0; i < 5; i++)
        {
            using var socket = new Socket(_server.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(_server.EndPoint, TestContext.Current.CancellationToken);
            await socket.SendAsync("GET /metr"u8.ToArray(), SocketFlags.None, TestContext.Current.CancellationToken);
        }

        Assert.Equal(200, (await HttpProbe.GetAsync(_server.EndPoint, "/healthz")).Status);
    }

    [Fact]
    public async Task Stop_ClosesTheListener()
    {
        var endpoint = _server.EndPoint;
        Assert.Contains(endpoint, _registry.ListeningOn);

        await _server.StopAsync();

        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync(endpoint, TestContext.Current.CancellationToken));
        Assert.Empty(_registry.ListeningOn);
    }

    [Fact]
    public void PortInUse_Throws()
    {
        Assert.Throws<SocketException>(() => ObservabilityServer.Start(_registry, new EndpointOptions(), "127.0.0.1", _server.EndPoint.Port, NullLoggerFactory.Instance));
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
