using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tailship.Tests.TestSupport;

/// <summary>
/// A stand-in for the EC2 instance metadata service on 127.0.0.1, speaking the documented protocol over plain
/// HTTP/1.1: IMDSv2 (<c>PUT /latest/api/token</c> with <c>X-aws-ec2-metadata-token-ttl-seconds</c>, then requests
/// carrying <c>X-aws-ec2-metadata-token</c>) and the role credentials under
/// <c>/latest/meta-data/iam/security-credentials/</c>. With <c>requireToken</c> false it also answers IMDSv1.
/// A raw socket server, because HttpListener refuses the token PUT, which has no body.
/// </summary>
internal sealed class ImdsStandIn : IAsyncDisposable
{
    public const string Role = "tailship-test-role";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _accessKey;
    private readonly string _secretKey;
    private readonly bool _requireToken;
    private readonly string _token = Guid.NewGuid().ToString("N");
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _tokenRequests;
    private int _credentialRequests;

    public ImdsStandIn(string accessKey, string secretKey, bool requireToken = true)
    {
        _accessKey = accessKey;
        _secretKey = secretKey;
        _requireToken = requireToken;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>Request lines received, for assertions and failure messages.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Requests { get; } = new();

    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    public int CredentialRequests => Volatile.Read(ref _credentialRequests);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped: the loop's end.
        }

        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(client));
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var head = new StringBuilder();
            var one = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one) == 1)
            {
                head.Append((char)one[0]);
            }

            var lines = head.ToString().Split("\r\n");
            Requests.Enqueue(head.ToString().Replace("\r\n", " | ", StringComparison.Ordinal));
            var requestLine = lines[0].Split(' ');
            var headers = lines.Skip(1).Where(l => l.Contains(':', StringComparison.Ordinal))
                .ToDictionary(l => l[..l.IndexOf(':', StringComparison.Ordinal)].Trim(), l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim(), StringComparer.OrdinalIgnoreCase);
            if (headers.TryGetValue("Content-Length", out var length) && int.TryParse(length, CultureInfo.InvariantCulture, out var n) && n > 0)
            {
                await stream.ReadExactlyAsync(new byte[n]);
            }

            var (status, body) = requestLine.Length >= 2 ? Answer(requestLine[0], requestLine[1], headers) : (400, string.Empty);
            var bytes = Encoding.UTF8.GetBytes(body);
            var response = $"HTTP/1.1 {status} {(status == 200 ? "OK" : "Error")}\r\nContent-Type: text/plain\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(response));
            await stream.WriteAsync(bytes);
        }
    }

    private (int Status, string Body) Answer(string method, string path, Dictionary<string, string> headers)
    {
        if (method == "PUT" && path == "/latest/api/token")
        {
            Interlocked.Increment(ref _tokenRequests);
            return headers.ContainsKey("X-aws-ec2-metadata-token-ttl-seconds") ? (200, _token) : (400, string.Empty);
        }

        if (headers.TryGetValue("X-aws-ec2-metadata-token", out var token) ? token != _token : _requireToken)
        {
            return (401, string.Empty);
        }

        const string prefix = "/latest/meta-data/iam/security-credentials/";
        if (path == prefix)
        {
            return (200, Role);
        }

        if (path == prefix + Role)
        {
            Interlocked.Increment(ref _credentialRequests);
            var now = DateTime.UtcNow;
            return (200, $$"""
                {
                  "Code" : "Success",
                  "LastUpdated" : "{{now.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}}",
                  "Type" : "AWS-HMAC",
                  "AccessKeyId" : "{{_accessKey}}",
                  "SecretAccessKey" : "{{_secretKey}}",
                  "Token" : "",
                  "Expiration" : "{{now.AddHours(6).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}}"
                }
                """);
        }

        if (path == "/latest/meta-data/iam/info")
        {
            return (200, $$"""{"Code":"Success","InstanceProfileArn":"arn:aws:iam::123456789012:instance-profile/{{Role}}","InstanceProfileId":"AIPATEST"}""");
        }

        return (404, string.Empty);
    }
}
