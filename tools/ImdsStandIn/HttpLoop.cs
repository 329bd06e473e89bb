using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Tailship.Tools.ImdsStandIn;

/// <summary>The request line and headers of one HTTP/1.1 request (the metadata protocol has no bodies that matter).</summary>
internal sealed record HttpRequestHead(string Method, string Path, IReadOnlyDictionary<string, string> Headers);

/// <summary>A status and a text body.</summary>
internal sealed record HttpAnswer(int Status, string Body)
{
    public static HttpAnswer Text(int status, string body) => new(status, body);
}

/// <summary>
/// A minimal HTTP/1.1 server, one request per connection. Raw sockets rather than HttpListener, because
/// HttpListener refuses a PUT without a body, which is exactly how IMDSv2 asks for its token.
/// </summary>
internal sealed class HttpLoop(TcpListener listener, Func<HttpRequestHead, HttpAnswer> handler)
{
    private const int MaxHeadBytes = 16 * 1024;

    public async Task RunAsync(CancellationToken stop)
    {
        using var registration = stop.Register(listener.Stop);
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            _ = Task.Run(() => ServeOneAsync(client), CancellationToken.None);
        }
    }

    private async Task ServeOneAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream);
                var lines = head.Split("\r\n");
                var requestLine = lines[0].Split(' ');
                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var line in lines.Skip(1))
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    if (colon > 0)
                    {
                        headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                    }
                }

                var answer = requestLine.Length >= 2
                    ? handler(new HttpRequestHead(requestLine[0], requestLine[1], headers))
                    : HttpAnswer.Text(400, string.Empty);
                await Console.Error.WriteLineAsync($"imds-stand-in: {lines[0]} -> {answer.Status}");
                var payload = Encoding.UTF8.GetBytes(answer.Body);
                var response = string.Create(
                    CultureInfo.InvariantCulture,
                    $"HTTP/1.1 {answer.Status} {(answer.Status == 200 ? "OK" : "Error")}\r\nContent-Type: text/plain\r\nContent-Length: {payload.Length}\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(Encoding.ASCII.GetBytes(response));
                await stream.WriteAsync(payload);
            }
            catch (IOException e)
            {
                // A client that hangs up mid-request costs only its own connection; said, not hidden.
                await Console.Error.WriteLineAsync($"imds-stand-in: connection dropped: {e.Message}");
            }
        }
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (head.Length < MaxHeadBytes && await stream.ReadAsync(one) == 1)
        {
            head.Append((char)one[0]);
            if (head.Length >= 4 && head[^1] == '\n' && head[^2] == '\r' && head[^3] == '\n' && head[^4] == '\r')
            {
                return head.ToString(0, head.Length - 4);
            }
        }

        return head.ToString();
    }
}
