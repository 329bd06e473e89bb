using System.Net;
using Microsoft.Extensions.Logging;
using Tailship.Observability.Http;

namespace Tailship.Observability;

/// <summary>
/// The HTTP listener of the metrics, health and monitor endpoints over one <see cref="MetricsRegistry"/>. Sources
/// (<c>monitor_agent</c>, <c>prometheus</c>) start one each; the command line may start one for a flag.
/// Binds to loopback unless told otherwise.
/// </summary>
public sealed class ObservabilityServer : IAsyncDisposable
{
    private readonly HttpEndpointServer _server;
    private readonly MetricsRegistry _registry;
    private readonly IPEndPoint _endpoint;

    private ObservabilityServer(HttpEndpointServer server, MetricsRegistry registry)
    {
        _server = server;
        _registry = registry;
        _endpoint = server.LocalEndPoint!;
        registry.AddListener(_endpoint);
    }

    /// <summary>The bound address and port (the real port when 0 was asked for).</summary>
    public IPEndPoint EndPoint => _endpoint;

    /// <summary>Binds <paramref name="bind"/>:<paramref name="port"/> and starts serving; throws when the address cannot be bound.</summary>
    public static ObservabilityServer Start(MetricsRegistry registry, EndpointOptions options, string bind, int port, ILoggerFactory loggerFactory)
    {
        var endpoint = new IPEndPoint(HttpEndpointServer.ResolveBind(bind), port);
        var server = new HttpEndpointServer(endpoint, ObservabilityEndpoints.Create(registry, options), loggerFactory.CreateLogger("Tailship.Observability.Http"));
        server.Start();
        return new ObservabilityServer(server, registry);
    }

    public Task StopAsync()
    {
        _registry.RemoveListener(_endpoint);
        return _server.StopAsync();
    }

    public ValueTask DisposeAsync()
    {
        _registry.RemoveListener(_endpoint);
        return _server.DisposeAsync();
    }
}
