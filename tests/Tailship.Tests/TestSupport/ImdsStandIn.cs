using System.Globalization;

namespace Tailship.Tests.TestSupport;

/// <summary>
/// A stand-in for the EC2 instance metadata service on 127.0.0.1, speaking the documented protocol: IMDSv2
/// (<c>PUT /latest/api/token</c> with <c>X-aws-ec2-metadata-token-ttl-seconds</c>, then requests carrying
/// <c>X-aws-ec2-metadata-token</c>) and the role credentials under
/// <c>/latest/meta-data/iam/security-credentials/</c>. With <c>requireToken</c> false it also answers IMDSv1; with
/// <see cref="TokenRefusal"/> set it refuses the token request (an IMDSv1-only service, or v2 blocked by a proxy).
/// </summary>
internal sealed class ImdsStandIn : IAsyncDisposable
{
    public const string Role = "tailship-test-role";

    private readonly LoopbackHttpServer _server;
    private readonly string _accessKey;
    private readonly string _secretKey;
    private readonly bool _requireToken;
    private readonly string _token = Guid.NewGuid().ToString("N");
    private int _tokenRequests;
    private int _credentialRequests;
    private int _delayedAnswers;

    public ImdsStandIn(string accessKey, string secretKey, bool requireToken = true)
    {
        _accessKey = accessKey;
        _secretKey = secretKey;
        _requireToken = requireToken;
        _server = new LoopbackHttpServer(Answer);
    }

    public int Port => _server.Port;

    public IEnumerable<string> Requests => _server.Requests;

    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    public int CredentialRequests => Volatile.Read(ref _credentialRequests);

    /// <summary>
    /// How many of the next requests are answered only after <see cref="AnswerDelay"/> (a slow or overloaded service);
    /// <see cref="int.MaxValue"/> for all of them.
    /// </summary>
    public int DelayedAnswers
    {
        get => Volatile.Read(ref _delayedAnswers);
        set => Volatile.Write(ref _delayedAnswers, value);
    }

    public TimeSpan AnswerDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The status answering <c>PUT /latest/api/token</c> instead of a token (403, 404, 405), or null.</summary>
    public int? TokenRefusal { get; set; }

    /// <summary>How long the credentials handed out are valid (their <c>Expiration</c>).</summary>
    public TimeSpan CredentialLifetime { get; set; } = TimeSpan.FromHours(6);

    /// <summary>When the credentials were handed out, and the <c>Expiration</c> each said.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(DateTime At, DateTime Expiration)> Handouts { get; } = new();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private (int Status, string ContentType, string Body) Answer(LoopbackRequest request)
    {
        // The server runs each connection on its own thread: blocking here delays this answer only.
        if (Interlocked.Decrement(ref _delayedAnswers) >= 0)
        {
            Thread.Sleep(AnswerDelay);
        }
        else
        {
            Interlocked.Exchange(ref _delayedAnswers, 0);
        }

        if (request.Method == "PUT" && request.Path == "/latest/api/token")
        {
            Interlocked.Increment(ref _tokenRequests);
            if (TokenRefusal is { } refusal)
            {
                return (refusal, "text/plain", string.Empty);
            }

            return request.Headers.ContainsKey("X-aws-ec2-metadata-token-ttl-seconds") ? (200, "text/plain", _token) : (400, "text/plain", string.Empty);
        }

        if (request.Headers.TryGetValue("X-aws-ec2-metadata-token", out var token) ? token != _token : _requireToken)
        {
            return (401, "text/plain", string.Empty);
        }

        const string prefix = "/latest/meta-data/iam/security-credentials/";
        if (request.Path == prefix)
        {
            return (200, "text/plain", Role);
        }

        if (request.Path == prefix + Role)
        {
            Interlocked.Increment(ref _credentialRequests);
            var now = DateTime.UtcNow;
            var expiration = now + CredentialLifetime;
            expiration = new DateTime(expiration.Ticks - (expiration.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc); // as written below
            Handouts.Enqueue((now, expiration));
            return (200, "text/plain", $$"""
                {
                  "Code" : "Success",
                  "LastUpdated" : "{{now.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}}",
                  "Type" : "AWS-HMAC",
                  "AccessKeyId" : "{{_accessKey}}",
                  "SecretAccessKey" : "{{_secretKey}}",
                  "Token" : "",
                  "Expiration" : "{{expiration.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}}"
                }
                """);
        }

        if (request.Path == "/latest/meta-data/iam/info")
        {
            return (200, "text/plain", $$"""{"Code":"Success","InstanceProfileArn":"arn:aws:iam::123456789012:instance-profile/{{Role}}","InstanceProfileId":"AIPATEST"}""");
        }

        return (404, "text/plain", string.Empty);
    }
}
