using System.IO.Compression;
using System.Text;
using Amazon.S3.Model;
using Tailship.Buffers;
using Tailship.Events;
using Tailship.Outputs.S3;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Outputs.S3;

[Collection(S3ServerCollection.Name)]
public sealed class S3OutputTests(S3ServerFixture server)
{
    private static readonly ChunkMetadata SliceMetadata = new(null, S3OutputHarness.Slice, new Dictionary<string, string>());

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SeedConfig_KeysPerSliceWithIncreasingIndex()
    {
        var bucket = await server.CreateBucketAsync("seed", Token);
        await using var output = S3OutputHarness.Build(S3OutputHarness.Options(S3OutputHarness.Seed(server, bucket)), S3OutputHarness.TempDirectory());
        var first = Lines(output, "count.format1", 3);
        var second = Lines(output, "count.format2", 2);

        await output.WriteAsync(first, Token);
        await output.WriteAsync(second, Token);

        Assert.Equal(["logs/202611260120_0.txt", "logs/202611260120_1.txt"], await server.KeysAsync(bucket, Token));
        var text = await DownloadTextAsync(bucket, "logs/202611260120_0.txt");
        Assert.Equal(Encoding.UTF8.GetString(first.Data), text);
        Assert.Matches(@"^2026-11-26T01:20:00(Z|[+-]\d\d:\d\d)\tcount.format1\t\{""message"":""line 0""\}\n", text);
    }

    [Fact]
    public async Task SameChunkSentAgain_OverwritesItsOwnObject()
    {
        var bucket = await server.CreateBucketAsync("again", Token);
        var state = S3OutputHarness.TempDirectory();
        var options = S3OutputHarness.Options(S3OutputHarness.Seed(server, bucket));
        var chunk = Lines(S3OutputHarness.Build(options, state), "t", 2);
        await using (var output = S3OutputHarness.Build(options, state))
        {
            await output.WriteAsync(chunk, Token);
        }

        // A restart: a new output, the chunk found again in the buffer with its annotation.
        await using (var restarted = S3OutputHarness.Build(options, state))
        {
            await restarted.WriteAsync(chunk.Reloaded(), Token);
            await restarted.WriteAsync(Lines(restarted, "t", 1), Token);
        }

        Assert.Equal(["logs/202611260120_0.txt", "logs/202611260120_1.txt"], await server.KeysAsync(bucket, Token));
        Assert.Equal("logs/202611260120_0.txt", chunk.GetAnnotation(S3Output.KeyAnnotation));
    }

