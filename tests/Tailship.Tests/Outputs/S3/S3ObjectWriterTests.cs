using System.Collections.Concurrent;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Tailship.Buffers;
using Tailship.Events;
using Tailship.Outputs.S3;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Outputs.S3;

/// <summary>
/// How object bodies go to the server: payload signed over HTTP, unsigned with a CRC-32 over HTTPS (the local
/// server's HTTPS endpoint, verified with its own certificate), content exact either way.
/// </summary>
[Collection(S3ServerCollection.Name)]
public sealed class S3ObjectWriterTests(S3ServerFixture server)
{
    private const string Key = "logs/202611260120_0.txt";
    private static readonly ChunkMetadata SliceMetadata = new(null, S3OutputHarness.Slice, new Dictionary<string, string>());

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("CRC32", "y/Q5Jg==")] // check value 0xCBF43926, big-endian
    [InlineData("CRC32C", "4waSgw==")] // check value 0xE3069283
    [InlineData("CRC64NVME", "rosUhgp5mIg=")] // check value 0xAE8B14860A799888
    [InlineData("SHA1", "98O8HYCOBHMq32eZZczDTKeuNEE=")]
    public void Compute_CheckValuesOf123456789(string algorithm, string expected)
    {
        Assert.Equal(expected, S3Checksum.Compute(new ChecksumAlgorithm(algorithm), "123456789"u8));
    }

    [Fact]
    public async Task Http_PayloadSigned()
    {
        var bucket = await server.CreateBucketAsync("signed", Token);
        await using var output = S3OutputHarness.Build(S3OutputHarness.Options(S3OutputHarness.Seed(server, bucket)), null);
        var sent = Watch(output);
        var chunk = Lines(output, 300);

        await output.WriteAsync(chunk, Token);

        var put = Assert.Single(sent, IsUpload);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(chunk.Data)), put["x-amz-content-sha256"]);
        Assert.False(put.ContainsKey("x-amz-checksum-crc32"));
        Assert.Equal(chunk.Data, await server.DownloadAsync(bucket, Key, Token));
    }

    [Fact]
    public async Task Https_PayloadUnsignedWithCrc32_ContentExact()
    {
        var bucket = await server.CreateBucketAsync("tls", Token);
        await using var output = S3OutputHarness.Build(S3OutputHarness.Options(Tls(bucket)), null);
        var sent = Watch(output);
        var chunk = Lines(output, 300);

        await output.WriteAsync(chunk, Token);

        var put = Assert.Single(sent, IsUpload);
        Assert.Equal("UNSIGNED-PAYLOAD", put["x-amz-content-sha256"]);
        Assert.Equal(Crc32(chunk.Data), put["x-amz-checksum-crc32"]);
        Assert.Equal(chunk.Data, await server.DownloadAsync(bucket, Key, Token));
    }

    [Fact]
    public async Task Https_Multipart_PartsUnsignedContentExact()
    {
        var bucket = await server.CreateBucketAsync("tlsmulti", Token);
        await using var output = S3OutputHarness.Build(
            S3OutputHarness.Options(Tls(bucket, ("multipart_part_size", "5m"), ("multipart_concurrency", "2"))), null);
        var sent = Watch(output);
        var data = new byte[(11 << 20) + 4321];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (byte)('a' + (i * 11 % 26));
        }

        await output.WriteAsync(new TestChunk(data, SliceMetadata), Token);

        var parts = sent.Where(IsUpload).ToList();
        Assert.Equal(3, parts.Count);
        Assert.All(parts, h => Assert.Equal("UNSIGNED-PAYLOAD", h["x-amz-content-sha256"]));
        string[] expected = [Crc32(data.AsSpan(0, 5 << 20)), Crc32(data.AsSpan(5 << 20, 5 << 20)), Crc32(data.AsSpan(10 << 20))];
        Assert.Equal(expected.Order(StringComparer.Ordinal), parts.Select(h => h["x-amz-checksum-crc32"]).Order(StringComparer.Ordinal));
        Assert.Equal(data, await server.DownloadAsync(bucket, Key, Token));
        using var client = server.CreateClient();
        var uploads = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket }, Token);
        Assert.Empty(uploads.MultipartUploads ?? []);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ChecksumAlgorithmGiven_ThatChecksumSentAsHeader(bool https)
    {
        var bucket = await server.CreateBucketAsync("checksum", Token);
        object[] items = https ? Tls(bucket, ("checksum_algorithm", "SHA256")) : S3OutputHarness.Seed(server, bucket, ("checksum_algorithm", "SHA256"));
        await using var output = S3OutputHarness.Build(S3OutputHarness.Options(items), null);
        var sent = Watch(output);
        var chunk = Lines(output, 50);

        await output.WriteAsync(chunk, Token);

        var put = Assert.Single(sent, IsUpload);
        Assert.Equal(https ? "UNSIGNED-PAYLOAD" : Convert.ToHexStringLower(SHA256.HashData(chunk.Data)), put["x-amz-content-sha256"]);
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(chunk.Data)), put["x-amz-checksum-sha256"]);
        Assert.False(put.ContainsKey("x-amz-checksum-crc32"));
        Assert.Equal(chunk.Data, await server.DownloadAsync(bucket, Key, Token));
    }

    /// <summary>
    /// A file chunk goes as its own mapped records (no part buffer): the payload hash over HTTP, the CRC-32 or the
    /// asked-for checksum computed from that body, and the stored object byte for byte the records.
    /// </summary>
    [Theory]
    [InlineData(false, null)]
    [InlineData(true, null)]
    [InlineData(false, "SHA256")]
    [InlineData(true, "CRC32C")]
    public async Task FileChunk_BodyReadInPlace_HeadersAndContentExact(bool https, string? algorithm)
    {
        var bucket = await server.CreateBucketAsync("inplace", Token);
        object[] more = algorithm is null ? [] : [("checksum_algorithm", algorithm)];
        await using var output = S3OutputHarness.Build(S3OutputHarness.Options(https ? Tls(bucket, more) : S3OutputHarness.Seed(server, bucket, more)), null);
        var sent = Watch(output);
        var data = Lines(output, 2000).Data;
        using var temp = new TempDirectory();
        const string id = "00112233445566778899aabbccddeeff";
        var chunk = FileChunk.Create(temp[$"buffer.b{id}.log"], id, SliceMetadata, DateTimeOffset.UnixEpoch);
        try
        {
            AppendRecords(chunk, data.AsSpan(0, 1000));
            AppendRecords(chunk, data.AsSpan(1000));
            chunk.Seal();

            await output.WriteAsync(chunk, Token);
        }
        finally
        {
            chunk.Close();
        }

        var put = Assert.Single(sent, IsUpload);
        Assert.Equal(https ? "UNSIGNED-PAYLOAD" : Convert.ToHexStringLower(SHA256.HashData(data)), put["x-amz-content-sha256"]);
        switch (algorithm)
        {
            case "SHA256":
                Assert.Equal(Convert.ToBase64String(SHA256.HashData(data)), put["x-amz-checksum-sha256"]);
                break;
            case "CRC32C":
                Assert.Equal(S3Checksum.Compute(ChecksumAlgorithm.CRC32C, data), put["x-amz-checksum-crc32c"]);
                break;
            default:
                Assert.Equal(https, put.TryGetValue("x-amz-checksum-crc32", out var crc));
                Assert.Equal(https ? Crc32(data) : null, crc);
                break;
        }

        Assert.Equal(data, await server.DownloadAsync(bucket, Key, Token));
    }

    [Fact]
    public void ComputeFromStream_SameAsFromSpanAndPositionKept()
    {
        var data = new byte[700_000];
        new Random(3).NextBytes(data);
        using var body = new MemoryStream(data);
        body.Position = 100;
        foreach (var algorithm in new[] { ChecksumAlgorithm.CRC32, ChecksumAlgorithm.CRC32C, ChecksumAlgorithm.CRC64NVME, ChecksumAlgorithm.SHA1, ChecksumAlgorithm.SHA256 })
        {
            Assert.Equal(S3Checksum.Compute(algorithm, data.AsSpan(100)), S3Checksum.Compute(algorithm, body));
            Assert.Equal(100, body.Position);
        }
    }

    private static void AppendRecords(FileChunk chunk, ReadOnlySpan<byte> records)
    {
        var frame = ChunkFrame.Build(FrameKind.Records, BufferCompression.Text, records, records.Length, 1, checksum: true, out var length);
        try
        {
            chunk.Append(frame.AsSpan(0, length), 1, records.Length);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(frame);
        }
    }

    private static string Crc32(ReadOnlySpan<byte> body) => S3Checksum.Compute(ChecksumAlgorithm.CRC32, body);

    private object[] Tls(string bucket, params object[] more) =>
        S3OutputHarness.Seed(server, bucket, [("s3_endpoint", server.TlsEndpoint.ToString()), ("ssl_ca_bundle", server.CaBundle), .. more]);

    /// <summary>The headers of every request the output's client sent (as signed), in a case-insensitive map each.</summary>
    private static ConcurrentQueue<Dictionary<string, string>> Watch(S3Output output)
    {
        var sent = new ConcurrentQueue<Dictionary<string, string>>();
        ((AmazonServiceClient)output.Client).AfterResponseEvent += (_, e) =>
        {
            if (e is WebServiceResponseEventArgs response)
            {
                sent.Enqueue(new Dictionary<string, string>(response.RequestHeaders, StringComparer.OrdinalIgnoreCase));
            }
        };
        return sent;
    }

    /// <summary>A request carrying an object body: PutObject or UploadPart (the only ones with a Content-Length above 0 here).</summary>
    private static bool IsUpload(Dictionary<string, string> headers) =>
        headers.TryGetValue("Content-Length", out var length) && long.Parse(length, System.Globalization.CultureInfo.InvariantCulture) > 0
        && !headers.ContainsKey("x-amz-copy-source")
        && headers.GetValueOrDefault("Content-Type") != "application/xml";

    private static TestChunk Lines(IBufferedOutput output, int count) =>
        TestChunk.Of(output, SliceMetadata, "t", EventTime.FromSeconds(S3OutputHarness.Slice), Enumerable.Range(0, count).Select(i => $"line {i} {new string('x', i % 50)}"));
}
