using System.Collections.Concurrent;
using System.IO.Compression;
using Amazon.Runtime;
using Amazon.S3.Model;
using Tailship.Buffers;
using Tailship.Config;
using Tailship.Events;
using Tailship.Outputs.S3;
using Tailship.Plugins;
using Tailship.Tests.TestSupport;
using Tailship.Text;

namespace Tailship.Tests.Outputs.S3;

/// <summary>
/// Configurations written for fluent-plugin-s3 behave as there (issue 5): check_object false keys, overwrite,
/// the start checks' requests, s3_metadata placeholders, lzo/lzma2 command_parameter, gzip_command, warn_for_delay.
/// </summary>
[Collection(S3ServerCollection.Name)]
public sealed class S3CompatibilityTests(S3ServerFixture server)
{
    private static readonly ChunkMetadata SliceMetadata = new("app.web", S3OutputHarness.Slice, new Dictionary<string, string>());

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>13:14:15 UTC on the slice's day, an hour after the slice: the upload's time of day.</summary>
    private static DateTimeOffset UploadTime => new(2026, 11, 26, 13, 14, 15, TimeSpan.Zero);

    [Fact]
    public void CheckObjectFalse_NoKeyFormat_FluentDefaultWithWarning()
    {
        var (options, diagnostics) = S3OutputHarness.Bind(("s3_bucket", "b"), ("check_object", "false"));

        Assert.Equal("%{path}/%{time_slice}_%{hms_slice}.%{file_extension}", options!.KeyTemplate.Format);
        Assert.Contains(diagnostics.Items, d => d.Severity == DiagnosticSeverity.Warning && d.Message.Contains("%{hms_slice}", StringComparison.Ordinal));

        // A key format given stays as given; check_object true keeps fluent-plugin-s3's usual default.
        Assert.Equal("%{path}x_%{index}", S3OutputHarness.Options(("s3_bucket", "b"), ("check_object", "false"), ("s3_object_key_format", "%{path}x_%{index}")).KeyTemplate.Format);
        Assert.Equal(S3OutputSpec.DefaultKeyFormat, S3OutputHarness.Options(("s3_bucket", "b")).KeyTemplate.Format);
    }

    [Fact]
    public async Task CheckObjectFalse_DefaultKey_HmsOfFirstUpload_FixedForResend()
    {
        var bucket = await server.CreateBucketAsync("hms", Token);
        var time = new FakeTimeProvider(UploadTime);
        using var state = new TempDirectory();
        var options = S3OutputHarness.Options(Seed(bucket, ("path", "logs"), ("check_object", "false")));
        await using var output = Build(options, state.Path, time);
        var first = Lines(output, 2);
        var second = Lines(output, 3);

        await output.WriteAsync(first, Token);
        time.Advance(TimeSpan.FromSeconds(2));
        await output.WriteAsync(second, Token);

        // The first chunk sent again later (a retry, or after a restart) keeps the key fixed at its first upload.
        time.Advance(TimeSpan.FromMinutes(5));
        await output.WriteAsync(first.Reloaded(), Token);

        Assert.Equal(["logs/202611260120_131415.txt", "logs/202611260120_131417.txt"], await server.KeysAsync(bucket, Token));
        Assert.Equal(first.Data, await server.DownloadAsync(bucket, "logs/202611260120_131415.txt", Token));
        Assert.Equal(second.Data, await server.DownloadAsync(bucket, "logs/202611260120_131417.txt", Token));
    }

    [Fact]
    public void DateSliceAndHmsSlice_Rendered()
    {
        var values = new S3KeyValues("p", "20261126", "0", "gz", "u", "h", "host", "c", HmsSlice: "131415");
        var metadata = new ChunkMetadata(null, S3OutputHarness.Slice, new Dictionary<string, string>());

        Assert.Equal("p/20261126-20261126_131415.gz", S3KeyTemplate.Parse("%{path}/%{date_slice}-%{time_slice}_%{hms_slice}.%{file_extension}").Render(values, metadata, TimeZoneSpec.Utc));
    }

