using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Tailship.Observability.Http;

/// <summary>
/// A minimal HTTP/1.1 server for the metrics and health endpoints, on plain sockets (no ASP.NET, AOT-clean): GET and
/// HEAD, one request per connection (<c>Connection: close</c>), a bounded head (<see cref="MaxHeadBytes"/>), a read
/// deadline, and a bounded number of connections. Every failure of a connection stays in that connection: a bad
/// or hostile client gets a 4xx answer or a closed socket, never a crash of the agent.
/// </summary>
internal sealed partial class HttpEndpointServer : IAsyncDisposable
{
    public const int MaxHeadBytes = 8192;
    public const int MaxConnections = 32;

    private readonly IPEndPoint _endpoint;
    private readonly IReadOnlyDictionary<string, Func<HttpRequest, HttpResponse>> _routes;
    private readonly ILogger _logger;
    private readonly TimeSpan _readTimeout;
    private readonly SemaphoreSlim _slots = new(MaxConnections, MaxConnections);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _connectionsLock = new();
    private readonly HashSet<Task> _connections = [];
    private Socket? _listener;
    private Task? _acceptLoop;

    public HttpEndpointServer(IPEndPoint endpoint, IReadOnlyDictionary<string, Func<HttpRequest, HttpResponse>> routes, ILogger logger, TimeSpan? readTimeout = null)
    {
        _endpoint = endpoint;
        _routes = routes;
        _logger = logger;
        _readTimeout = readTimeout ?? TimeSpan.FromSeconds(10);
    }

    /// <summary>The bound address (with the real port when 0 was asked for); null before <see cref="Start"/>.</summary>
    public IPEndPoint? LocalEndPoint => _listener?.LocalEndPoint as IPEndPoint;

