using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Tailship.Buffers;
using Tailship.Events;
using Tailship.Outputs.S3;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Outputs.S3;

/// <summary>
/// The client <see cref="S3ClientFactory"/> builds from the configuration: addressing, AWS endpoint variants, proxy,
/// region precedence, and certificate checks, the last two also by uploads to the local server.
/// </summary>
[Collection(S3ServerCollection.Name)]
public sealed class S3ClientConfigTests(S3ServerFixture server)
{
    private static readonly ChunkMetadata SliceMetadata = new(null, S3OutputHarness.Slice, new Dictionary<string, string>());
    private static readonly S3ConnectionSettings Plain = new(null, null, false, true, null, null, false, false);
    private static readonly BasicAWSCredentials Keys = new("AKID", "secret");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("http://s3.storage.example:7480", false, false)]
    [InlineData("http://s3.storage.example:7480", true, true)]
    [InlineData("https://s3.storage.example", true, true)]
    [InlineData("http://10.1.2.3:7480", false, true)] // an IP address cannot have bucket host names
    [InlineData("http://[fd00::1]:7480", false, true)]
    [InlineData("http://localhost:7480", false, true)]
    public void ForcePathStyle_AsConfiguredForHostNames(string endpoint, bool configured, bool expected)
    {
        using var client = S3ClientFactory.Create(Plain with { Endpoint = endpoint, ForcePathStyle = configured }, Keys, _ => null);

        var config = (AmazonS3Config)client.Config;
        Assert.Equal(expected, config.ForcePathStyle);
        Assert.Equal(endpoint, config.ServiceURL.TrimEnd('/'));
    }

    [Fact]
    public void TransferAccelerationAndDualStack_SetOnTheClient()
    {
        using var plain = S3ClientFactory.Create(Plain with { Region = "eu-west-1" }, Keys, _ => null);
        using var both = S3ClientFactory.Create(Plain with { Region = "eu-west-1", TransferAcceleration = true, DualStack = true }, Keys, _ => null);

        var p = (AmazonS3Config)plain.Config;
        var b = (AmazonS3Config)both.Config;
        Assert.False(p.UseAccelerateEndpoint);
        Assert.False(p.UseDualstackEndpoint);
        Assert.True(b.UseAccelerateEndpoint);
        Assert.True(b.UseDualstackEndpoint);
        Assert.Equal("eu-west-1", b.RegionEndpoint.SystemName);
    }

    [Theory]
    [InlineData("ap-south-1", "eu-central-1", "us-west-1", "ap-south-1")]
    [InlineData(null, "eu-central-1", "us-west-1", "eu-central-1")]
    [InlineData(null, null, "us-west-1", "us-west-1")]
    [InlineData(null, null, null, "us-east-1")]
    public void Region_S3RegionThenAwsRegionThenAwsDefaultRegion(string? s3Region, string? awsRegion, string? awsDefaultRegion, string expected)
    {
        string? Env(string name) => name switch
        {
            "AWS_REGION" => awsRegion,
            "AWS_DEFAULT_REGION" => awsDefaultRegion,
            _ => null,
        };

        Assert.Equal(expected, S3ClientFactory.ResolveRegion(Plain with { Region = s3Region }, Env));
        using var aws = S3ClientFactory.Create(Plain with { Region = s3Region }, Keys, Env);
        Assert.Equal(expected, aws.Config.RegionEndpoint.SystemName);
        using var custom = S3ClientFactory.Create(Plain with { Region = s3Region, Endpoint = "http://127.0.0.1:7480" }, Keys, Env);
        Assert.Equal(expected, custom.Config.AuthenticationRegion); // signs requests to the custom endpoint
    }

    [Fact]
    public void ProxyUri_HostPortAndEscapedCredentials()
    {
        using var client = S3ClientFactory.Create(Plain with { ProxyUri = "http://user%40corp:p%3Ass@proxy.example:3128/" }, Keys, _ => null);

        var config = (AmazonS3Config)client.Config;
        Assert.Equal("proxy.example", config.ProxyHost);
        Assert.Equal(3128, config.ProxyPort);
        var credentials = Assert.IsType<NetworkCredential>(config.ProxyCredentials);
        Assert.Equal("user@corp", credentials.UserName);
        Assert.Equal("p:ss", credentials.Password);
    }

    [Fact]
    public async Task ProxyUri_UploadGoesThroughTheProxy()
    {
        var bucket = await server.CreateBucketAsync("proxy", Token);

        // A plain-HTTP proxy gets the request itself, with the absolute URL: the relay passes it on to the server.
        await using var proxy = new TcpRelay(server.Endpoint);
        await using var output = S3OutputHarness.Build(S3OutputHarness.Options(S3OutputHarness.Seed(server, bucket, ("proxy_uri", proxy.Endpoint.ToString()))), null);

        await output.WriteAsync(Chunk(output), Token);

        Assert.True(proxy.Accepted > 0, "no connection went through the proxy");
        Assert.Equal(["logs/202611260120_0.txt"], await server.KeysAsync(bucket, Token));
    }

    [Fact]
    public async Task SslVerifyPeerFalse_UploadsOverHttpsToASelfSignedServer()
    {
        var bucket = await server.CreateBucketAsync("noverify", Token);
        var tls = server.TlsEndpoint.ToString();
        await using var verifying = S3OutputHarness.Build(S3OutputHarness.Options(S3OutputHarness.Seed(server, bucket, ("s3_endpoint", tls))), null);
        await using var trusting = S3OutputHarness.Build(S3OutputHarness.Options(S3OutputHarness.Seed(server, bucket, ("s3_endpoint", tls), ("ssl_verify_peer", "false"))), null);

        // The certificate is self-signed and no ssl_ca_bundle is given: refused while verifying...
        var refused = await Assert.ThrowsAsync<S3OutputException>(() => verifying.WriteAsync(Chunk(verifying), Token));
        Assert.Empty(await server.KeysAsync(bucket, Token));

        // ...accepted with ssl_verify_peer false.
        await trusting.WriteAsync(Chunk(trusting), Token);

        Assert.Equal(S3FailureCause.Network, refused.Cause);
        Assert.Equal(["logs/202611260120_0.txt"], await server.KeysAsync(bucket, Token));
    }

    private static TestChunk Chunk(IBufferedOutput output) =>
        TestChunk.Of(output, SliceMetadata, "t", EventTime.FromSeconds(S3OutputHarness.Slice), ["line 0", "line 1"]);
}
