using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Tailship.Outputs.S3;

namespace Tailship.Tests.Outputs.S3;

/// <summary>
/// <see cref="S3Errors.Classify"/>: the cause named for each failure S3 or the network gives (docs/s3.md, the table
/// under "Uploads"), and what the SDK really throws when a request times out or the server refuses the connection.
/// </summary>
public sealed class S3ErrorClassificationTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string, int, string> ServiceErrors => new()
    {
        { "SlowDown", 503, nameof(S3FailureCause.Throttled) },
        { "SlowDown", 400, nameof(S3FailureCause.Throttled) },
        { "ServiceUnavailable", 503, nameof(S3FailureCause.Throttled) },
        { "", 503, nameof(S3FailureCause.Throttled) },
        { "", 429, nameof(S3FailureCause.Throttled) },
        { "Throttling", 400, nameof(S3FailureCause.Throttled) },
        { "RequestLimitExceeded", 400, nameof(S3FailureCause.Throttled) },
        { "InternalError", 500, nameof(S3FailureCause.ServerError) },
        { "", 500, nameof(S3FailureCause.ServerError) },
        { "", 502, nameof(S3FailureCause.ServerError) },
        { "NotImplemented", 501, nameof(S3FailureCause.ServerError) },
        { "RequestTimeout", 400, nameof(S3FailureCause.Timeout) }, // S3: the body was not sent within the server's timeout
        { "AccessDenied", 403, nameof(S3FailureCause.AccessDenied) },
        { "", 403, nameof(S3FailureCause.AccessDenied) }, // a HEAD's 403 has no body, hence no code
        { "InvalidAccessKeyId", 403, nameof(S3FailureCause.BadCredentials) },
        { "SignatureDoesNotMatch", 403, nameof(S3FailureCause.BadCredentials) },
        { "ExpiredToken", 400, nameof(S3FailureCause.BadCredentials) },
        { "InvalidToken", 400, nameof(S3FailureCause.BadCredentials) },
        { "TokenRefreshRequired", 400, nameof(S3FailureCause.BadCredentials) },
        { "NoSuchBucket", 404, nameof(S3FailureCause.MissingBucket) },
        { "", 404, nameof(S3FailureCause.MissingBucket) },
        { "InvalidArgument", 400, nameof(S3FailureCause.BadRequest) },
        { "EntityTooSmall", 400, nameof(S3FailureCause.BadRequest) },
    };

    [Theory]
    [MemberData(nameof(ServiceErrors))]
    public void ServiceError_CauseAndCodeNamed(string code, int status, string expected)
    {
        var cause = Enum.Parse<S3FailureCause>(expected);
        var error = new AmazonS3Exception("the server's message\nsecond line", null, ErrorType.Sender, code, "req-1", (HttpStatusCode)status);

        var failure = S3Errors.Classify(error, "upload of s3://bkt/k", "bkt");

        Assert.Equal(cause, failure.Cause);
        Assert.Same(error, failure.InnerException);
        Assert.StartsWith("upload of s3://bkt/k: ", failure.Message, StringComparison.Ordinal);
        Assert.EndsWith((code.Length > 0 ? $" [{code}]" : string.Empty) + ": the server's message", failure.Message, StringComparison.Ordinal);
        Assert.Equal(cause is S3FailureCause.Throttled or S3FailureCause.ServerError or S3FailureCause.Timeout, failure.IsTransient);
    }

    [Theory]
    [InlineData("NoSuchBucket", 404, "bucket 'bkt' does not exist")]
    [InlineData("SignatureDoesNotMatch", 403, "wrong secret key (bad credentials)")]
    [InlineData("InvalidAccessKeyId", 403, "access key id is not known")]
    [InlineData("AccessDenied", 403, "access denied to bucket 'bkt'")]
    [InlineData("SlowDown", 503, "slow down")]
    public void ServiceError_MessageSaysWhy(string code, int status, string why)
    {
        var error = new AmazonS3Exception("m", null, ErrorType.Sender, code, "req-1", (HttpStatusCode)status);

        Assert.Contains(why, S3Errors.Classify(error, "a", "bkt").Message, StringComparison.Ordinal);
    }

    /// <summary>Client-side failures by name (exceptions are not serializable theory data).</summary>
    private static readonly Dictionary<string, Exception> ClientFailures = new()
    {
        ["http client timeout"] = new TaskCanceledException("A task was canceled.", new TimeoutException("The operation was canceled.")),
        ["timeout"] = new TimeoutException("timed out"),
        ["connection refused"] = new HttpRequestException("Connection refused (127.0.0.1:9)", new SocketException((int)SocketError.ConnectionRefused)),
        ["reset"] = new SocketException((int)SocketError.ConnectionReset),
        ["reset while reading"] = new IOException("Unable to read data from the transport connection", new SocketException((int)SocketError.ConnectionReset)),
        ["wrapped by the SDK"] = new AmazonServiceException("wrapped", new HttpRequestException("Name or service not known")),
        ["default chain empty"] = new AmazonClientException("Failed to resolve AWS credentials"),
        ["metadata service gave up"] = new AmazonClientException("instance metadata at http://169.254.169.254/: no credentials after 2 attempts"),
        ["disk"] = new IOException("disk read failed"),
        ["anything else"] = new InvalidOperationException("surprise"),
    };

    [Theory]
    [InlineData("http client timeout", nameof(S3FailureCause.Timeout))]
    [InlineData("timeout", nameof(S3FailureCause.Timeout))]
    [InlineData("connection refused", nameof(S3FailureCause.Network))]
    [InlineData("reset", nameof(S3FailureCause.Network))]
    [InlineData("reset while reading", nameof(S3FailureCause.Network))]
    [InlineData("wrapped by the SDK", nameof(S3FailureCause.Network))]
    [InlineData("default chain empty", nameof(S3FailureCause.CredentialsUnavailable))]
    [InlineData("metadata service gave up", nameof(S3FailureCause.CredentialsUnavailable))]
    [InlineData("disk", nameof(S3FailureCause.Other))]
    [InlineData("anything else", nameof(S3FailureCause.Other))]
    public void ClientError_Cause(string name, string expected)
    {
        var error = ClientFailures[name];

        var failure = S3Errors.Classify(error, "upload", "bkt");

        Assert.Equal(Enum.Parse<S3FailureCause>(expected), failure.Cause);
        Assert.Contains(error.Message.Split('\n')[0], failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("https")] // ssl_verify_peer false: the client's own HTTP handler
    public async Task ServerNeverAnswers_RealSdkTimeout_IsTimeout(string scheme)
    {
        // Accepts connections and reads nothing, answers nothing (not even the TLS handshake).
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<Socket>();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    accepted.Add(await silent.AcceptSocketAsync(Token));
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The listener was stopped.
            }
        }, Token);
        var endpoint = $"{scheme}://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}";
        var settings = new S3ConnectionSettings("us-east-1", endpoint, false, SslVerifyPeer: scheme == "http", null, null, false, false);
        using var client = S3ClientFactory.Create(settings, new BasicAWSCredentials("AKID", "secret"), _ => null);
        var config = (AmazonS3Config)client.Config;
        config.Timeout = TimeSpan.FromSeconds(1);
        config.MaxErrorRetry = 0;
        var clock = Stopwatch.StartNew();

        using var guard = CancellationTokenSource.CreateLinkedTokenSource(Token);
        guard.CancelAfter(TimeSpan.FromSeconds(15));
        var put = client.PutObjectAsync(new PutObjectRequest { BucketName = "bkt", Key = "k", ContentBody = "x", UseChunkEncoding = false }, guard.Token);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => put);

        Assert.False(guard.IsCancellationRequested, $"the request's timeout (1 s) was not applied: cancelled after {clock.Elapsed}");
        Assert.Equal(S3FailureCause.Timeout, S3Errors.Classify(error, "upload", "b").Cause);
        silent.Stop();
        await accepting;
        accepted.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task ConnectionRefused_RealSdkError_IsNetwork()
    {
        var port = new TcpListener(IPAddress.Loopback, 0);
        port.Start();
        var free = ((IPEndPoint)port.LocalEndpoint).Port;
        port.Stop();
        var settings = new S3ConnectionSettings("us-east-1", $"http://127.0.0.1:{free}", false, true, null, null, false, false);
        using var client = S3ClientFactory.Create(settings, new BasicAWSCredentials("AKID", "secret"), _ => null);
        ((AmazonS3Config)client.Config).MaxErrorRetry = 0;

        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.PutObjectAsync(new PutObjectRequest { BucketName = "bkt", Key = "k", ContentBody = "x", UseChunkEncoding = false }, Token));

        var failure = S3Errors.Classify(error, "upload", "b");
        Assert.Equal(S3FailureCause.Network, failure.Cause);
        Assert.Contains("could not be reached", failure.Message, StringComparison.Ordinal);
    }
}