    /// <summary>Resolves <paramref name="bind"/> (an address or a host name) to the address to listen on.</summary>
    public static IPAddress ResolveBind(string bind)
    {
        if (IPAddress.TryParse(bind.Trim('[', ']'), out var address))
        {
            return address;
        }

        var addresses = Dns.GetHostAddresses(bind);
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>Binds and starts accepting; throws (e.g. address in use) without leaving anything running.</summary>
    public void Start()
    {
        var listener = new Socket(_endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (_endpoint.Address.Equals(IPAddress.IPv6Any))
            {
                listener.DualMode = true;
            }

            listener.Bind(_endpoint);
            listener.Listen(64);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _listener = listener;
        _acceptLoop = Task.Run(() => AcceptLoopAsync(listener, _stopping.Token));
        LogListening(_logger, LocalEndPoint!.ToString());
    }

    public async Task StopAsync()
    {
        if (_listener is null)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }

        Task[] open;
        lock (_connectionsLock)
        {
            open = [.. _connections];
        }

        await Task.WhenAll(open).ConfigureAwait(false);
        _listener = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _slots.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException && stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                // E.g. out of file descriptors: wait a little rather than spin, and keep serving afterwards.
                LogAcceptFailed(_logger, ex.SocketErrorCode.ToString(), ex);
                await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            if (!_slots.Wait(0, CancellationToken.None))
            {
                // Too many open connections: refuse this one instead of queueing unbounded work.
                client.Dispose();
                continue;
            }

            var task = ServeAsync(client, stopping);
            lock (_connectionsLock)
            {
                _connections.Add(task);
            }

            _ = task.ContinueWith(
                t =>
                {
                    lock (_connectionsLock)
                    {
                        _connections.Remove(t);
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken stopping)
    {
        await Task.Yield();
        try
        {
            // The head and the body go out in two sends; without this the body could wait for a delayed ACK.
            client.NoDelay = true;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            deadline.CancelAfter(_readTimeout);
            var response = await ReadAndHandleAsync(client, deadline.Token).ConfigureAwait(false);
            if (response is not null)
            {
                await WriteAsync(client, response.Value.Response, response.Value.HeadOnly, deadline.Token).ConfigureAwait(false);
                client.Shutdown(SocketShutdown.Send);
                await DrainAsync(client, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The client went away, was too slow, or the server stops: nothing to answer.
            LogConnectionDropped(_logger, ex.GetType().Name, ex.Message);
        }
        finally
        {
            client.Dispose();
            _slots.Release();
        }
    }

    /// <summary>Reads the head and picks the answer; null when the client closed before sending a whole head.</summary>
    private async Task<(HttpResponse Response, bool HeadOnly)?> ReadAndHandleAsync(Socket client, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxHeadBytes];
        var length = 0;
        int headEnd;
        while (true)
        {
            var read = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            var searchFrom = Math.Max(0, length - 3);
            length += read;
            var found = HttpRequestParser.FindHeadEnd(buffer.AsSpan(searchFrom, length - searchFrom));
            if (found >= 0)
            {
                headEnd = searchFrom + found;
                break;
            }

            if (length == buffer.Length)
            {
                return (HttpResponse.Text(431, $"request head larger than {MaxHeadBytes} bytes\n"), false);
            }
        }

        if (!HttpRequestParser.TryParse(buffer.AsSpan(0, headEnd), out var request, out var error))
        {
            return (HttpResponse.Text(400, $"bad request: {error}\n"), false);
        }

        var headOnly = request!.Method == "HEAD";
        if (request.Method != "GET" && !headOnly)
        {
            return (HttpResponse.Text(405, "only GET and HEAD are served\n"), false);
        }

        if (!_routes.TryGetValue(request.Path, out var handler))
        {
            return (HttpResponse.Text(404, "not found\n"), headOnly);
        }

        try
        {
            return (handler(request), headOnly);
        }
        catch (Exception ex)
        {
            LogHandlerFailed(_logger, request.Path, ex);
            return (HttpResponse.Text(500, "internal error\n"), headOnly);
        }
    }

    /// <summary>
    /// Reads what the client still sends until it closes (bounded), so that closing does not reset the connection
    /// and destroy the answer before the client has read it (unread data makes the kernel send RST).
    /// </summary>
    private static async Task DrainAsync(Socket client, CancellationToken cancellationToken)
    {
        var scratch = new byte[4096];
        for (var total = 0; total < 16 * MaxHeadBytes;)
        {
            var read = await client.ReceiveAsync(scratch, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            total += read;
        }
    }

    private static async Task WriteAsync(Socket client, HttpResponse response, bool headOnly, CancellationToken cancellationToken)
    {
        var head = new StringBuilder(160)
            .Append("HTTP/1.1 ").Append(response.Status).Append(' ').Append(HttpResponse.ReasonPhrase(response.Status)).Append("\r\n")
            .Append("Content-Type: ").Append(response.ContentType).Append("\r\n")
            .Append("Content-Length: ").Append(response.Body.Length).Append("\r\n");
        if (response.Status == 405)
        {
            head.Append("Allow: GET, HEAD\r\n");
        }

        head.Append("Cache-Control: no-store\r\nConnection: close\r\n\r\n");
        await client.SendAsync(Encoding.ASCII.GetBytes(head.ToString()), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        if (!headOnly && response.Body.Length > 0)
        {
            await client.SendAsync(response.Body, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 900, Level = LogLevel.Information, Message = "listening for metrics and health checks on http://{Endpoint}")]
    private static partial void LogListening(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 901, Level = LogLevel.Warning, Message = "accepting an HTTP connection failed: {Error}")]
    private static partial void LogAcceptFailed(ILogger logger, string error, Exception exception);

    [LoggerMessage(EventId = 902, Level = LogLevel.Debug, Message = "HTTP connection dropped: {ErrorClass}: {Error}")]
    private static partial void LogConnectionDropped(ILogger logger, string errorClass, string error);

    [LoggerMessage(EventId = 903, Level = LogLevel.Error, Message = "HTTP endpoint {Path} failed")]
    private static partial void LogHandlerFailed(ILogger logger, string path, Exception exception);
}