    [Fact]
    public async Task ParallelFlushThreads_EachChunkOwnIndex()
    {
        var bucket = await server.CreateBucketAsync("parallel", Token);
        await using var output = S3OutputHarness.Build(S3OutputHarness.Options(S3OutputHarness.Seed(server, bucket)), S3OutputHarness.TempDirectory());
        var chunks = Enumerable.Range(0, 8).Select(_ => Lines(output, "t", 1)).ToList();

        await Task.WhenAll(chunks.Select(c => Task.Run(() => output.WriteAsync(c, Token), Token)));

        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"logs/202611260120_{i}.txt").Order(StringComparer.Ordinal), await server.KeysAsync(bucket, Token));
        Assert.Equal(8, chunks.Select(c => c.GetAnnotation(S3Output.KeyAnnotation)).Distinct().Count());
    }

    [Fact]
    public async Task NoLocalRecord_ProbesExistingKeys()
    {
        var bucket = await server.CreateBucketAsync("probe", Token);
        var options = S3OutputHarness.Options(S3OutputHarness.Seed(server, bucket));
        await using (var output = S3OutputHarness.Build(options, S3OutputHarness.TempDirectory()))
        {
            await output.WriteAsync(Lines(output, "t", 1), Token);
            await output.WriteAsync(Lines(output, "t", 1), Token);
        }

        // A fresh buffer directory: no record, so check_object finds _0 and _1 taken.
        var fresh = S3OutputHarness.TempDirectory();
        await using (var output = S3OutputHarness.Build(options, fresh))
        {
            await output.WriteAsync(Lines(output, "t", 1), Token);
        }

        Assert.Equal(["logs/202611260120_0.txt", "logs/202611260120_1.txt", "logs/202611260120_2.txt"], await server.KeysAsync(bucket, Token));
        Assert.Contains("\"next\":3", await System.IO.File.ReadAllTextAsync(Path.Combine(fresh, S3IndexStore.FileName), Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoLocalRecord_KeyOnlyPrefixingAnotherObject_IsFree()
    {
        var bucket = await server.CreateBucketAsync("prefix", Token);
        using (var client = server.CreateClient())
        {
            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "logs/202611260120_0.txt.old", ContentBody = "x" }, Token);
        }

        await using (var output = S3OutputHarness.Build(S3OutputHarness.Options(S3OutputHarness.Seed(server, bucket)), S3OutputHarness.TempDirectory()))
        {
            await output.WriteAsync(Lines(output, "t", 1), Token);
        }

        Assert.Equal(["logs/202611260120_0.txt", "logs/202611260120_0.txt.old"], await server.KeysAsync(bucket, Token));
    }

    [Theory]
    [InlineData("text", "txt")]
    [InlineData("json", "json")]
    [InlineData("gzip", "gz")]
    [InlineData("zstd", "zst")]
    [InlineData("lzma2", "xz")]
    public async Task StoreAs_ContentRoundTrips(string storeAs, string extension)
    {
        if (storeAs == "lzma2" && S3StoreAs.FindInPath("xz") is null)
        {
            Assert.Contains("'xz' command", S3OutputHarness.Bind(("s3_bucket", "b"), ("store_as", storeAs)).Diagnostics.Items[0].Message, StringComparison.Ordinal);
            return;
        }

        var bucket = await server.CreateBucketAsync("store", Token);
        await using var output = S3OutputHarness.Build(S3OutputHarness.Options(S3OutputHarness.Seed(server, bucket, ("store_as", storeAs))), null);
        var chunk = Lines(output, "t", 500);
        await output.WriteAsync(chunk, Token);

        var key = $"logs/202611260120_0.{extension}";
        Assert.Equal([key], await server.KeysAsync(bucket, Token));
        var bytes = await server.DownloadAsync(bucket, key, Token);
        var plain = storeAs switch
        {
            "gzip" => Decode(new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress)),
            "zstd" => Decode(new ZstdSharp.DecompressionStream(new MemoryStream(bytes))),
            "lzma2" => await ExternalTool.RunAsync("xz", ["-dc"], bytes, Token),
            _ => bytes,
        };
        Assert.Equal(chunk.Data, plain);
    }

    [Fact]
    public async Task LargeChunk_GoesMultipartInOrder()
    {
        var bucket = await server.CreateBucketAsync("multi", Token);
        await using var output = S3OutputHarness.Build(
            S3OutputHarness.Options(S3OutputHarness.Seed(server, bucket, ("multipart_part_size", "5m"), ("multipart_concurrency", "2"))), null);
        var data = new byte[(12 << 20) + 12345];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (byte)('a' + (i * 7 % 26));
        }

        await output.WriteAsync(new TestChunk(data, SliceMetadata), Token);

        using var client = server.CreateClient();
        var head = await client.GetObjectMetadataAsync(bucket, "logs/202611260120_0.txt", Token);
        Assert.EndsWith("-3\"", head.ETag, StringComparison.Ordinal);
        Assert.Equal(data, await server.DownloadAsync(bucket, "logs/202611260120_0.txt", Token));
        var uploads = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket }, Token);
        Assert.Empty(uploads.MultipartUploads ?? []);
    }

    [Fact]
    public async Task MultipartFailingMidway_Aborted()
    {
        var bucket = await server.CreateBucketAsync("abort", Token);
        await using var output = S3OutputHarness.Build(
            S3OutputHarness.Options(S3OutputHarness.Seed(server, bucket, ("multipart_part_size", "5m"))), null);
        var chunk = new BrokenChunk(new byte[16 << 20], failAfter: 11 << 20);

        await Assert.ThrowsAsync<S3OutputException>(() => output.WriteAsync(chunk, Token));

        using var client = server.CreateClient();
        var uploads = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket }, Token);
        Assert.Empty(uploads.MultipartUploads ?? []);
        Assert.Empty(await server.KeysAsync(bucket, Token));
    }

    [Fact]
    public async Task WrongSecretKey_ClearErrorAndChunkKept()
    {
        var bucket = await server.CreateBucketAsync("badkey", Token);
        var logs = new ListLoggerFactory();
        await using var output = S3OutputHarness.Build(
            S3OutputHarness.Options(S3OutputHarness.Seed(server, bucket, ("aws_sec_key", "wrong-secret-key-0000000000000000000000"))), null, logs);

        var error = await Assert.ThrowsAsync<S3OutputException>(() => output.WriteAsync(Lines(output, "t", 1), Token));

        Assert.Equal(S3FailureCause.BadCredentials, error.Cause);
        Assert.Contains("wrong secret key", error.Message, StringComparison.Ordinal);
        Assert.Contains(bucket, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Messages(), m => m.Contains("wrong-secret-key", StringComparison.Ordinal) || m.Contains(server.SecretKey, StringComparison.Ordinal));
        Assert.Empty(await server.KeysAsync(bucket, Token));
    }

    [Fact]
    public async Task WrongSecretKey_AtStart_NotReadyWithCause()
    {
        var bucket = await server.CreateBucketAsync("badstart", Token);
        var logs = new ListLoggerFactory();
        await using var output = S3OutputHarness.Build(
            S3OutputHarness.Options(S3OutputHarness.Seed(server, bucket, ("aws_sec_key", "wrong-secret-key-0000000000000000000000"))), null, logs);

        await output.StartAsync(Token);
        await Poll.UntilAsync(() => logs.Messages().Any(m => m.Contains("not ready (BadCredentials)", StringComparison.Ordinal)), Token);

        Assert.False(output.IsReady);
        Assert.Contains("bad credentials", output.NotReadyReason, StringComparison.Ordinal);
        Assert.Equal(1, output.Metrics.FailuresOf(S3FailureCause.BadCredentials));
        Assert.DoesNotContain(logs.Messages(), m => m.Contains("wrong-secret-key", StringComparison.Ordinal));
        await output.StopAsync(Token);
    }

    [Fact]
    public async Task MissingBucket_CreatedAtStart()
    {
        var bucket = "created-" + Guid.NewGuid().ToString("N")[..20];
        await using var output = S3OutputHarness.Build(S3OutputHarness.Options(S3OutputHarness.Seed(server, bucket)), null);
        await output.StartAsync(Token);
        await Poll.UntilAsync(() => output.IsReady, Token);

        await output.WriteAsync(Lines(output, "t", 1), Token);
        Assert.Equal(["logs/202611260120_0.txt"], await server.KeysAsync(bucket, Token));
    }

    [Fact]
    public async Task UnreachableServer_StartsNotReady()
    {
        var options = S3OutputHarness.Options(("s3_bucket", "nowhere"), ("s3_endpoint", "http://127.0.0.1:9"), ("aws_key_id", "k"), ("aws_sec_key", "s"));
        await using var output = S3OutputHarness.Build(options, null);

        await output.StartAsync(Token);
        await Poll.UntilAsync(() => output.Metrics.FailuresOf(S3FailureCause.Network) + output.Metrics.FailuresOf(S3FailureCause.Other) > 0, Token);

        Assert.False(output.IsReady);
        Assert.Contains("nowhere", output.NotReadyReason, StringComparison.Ordinal);
        await output.StopAsync(Token);
    }

    [Theory]
    [InlineData("AWS_ENDPOINT_URL_S3")]
    [InlineData("AWS_ENDPOINT_URL")]
    public async Task EndpointFromEnvironment_SeedConfigUnchanged(string variable)
    {
        var bucket = await server.CreateBucketAsync("envurl", Token);
        var options = S3OutputHarness.Options(("s3_bucket", bucket), ("s3_region", "us-west-2"), ("path", "logs/"), ("store_as", "text"), ("time_slice_format", "%Y%m%d%H%M"));
        var env = new Dictionary<string, string>
        {
            [variable] = server.Endpoint.ToString(),
        };
        await using var output = S3OutputHarness.Build(
            options with { Credentials = options.Credentials with { AccessKeyId = server.AccessKey, SecretKey = server.SecretKey } }, null, env: env);

        await output.WriteAsync(Lines(output, "t", 1), Token);
        Assert.Equal(["logs/202611260120_0.txt"], await server.KeysAsync(bucket, Token));
    }

    [Fact]
    public async Task InstanceProfile_CredentialsFromMetadataService()
    {
        var bucket = await server.CreateBucketAsync("imds", Token);
        await using var imds = new ImdsStandIn(server.AccessKey, server.SecretKey);
        var logs = new ListLoggerFactory();
        var options = S3OutputHarness.Options(
            ("s3_bucket", bucket),
            ("s3_endpoint", server.Endpoint.ToString()),
            ("path", "logs/"),
            ("store_as", "text"),
            ("time_slice_format", "%Y%m%d%H%M"),
            Conf.Section("instance_profile_credentials", string.Empty, ("ip_address", "127.0.0.1"), ("port", imds.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        await using var output = S3OutputHarness.Build(options, null, logs);

        try
        {
            await output.WriteAsync(Lines(output, "t", 1), Token);
        }
        catch (S3OutputException e)
        {
            Assert.Fail(e.Message + "\nIMDS saw: " + string.Join("\n", imds.Requests));
        }

        Assert.Equal(["logs/202611260120_0.txt"], await server.KeysAsync(bucket, Token));
        Assert.Equal("instance_profile_credentials", output.CredentialsSource);
        Assert.True(imds.TokenRequests > 0, "IMDSv2 token was not requested");
        Assert.True(imds.CredentialRequests > 0);
    }

    /// <summary>A chunk whose data cannot be read past <c>failAfter</c> bytes (a failing disk).</summary>
    private sealed class BrokenChunk(byte[] data, int failAfter) : IChunk
    {
        private readonly TestChunk _inner = new(data, SliceMetadata);

        public string Id => _inner.Id;

        public ChunkMetadata Metadata => _inner.Metadata;

        public long RecordCount => 1;

        public long ByteSize => data.Length;

        public DateTimeOffset CreatedAt => _inner.CreatedAt;

        public Stream OpenRead() => new FailingStream(data, failAfter);

        public string? GetAnnotation(string key) => _inner.GetAnnotation(key);

        public ValueTask SetAnnotationAsync(string key, string value, CancellationToken cancellationToken) => _inner.SetAnnotationAsync(key, value, cancellationToken);
    }

    private sealed class FailingStream(byte[] data, int failAfter) : MemoryStream(data, writable: false)
    {
        public override int Read(byte[] buffer, int offset, int count) => Position >= failAfter ? throw new IOException("disk read failed") : base.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => Position >= failAfter ? throw new IOException("disk read failed") : base.Read(buffer);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position >= failAfter ? throw new IOException("disk read failed") : base.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Position >= failAfter ? throw new IOException("disk read failed") : base.ReadAsync(buffer, offset, count, cancellationToken);
    }

    [Fact]
    public async Task WebIdentity_CredentialsFromSts()
    {
        var bucket = await server.CreateBucketAsync("webid", Token);
        await using var sts = new StsStandIn(server.AccessKey, server.SecretKey);
        var tokenFile = Path.Combine(S3OutputHarness.TempDirectory(), "token");
        await System.IO.File.WriteAllTextAsync(tokenFile, "eyJ.test-web-identity-token.sig\n", Token);
        var options = S3OutputHarness.Options(
            ("s3_bucket", bucket),
            ("s3_endpoint", server.Endpoint.ToString()),
            ("path", "logs/"),
            ("store_as", "text"),
            ("time_slice_format", "%Y%m%d%H%M"),
            Conf.Section(
                "web_identity_credentials",
                string.Empty,
                ("role_arn", "arn:aws:iam::123456789012:role/test"),
                ("role_session_name", "tailship"),
                ("web_identity_token_file", tokenFile),
                ("sts_region", "us-east-1"),
                ("sts_endpoint_url", sts.Url.ToString())));
        await using var output = S3OutputHarness.Build(options, null);

        await output.WriteAsync(Lines(output, "t", 1), Token);

        Assert.Equal(["logs/202611260120_0.txt"], await server.KeysAsync(bucket, Token));
        Assert.Contains(sts.Bodies, b => b.Contains("Action=AssumeRoleWithWebIdentity", StringComparison.Ordinal) && b.Contains("WebIdentityToken=eyJ.test-web-identity-token.sig", StringComparison.Ordinal) && !b.Contains("%0A", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AssumeRole_SignedWithKeys_CredentialsFromSts()
    {
        var bucket = await server.CreateBucketAsync("assume", Token);
        await using var sts = new StsStandIn(server.AccessKey, server.SecretKey);
        var options = S3OutputHarness.Options(
            ("s3_bucket", bucket),
            ("s3_endpoint", server.Endpoint.ToString()),
            ("aws_key_id", "AKIDSOURCEKEY"),
            ("aws_sec_key", "source-secret"),
            ("path", "logs/"),
            ("store_as", "text"),
            ("time_slice_format", "%Y%m%d%H%M"),
            Conf.Section(
                "assume_role_credentials",
                string.Empty,
                ("role_arn", "arn:aws:iam::123456789012:role/test"),
                ("role_session_name", "tailship"),
                ("sts_region", "us-east-1"),
                ("sts_endpoint_url", sts.Url.ToString())));
        await using var output = S3OutputHarness.Build(options, null);

        await output.WriteAsync(Lines(output, "t", 1), Token);

        Assert.Equal(["logs/202611260120_0.txt"], await server.KeysAsync(bucket, Token));
        Assert.Equal("assume_role_credentials arn:aws:iam::123456789012:role/test via aws_key_id", output.CredentialsSource);
        Assert.Contains(sts.Bodies, b => b.Contains("Action=AssumeRole&", StringComparison.Ordinal));
    }

    private static TestChunk Lines(IBufferedOutput output, string tag, int count) =>
        TestChunk.Of(output, SliceMetadata, tag, EventTime.FromSeconds(S3OutputHarness.Slice), Enumerable.Range(0, count).Select(i => $"line {i}"));

    private async Task<string> DownloadTextAsync(string bucket, string key) => Encoding.UTF8.GetString(await server.DownloadAsync(bucket, key, Token));

    private static byte[] Decode(Stream decoder)
    {
        using (decoder)
        {
            using var memory = new MemoryStream();
            decoder.CopyTo(memory);
            return memory.ToArray();
        }
    }
}
