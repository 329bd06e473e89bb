using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tailship.Tests.Observability;

/// <summary>Talks to the endpoints over real loopback sockets: raw bytes (for malformed requests) or a GET.</summary>
internal static class HttpProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Sends <paramref name="request"/> as is and returns everything the server answers until it closes.</summary>
    public static async Task<string> RawAsync(IPEndPoint endpoint, string request)
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint, cts.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, cts.Token);
        var answer = new MemoryStream();
        var buffer = new byte[4096];
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            if (read == 0)
            {
                return Encoding.UTF8.GetString(answer.ToArray());
            }

            answer.Write(buffer, 0, read);
        }
    }

    public static async Task<(int Status, string ContentType, string Body)> GetAsync(IPEndPoint endpoint, string pathAndQuery)
    {
        using var client = new HttpClient { Timeout = Timeout };
        using var response = await client.GetAsync(new Uri($"http://{endpoint}{pathAndQuery}"));
        var body = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? string.Empty, body);
    }
}
