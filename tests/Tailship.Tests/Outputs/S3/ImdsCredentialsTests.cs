using System.Diagnostics;
using Amazon.Runtime;
using Microsoft.Extensions.Logging;
using Tailship.Outputs.S3;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Outputs.S3;

/// <summary>
/// <c>&lt;instance_profile_credentials&gt;</c>'s <c>retries</c>, <c>http_open_timeout</c> and <c>http_read_timeout</c>,
/// against the metadata stand-in (IMDSv2) on loopback.
/// </summary>
public sealed class ImdsCredentialsTests
{
    private static readonly S3CredentialSettings None = new(null, null, null, null, null, null, null, null, null);

    [Fact]
    public async Task SlowAnswer_TimesOutAndIsRetried_WithALogLine()
    {
        await using var imds = new ImdsStandIn("AKIDSLOW", "secret-slow") { DelayedAnswers = 1, AnswerDelay = TimeSpan.FromSeconds(10) };
        var logs = new ListLoggerFactory();
        var credentials = Create(imds, new S3InstanceProfileSettings(Retries: 1, null, null, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(0.3)), logs);
        var clock = Stopwatch.StartNew();

        var got = await credentials.GetCredentialsAsync();

        Assert.Equal("AKIDSLOW", got.AccessKey);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took {clock.Elapsed}: the slow answer was waited for");
        Assert.Equal(2, TokenRequests(imds)); // counted when received, before any delay
        var warning = Assert.Single(logs.Messages(LogLevel.Warning));
        Assert.Equal(
            $"instance metadata at http://127.0.0.1:{imds.Port}/: PUT /latest/api/token got no answer within http_read_timeout 0.3 s; retrying (attempt 2 of 2) in 1.2 s",
            warning);
        Assert.DoesNotContain("secret-slow", string.Join('\n', logs.Messages()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoTimelyAnswer_GivesUpAfterRetries_AsCredentialsUnavailable()
    {
        await using var imds = new ImdsStandIn("AKID", "secret") { DelayedAnswers = int.MaxValue, AnswerDelay = TimeSpan.FromSeconds(3) };
        var logs = new ListLoggerFactory();
        var credentials = Create(imds, new S3InstanceProfileSettings(Retries: 2, null, null, null, TimeSpan.FromSeconds(0.2)), logs);

        var error = await Assert.ThrowsAnyAsync<AmazonClientException>(credentials.GetCredentialsAsync);

        Assert.Equal(3, TokenRequests(imds));
        Assert.Contains("no credentials after 3 attempts", error.Message, StringComparison.Ordinal);
        Assert.Equal(S3FailureCause.CredentialsUnavailable, S3Errors.Classify(error, "PutObject", "b").Cause);
        Assert.Equal(3, logs.Messages(LogLevel.Warning).Count); // two retries, then the last failure
    }

    [Fact]
    public async Task NothingListening_ConnectFailsFastAndIsRetried()
    {
        // A port that was free a moment ago: connection refused, retried, then given up.
        var port = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        port.Start();
        var free = ((System.Net.IPEndPoint)port.LocalEndpoint).Port;
        port.Stop();
        var logs = new ListLoggerFactory();
        var settings = new S3InstanceProfileSettings(Retries: 1, "127.0.0.1", free, TimeSpan.FromSeconds(0.5), null);
        var (credentials, source) = S3Credentials.Create(None with { InstanceProfile = settings }, "us-east-1", _ => null, logs.CreateLogger("t"));

        await Assert.ThrowsAnyAsync<AmazonClientException>(credentials.GetCredentialsAsync);

        Assert.Equal($"instance_profile_credentials (http://127.0.0.1:{free}/)", source);
        Assert.Contains(logs.Messages(LogLevel.Warning), m => m.Contains("retrying (attempt 2 of 2)", StringComparison.Ordinal));
    }

    [Fact]
    public void NoSettings_TailshipsClientWithRubySdkDefaults()
    {
        // The seed's empty section: Tailship's client too (the SDK's provider has no IMDSv1 fallback).
        var settings = None with { InstanceProfile = new S3InstanceProfileSettings(null, null, null, null, null) };

        var (credentials, source) = S3Credentials.Create(settings, "us-east-1", _ => null);

        Assert.Equal("instance_profile_credentials", source);
        var imds = Assert.IsType<ImdsCredentials>(credentials);
        Assert.Equal(new Uri("http://169.254.169.254:80/"), imds.Endpoint);
        Assert.Equal(ImdsCredentials.DefaultRetries, imds.Retries);
        Assert.Equal(ImdsCredentials.DefaultOpenTimeout, imds.OpenTimeout);
        Assert.Equal(ImdsCredentials.DefaultReadTimeout, imds.ReadTimeout);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("TRUE")]
    public async Task MetadataDisabledBySdkVariable_ClearErrorAndNoRequest(string value)
    {
        await using var imds = new ImdsStandIn("AKID", "secret");
        var settings = None with { InstanceProfile = new S3InstanceProfileSettings(null, null, null, null, null) };
        string? Env(string name) => name switch
        {
            "AWS_EC2_METADATA_DISABLED" => value,
            "AWS_EC2_METADATA_SERVICE_ENDPOINT" => $"http://127.0.0.1:{imds.Port}",
            _ => null,
        };

        var (credentials, source) = S3Credentials.Create(settings, "us-east-1", Env);

        Assert.Equal("instance_profile_credentials", source);
        var error = await Assert.ThrowsAsync<Amazon.Runtime.AmazonClientException>(credentials.GetCredentialsAsync);
        Assert.Contains("AWS_EC2_METADATA_DISABLED", error.Message, StringComparison.Ordinal);
        Assert.Contains("no credentials could be obtained from instance_profile_credentials", error.Message, StringComparison.Ordinal);
        Assert.Empty(imds.Requests);
    }

    [Fact]
    public void MetadataNotDisabled_ByOtherValues()
    {
        var settings = None with { InstanceProfile = new S3InstanceProfileSettings(null, null, null, null, null) };

        var (credentials, _) = S3Credentials.Create(settings, "us-east-1", name => name == "AWS_EC2_METADATA_DISABLED" ? "false" : null);

        Assert.IsType<ImdsCredentials>(credentials);
    }

    [Fact]
    public void Endpoint_FromSdkVariableUnlessIpAddressOrPortGiven()
    {
        var ip = new S3InstanceProfileSettings(1, null, null, null, null);
        string? Env(string name) => name == "AWS_EC2_METADATA_SERVICE_ENDPOINT" ? "http://127.0.0.1:1234" : null;

        Assert.Equal(new Uri("http://127.0.0.1:1234/"), S3Credentials.InstanceMetadataEndpoint(ip, Env));
        Assert.Equal(new Uri("http://169.254.169.254:80/"), S3Credentials.InstanceMetadataEndpoint(ip, _ => null));
        Assert.Equal(new Uri("http://10.0.0.1:8080/"), S3Credentials.InstanceMetadataEndpoint(ip with { IpAddress = "10.0.0.1", Port = 8080 }, Env));
        Assert.Equal(new Uri("http://[fd00:ec2::254]:80/"), S3Credentials.InstanceMetadataEndpoint(ip with { IpAddress = "fd00:ec2::254" }, Env));
    }

    private static int TokenRequests(ImdsStandIn imds) => imds.Requests.Count(r => r.StartsWith("PUT /latest/api/token ", StringComparison.Ordinal));

    private static ImdsCredentials Create(ImdsStandIn imds, S3InstanceProfileSettings settings, ListLoggerFactory logs)
    {
        var env = (string name) => name == "AWS_EC2_METADATA_SERVICE_ENDPOINT" ? $"http://127.0.0.1:{imds.Port}" : null;
        var (credentials, _) = S3Credentials.Create(None with { InstanceProfile = settings }, "us-east-1", env, logs.CreateLogger("Tailship.Outputs.S3"));
        return Assert.IsType<ImdsCredentials>(credentials);
    }
}
