using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Tailship.Tests.TestSupport;

/// <summary>
/// A loopback TCP relay that forwards bytes, unchanged, to a real server (the shared Ceph RADOS Gateway), and can be
/// "stopped" without stopping that server: <see cref="StopAsync"/> resets every open connection and stops listening,
/// so new connections are refused; <see cref="Start"/> listens on the same port again. Not a mock: the real server
/// still answers every request and checks its signature.
/// </summary>
internal sealed class TcpRelay : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private TcpListener? _listener;
    private Task _accepting = Task.CompletedTask;
    private int _accepted;

    public TcpRelay(Uri target)
    {
        _target = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        Start();
    }

    public int Port { get; private set; }

    /// <summary>The relay's address as an S3 endpoint.</summary>
    public Uri Endpoint => new($"http://127.0.0.1:{Port}/");

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Listens (again) on the relay's port (a free one the first time).</summary>
    public void Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _listener = listener;
        _accepting = AcceptLoopAsync(listener);
    }

    /// <summary>Stops listening and resets every open connection (RST), as a server that dies would.</summary>
    public async Task StopAsync()
    {
        _listener?.Stop();
        _listener = null;
        await _accepting;
        foreach (var socket in _open.Keys)
        {
            Reset(socket);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0); // close with RST, not FIN
        }
        catch (SocketException)
        {
            // Already closed by its peer: nothing to reset.
        }
        catch (ObjectDisposedException)
        {
            // Already closed by the other pump.
        }

        socket.Dispose();
    }

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            Interlocked.Increment(ref _accepted);
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _open[client] = 0;
        _open[server] = 0;
        try
        {
            await server.ConnectAsync(_target);
            await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The server refused, or a side went away: close both.
        }
        finally
        {
            _open.TryRemove(client, out _);
            _open.TryRemove(server, out _);
            client.Dispose();
            server.Dispose();
        }
    }

    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (n == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Reset or closed: the relay ends this connection.
        }
    }
}