    [Fact]
    public async Task Overwrite_KeyWithoutIndex_ExistingObjectReplaced()
    {
        var bucket = await server.CreateBucketAsync("ovw", Token);
        await PutAsync(bucket, "logs/202611260120.txt", "old");
        await using var output = S3OutputHarness.Build(
            S3OutputHarness.Options(Seed(bucket, ("s3_object_key_format", "%{path}%{time_slice}.%{file_extension}"), ("overwrite", "true"))), null);
        var chunk = Lines(output, 2);

        await output.WriteAsync(chunk, Token);

        Assert.Equal(["logs/202611260120.txt"], await server.KeysAsync(bucket, Token));
        Assert.Equal(chunk.Data, await server.DownloadAsync(bucket, "logs/202611260120.txt", Token));
    }

    [Fact]
    public async Task NoOverwrite_KeyWithoutIndex_UploadFailsObjectKept()
    {
        var bucket = await server.CreateBucketAsync("noovw", Token);
        await PutAsync(bucket, "logs/202611260120.txt", "old");
        await using var output = S3OutputHarness.Build(
            S3OutputHarness.Options(Seed(bucket, ("s3_object_key_format", "%{path}%{time_slice}.%{file_extension}"))), null);

        var error = await Assert.ThrowsAsync<S3OutputException>(() => output.WriteAsync(Lines(output, 2), Token));

        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
        Assert.Equal("old"u8.ToArray(), await server.DownloadAsync(bucket, "logs/202611260120.txt", Token));
    }

    [Fact]
    public async Task Overwrite_KeyWithIndex_NextIndexTaken()
    {
        // As fluent-plugin-s3: overwrite matters only when the key cannot change; with %{index} the probe goes on.
        var bucket = await server.CreateBucketAsync("ovwidx", Token);
        await PutAsync(bucket, "logs/202611260120_0.txt", "old");
        using var state = new TempDirectory();
        await using var output = S3OutputHarness.Build(S3OutputHarness.Options(Seed(bucket, ("overwrite", "true"))), state.Path);
        var chunk = Lines(output, 2);

        await output.WriteAsync(chunk, Token);

        Assert.Equal(["logs/202611260120_0.txt", "logs/202611260120_1.txt"], await server.KeysAsync(bucket, Token));
        Assert.Equal("old"u8.ToArray(), await server.DownloadAsync(bucket, "logs/202611260120_0.txt", Token));
        Assert.Equal(chunk.Data, await server.DownloadAsync(bucket, "logs/202611260120_1.txt", Token));
    }

    [Fact]
    public async Task StartChecks_HeadBucketThenListUnderPath()
    {
        var bucket = await server.CreateBucketAsync("checks", Token);
        await using var output = S3OutputHarness.Build(S3OutputHarness.Options(Seed(bucket, ("path", "logs/${tag}/"))), null);
        var sent = Watch(output);

        await output.StartAsync(Token);
        await Poll.UntilAsync(() => output.IsReady, Token);
        await output.StopAsync(Token);

        var requests = sent.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Equal(bucket, Assert.IsType<HeadBucketRequest>(requests[0]).BucketName);
        var list = Assert.IsType<ListObjectsV2Request>(requests[1]);
        Assert.Equal("logs/${tag}/", list.Prefix);
        Assert.Equal(1, list.MaxKeys);
    }

    [Fact]
    public async Task CheckBucketFalse_KeyCheckAlone_PassesWithGoodKeys()
    {
        var bucket = await server.CreateBucketAsync("keyonly", Token);
        await using var output = S3OutputHarness.Build(S3OutputHarness.Options(Seed(bucket, ("check_bucket", "false"))), null);
        var sent = Watch(output);

        await output.StartAsync(Token);
        await Poll.UntilAsync(() => output.IsReady, Token);
        await output.StopAsync(Token);

        var list = Assert.IsType<ListObjectsV2Request>(Assert.Single(sent));
        Assert.Equal("logs/", list.Prefix);
    }

    [Fact]
    public async Task CheckBucketFalse_KeyCheckAlone_WrongSecretNotReady()
    {
        var bucket = await server.CreateBucketAsync("keybad", Token);
        var logs = new ListLoggerFactory();
        await using var output = S3OutputHarness.Build(
            S3OutputHarness.Options(Seed(bucket, ("check_bucket", "false"), ("aws_sec_key", "wrong-secret-key-0000000000000000000000"))), null, logs);
        var sent = Watch(output);

        await output.StartAsync(Token);
        await Poll.UntilAsync(() => output.Metrics.FailuresOf(S3FailureCause.BadCredentials) > 0, Token);
        await output.StopAsync(Token);

        Assert.False(output.IsReady);
        Assert.All(sent, r => Assert.IsType<ListObjectsV2Request>(r));
    }

