using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Tailship.Buffers;
using Tailship.Events;
using Tailship.Outputs.S3;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Outputs.S3;

/// <summary>
/// The SSE parameters against what Ceph 16's radosgw really does. SSE-C and SSE-KMS need settings the shared gateway
/// lacks (SSE-C over plain HTTP needs <c>rgw_crypt_require_ssl false</c>; SSE-KMS a KMS backend), so those run against
/// a second radosgw of the same cluster started with them (<see cref="SecondGateway"/>). See docs/s3.md for what each
/// server accepts.
/// </summary>
[Collection(S3ServerCollection.Name)]
public sealed class S3ServerSideEncryptionTests(S3ServerFixture server)
{
    private static readonly ChunkMetadata SliceMetadata = new(null, S3OutputHarness.Slice, new Dictionary<string, string>());

    /// <summary>The SSE-C key as fluent-plugin-s3 configs carry it: the 32 bytes themselves.</summary>
    private const string RawCustomerKey = "0123456789abcdef0123456789abcdef";

    /// <summary>The same key as S3 headers carry it: base64.</summary>
    private static readonly string CustomerKey = Convert.ToBase64String(Encoding.UTF8.GetBytes(RawCustomerKey));

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CustomerKey_ObjectEncryptedReadableOnlyWithTheKey()
    {
        await using var gateway = await SecondGateway.StartAsync(Token);
        var bucket = await server.CreateBucketAsync("ssec", Token);
        await using var output = Build(gateway.Endpoint, bucket, ("sse_customer_algorithm", "AES256"), ("sse_customer_key", RawCustomerKey));
        var chunk = Lines(output, 3);

        await output.WriteAsync(chunk, Token);

        using var client = Client(gateway.Endpoint);
        var key = chunk.GetAnnotation(S3Output.KeyAnnotation)!;
        var refused = await Assert.ThrowsAsync<AmazonS3Exception>(() => client.GetObjectAsync(bucket, key, Token));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        using var response = await client.GetObjectAsync(new GetObjectRequest
        {
            BucketName = bucket,
            Key = key,
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = CustomerKey,
        }, Token);
        using var reader = new StreamReader(response.ResponseStream, Encoding.UTF8);
        Assert.Equal(Encoding.UTF8.GetString(chunk.Data), await reader.ReadToEndAsync(Token));
    }

    [Fact]
    public async Task CustomerKeyOverPlainHttp_RefusedWithCauseAndKept()
    {
        // The shared gateway keeps Ceph's default rgw_crypt_require_ssl true: SSE-C over http is refused (400).
        var bucket = await server.CreateBucketAsync("ssechttp", Token);
        var logs = new ListLoggerFactory();
        await using var output = Build(server.Endpoint, bucket, logs, ("sse_customer_algorithm", "AES256"), ("sse_customer_key", CustomerKey));

        var error = await Assert.ThrowsAsync<S3OutputException>(() => output.WriteAsync(Lines(output, 1), Token));

        Assert.Equal(S3FailureCause.BadRequest, error.Cause);
        Assert.Contains("InvalidRequest", error.Message, StringComparison.Ordinal);
        Assert.False(output.IsReady);
        Assert.DoesNotContain(logs.Messages(), m => m.Contains(CustomerKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task KmsKey_ObjectEncryptedWithThatKey()
    {
        await using var gateway = await SecondGateway.StartAsync(Token);
        var bucket = await server.CreateBucketAsync("ssekms", Token);
        await using var output = Build(gateway.Endpoint, bucket, ("use_server_side_encryption", "aws:kms"), ("ssekms_key_id", SecondGateway.KmsKeyId));
        var chunk = Lines(output, 2);

        await output.WriteAsync(chunk, Token);

        using var client = Client(gateway.Endpoint);
        using var response = await client.GetObjectAsync(bucket, chunk.GetAnnotation(S3Output.KeyAnnotation)!, Token);
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, response.ServerSideEncryptionMethod);
        Assert.Equal(SecondGateway.KmsKeyId, response.ServerSideEncryptionKeyManagementServiceKeyId);
        using var reader = new StreamReader(response.ResponseStream, Encoding.UTF8);
        Assert.Equal(Encoding.UTF8.GetString(chunk.Data), await reader.ReadToEndAsync(Token));
    }

    private S3Output Build(Uri endpoint, string bucket, params (string Key, string Value)[] sse) => Build(endpoint, bucket, null, sse);

    private S3Output Build(Uri endpoint, string bucket, ListLoggerFactory? logs, params (string Key, string Value)[] sse)
    {
        object[] items =
        [
            ("s3_bucket", bucket),
            ("s3_region", server.Region),
            ("s3_endpoint", endpoint.ToString()),
            ("aws_key_id", server.AccessKey),
            ("aws_sec_key", server.SecretKey),
            ("path", "logs/"),
            ("store_as", "text"),
            ("time_slice_format", "%Y%m%d%H%M"),
            .. sse.Select(p => (object)p),
        ];
        return S3OutputHarness.Build(S3OutputHarness.Options(items), S3OutputHarness.TempDirectory(), logs);
    }

    private AmazonS3Client Client(Uri endpoint)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = server.Region,
            RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = Amazon.Runtime.ResponseChecksumValidation.WHEN_REQUIRED,
            MaxErrorRetry = 0,
        };
        return new AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials(server.AccessKey, server.SecretKey), config);
    }

    private static TestChunk Lines(S3Output output, int count) =>
        TestChunk.Of(output, SliceMetadata, "t", EventTime.FromSeconds(S3OutputHarness.Slice), Enumerable.Range(0, count).Select(i => $"line {i}"));
}