    [Fact]
    public async Task CheckBucketFalse_MissingBucket_KeysAcceptedReadyNotCreated()
    {
        var bucket = "absent-" + Guid.NewGuid().ToString("N")[..20];
        await using var output = S3OutputHarness.Build(
            S3OutputHarness.Options(Seed(bucket, ("check_bucket", "false"), ("auto_create_bucket", "false"))), null);

        await output.StartAsync(Token);
        await Poll.UntilAsync(() => output.IsReady, Token);
        await output.StopAsync(Token);

        using var client = server.CreateClient();
        var buckets = await client.ListBucketsAsync(Token);
        Assert.DoesNotContain(buckets.Buckets ?? [], b => b.BucketName == bucket);
    }

    [Fact]
    public async Task CheckBucket_MissingBucketNoAutoCreate_NotReadyMissingBucket()
    {
        var bucket = "absent-" + Guid.NewGuid().ToString("N")[..20];
        await using var output = S3OutputHarness.Build(
            S3OutputHarness.Options(Seed(bucket, ("auto_create_bucket", "false"), ("check_apikey_on_start", "false"))), null);

        await output.StartAsync(Token);
        await Poll.UntilAsync(() => output.Metrics.FailuresOf(S3FailureCause.MissingBucket) > 0, Token);
        await output.StopAsync(Token);

        Assert.False(output.IsReady);
        Assert.Contains("does not exist", output.NotReadyReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metadata_PlaceholdersAsInKey_StoredWithChunk()
    {
        var bucket = await server.CreateBucketAsync("meta", Token);
        var time = new FakeTimeProvider(UploadTime);
        using var state = new TempDirectory();
        var options = S3OutputHarness.Options(Seed(
            bucket,
            ("s3_object_key_format", "%{path}%{time_slice}_%{index}_%{uuid_flush}.%{file_extension}"),
            ("s3_metadata", """{"index":"%{index}","slice":"%{time_slice}","uuid":"%{uuid_flush}","tag":"${tag}","when":"%Y-%m-%d %H:%M","chunk":"${chunk_id}"}""")));
        await using var output = Build(options, state.Path, time);
        var chunk = Lines(output, 1);

        await output.WriteAsync(chunk, Token);
        var key = Assert.Single(await server.KeysAsync(bucket, Token));
        var meta = await MetadataAsync(bucket, key);

        var uuid = key["logs/202611260120_0_".Length..^".txt".Length];
        Assert.Equal("0", meta["index"]);
        Assert.Equal("202611260120", meta["slice"]);
        Assert.Equal(uuid, meta["uuid"]);
        Assert.Equal("app.web", meta["tag"]);
        Assert.Equal("2026-11-26 01:20", meta["when"]);
        Assert.Equal(chunk.Id, meta["chunk"]);

        // Sent again after a restart: same key, same metadata (the uuid is not drawn again).
        await using (var restarted = Build(options, state.Path, time))
        {
            await restarted.WriteAsync(chunk.Reloaded(), Token);
        }

        Assert.Equal([key], await server.KeysAsync(bucket, Token));
        Assert.Equal(meta, await MetadataAsync(bucket, key));
    }

    [Fact]
    public async Task Metadata_Index_SameAsKey_ZeroWithoutIndex()
    {
        var bucket = await server.CreateBucketAsync("metaidx", Token);
        using var state = new TempDirectory();
        await using (var output = S3OutputHarness.Build(
            S3OutputHarness.Options(Seed(bucket, ("index_format", "%03d"), ("s3_metadata", """{"index":"%{index}"}"""))), state.Path))
        {
            await output.WriteAsync(Lines(output, 1), Token);
            await output.WriteAsync(Lines(output, 1), Token);
        }

        Assert.Equal("000", (await MetadataAsync(bucket, "logs/202611260120_000.txt"))["index"]);
        Assert.Equal("001", (await MetadataAsync(bucket, "logs/202611260120_001.txt"))["index"]);

        await using (var output = S3OutputHarness.Build(
            S3OutputHarness.Options(Seed(bucket, ("s3_object_key_format", "%{path}${chunk_id}.%{file_extension}"), ("s3_metadata", """{"index":"%{index}"}"""))), null))
        {
            var chunk = Lines(output, 1);
            await output.WriteAsync(chunk, Token);
            Assert.Equal("0", (await MetadataAsync(bucket, $"logs/{chunk.Id}.txt"))["index"]);
        }
    }

    [Theory]
    [InlineData("lzma2", "xz", null)]
    [InlineData("lzma2", "xz", "-q -6e -T1")]
    [InlineData("lzo", "lzop", null)]
    [InlineData("lzo", "lzop", "-q -9")]
    public async Task ExternalTool_ObjectDecompressesToLines(string storeAs, string tool, string? commandParameter)
    {
        if (S3StoreAs.FindInPath(tool) is null)
        {
            Assert.Skip($"the '{tool}' command is not installed: store_as {storeAs} cannot be tested here");
        }

        var bucket = await server.CreateBucketAsync("tool", Token);
        (string, string)[] extra = commandParameter is null ? [("store_as", storeAs)] : [("store_as", storeAs), ("command_parameter", commandParameter)];
        var options = S3OutputHarness.Options(Seed(bucket, extra));
        Assert.Equal(commandParameter ?? (storeAs == "lzo" ? "-qf1" : "-qf0"), string.Join(' ', options.StoreAs.ToolArguments));
        await using var output = S3OutputHarness.Build(options, null);
        var chunk = Lines(output, 300);

        await output.WriteAsync(chunk, Token);

        var key = Assert.Single(await server.KeysAsync(bucket, Token));
        Assert.EndsWith(storeAs == "lzo" ? ".lzo" : ".xz", key, StringComparison.Ordinal);
        Assert.Equal(chunk.Data, await ExternalTool.RunAsync(tool, ["-dc"], await server.DownloadAsync(bucket, key, Token), Token));
    }

    [Fact]
    public async Task ExternalTool_ExitsNonZero_ClearErrorChunkKept()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("the stand-in tool is a shell script");
            return;
        }

        using var dir = new TempDirectory();
        var fake = dir["xz"];
        await System.IO.File.WriteAllTextAsync(fake, "#!/bin/sh\necho 'xz: out of cheese' >&2\nexit 3\n", Token);
        System.IO.File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var bucket = await server.CreateBucketAsync("toolfail", Token);
        var options = S3OutputHarness.Options(Seed(bucket));
        options = options with { StoreAs = S3StoreAs.Create("lzma2", 6, 3, null, _ => fake, out _)! };
        await using var output = S3OutputHarness.Build(options, null);
        var chunk = Lines(output, 2000);

        var error = await Assert.ThrowsAsync<S3OutputException>(() => output.WriteAsync(chunk, Token));

        Assert.Contains("exited with code 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("out of cheese", error.Message, StringComparison.Ordinal);
        Assert.Empty(await server.KeysAsync(bucket, Token));
        Assert.Equal("logs/202611260120_0.xz", chunk.GetAnnotation(S3Output.KeyAnnotation)); // kept for the retry
    }

    [Theory]
    [InlineData("lzma2", "-qf0 > /tmp/x", "is not an option")]
    [InlineData("lzma2", "-dc", "would change what xz does")]
    [InlineData("lzma2", "--decompress", "would change what xz does")]
    [InlineData("lzo", "-o /tmp/x", "would change what lzop does")]
    [InlineData("gzip", "-9", "applies to store_as lzo, lzma2 and gzip_command only")]
    public void CommandParameter_Invalid_Refused(string storeAs, string commandParameter, string expected)
    {
        var (options, diagnostics) = S3OutputHarness.Bind(("s3_bucket", "b"), ("store_as", storeAs), ("command_parameter", commandParameter));

        Assert.Null(options);
        Assert.Contains(diagnostics.Items, d => d.Severity == DiagnosticSeverity.Error && d.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GzipCommand_InProcessGzipObject()
    {
        var bucket = await server.CreateBucketAsync("gzcmd", Token);
        var (options, diagnostics) = S3OutputHarness.Bind(Seed(bucket, ("store_as", "gzip_command"), ("command_parameter", "-9 --rsyncable")));
        Assert.Equal(9, options!.StoreAs.Level);
        Assert.Contains(diagnostics.Items, d => d.Severity == DiagnosticSeverity.Warning && d.Message.Contains("--rsyncable", StringComparison.Ordinal));
        await using var output = S3OutputHarness.Build(options, null);
        var chunk = Lines(output, 200);

        await output.WriteAsync(chunk, Token);

        Assert.Equal(["logs/202611260120_0.gz"], await server.KeysAsync(bucket, Token));
        using var head = server.CreateClient();
        Assert.Equal("application/x-gzip", (await head.GetObjectMetadataAsync(bucket, "logs/202611260120_0.gz", Token)).Headers.ContentType);
        using var gzip = new GZipStream(new MemoryStream(await server.DownloadAsync(bucket, "logs/202611260120_0.gz", Token)), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        await gzip.CopyToAsync(plain, Token);
        Assert.Equal(chunk.Data, plain.ToArray());
    }

    [Theory]
    [InlineData(29, false)]
    [InlineData(31, true)]
    [InlineData(75, true)] // within the slice's end + 30 s: no warning under the old rule, a warning under fluent's
    public async Task WarnForDelay_MeasuredFromSliceStart(int secondsAfterStart, bool warned)
    {
        var bucket = await server.CreateBucketAsync("delay", Token);
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(S3OutputHarness.Slice + secondsAfterStart));
        var logs = new ListLoggerFactory();
        await using var output = Build(S3OutputHarness.Options(Seed(bucket, ("warn_for_delay", "30s"))), null, time, logs);

        await output.WriteAsync(Lines(output, 1), Token);

        var late = logs.Messages().Where(m => m.Contains("warn_for_delay", StringComparison.Ordinal)).ToList();
        Assert.Equal(warned, late.Count == 1);
        if (warned)
        {
            Assert.Contains($"s3://{bucket}/logs/202611260120_0.txt: {secondsAfterStart} s after", late[0], StringComparison.Ordinal);
        }
    }

    /// <summary>The seed's parameters with the test server's, where a parameter given again replaces the seed's.</summary>
    private object[] Seed(string bucket, params (string Name, string Value)[] more)
    {
        var names = more.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        return [.. S3OutputHarness.Seed(server, bucket).Where(i => i is not ValueTuple<string, string> p || !names.Contains(p.Item1)), .. more.Cast<object>()];
    }

    private static S3Output Build(S3OutputOptions options, string? stateDirectory, TimeProvider time, ListLoggerFactory? logs = null)
    {
        var ctx = new PluginContext(BuiltinPlugins.CreateRegistry()) { PluginId = "s3-compat", LoggerFactory = logs ?? new ListLoggerFactory(), Hostname = "testhost", Time = time };
        options = options with { StateDirectory = stateDirectory, SliceZone = TimeZoneSpec.Utc, TimekeySeconds = 60 };
        return S3Output.Create(options, ctx, _ => null);
    }

    /// <summary>The requests the output's client sent (as API requests), in order.</summary>
    private static ConcurrentQueue<AmazonWebServiceRequest> Watch(S3Output output)
    {
        var sent = new ConcurrentQueue<AmazonWebServiceRequest>();
        ((AmazonServiceClient)output.Client).AfterResponseEvent += (_, e) =>
        {
            if (e is WebServiceResponseEventArgs response)
            {
                sent.Enqueue(response.Request);
            }
        };
        return sent;
    }

    private static TestChunk Lines(IBufferedOutput output, int count) =>
        TestChunk.Of(output, SliceMetadata, "app.web", EventTime.FromSeconds(S3OutputHarness.Slice), Enumerable.Range(0, count).Select(i => $"line {i} {new string('x', i % 40)}"));

    private async Task PutAsync(string bucket, string key, string body)
    {
        using var client = server.CreateClient();
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = body }, Token);
    }

    /// <summary>The object's x-amz-meta-* values, by name without the prefix.</summary>
    private async Task<Dictionary<string, string>> MetadataAsync(string bucket, string key)
    {
        using var client = server.CreateClient();
        var head = await client.GetObjectMetadataAsync(bucket, key, Token);
        return head.Metadata.Keys.ToDictionary(k => k["x-amz-meta-".Length..], k => head.Metadata[k], StringComparer.Ordinal);
    }
}
