using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Amazon.S3.Model;
using Tailship.Config;
using Tailship.Hosting;
using Tailship.Plugins;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Outputs.S3;

/// <summary>
/// Start-up without S3 (issue 5, "Start-up without S3"): the pipeline (tail -> file buffer -> s3) starts while the S3
/// endpoint, or the metadata service that hands out the credentials, cannot be reached; the lines go into the buffer,
/// the output reports not ready with the cause; once the endpoint is reachable every line arrives exactly once and the
/// output turns ready, with no restart. The shared server cannot be stopped, so it is reached through a
/// <see cref="TcpRelay"/> that is stopped at the start and started later on the same port.
/// </summary>
[Collection(S3ServerCollection.Name)]
public sealed partial class S3StartWithoutServerTests(S3ServerFixture server) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EndpointUnreachableAtStart_LinesBufferedThenDeliveredOnce()
    {
        var bucket = await server.CreateBucketAsync("nos3", Token);
        await using var relay = new TcpRelay(server.Endpoint);
        await relay.StopAsync();
        var expected = new List<string>();
        await AppendLinesAsync(0, 200, expected);

        await using var pipeline = await StartAsync(Config(bucket, relay.Endpoint, $"aws_key_id {server.AccessKey}\naws_sec_key {server.SecretKey}"));
        await AppendLinesAsync(200, 100, expected);

        var reason = await WaitForNotReadyAsync(pipeline, "could not be reached");
        Assert.Contains(bucket, reason, StringComparison.Ordinal);
        Assert.Equal(0, relay.Accepted);
        Assert.Empty(await LinesAsync(bucket));

        relay.Start();
        var lines = await WaitForLinesAsync(bucket, expected.Count);

        Assert.Equal(expected.Order(StringComparer.Ordinal), lines.Order(StringComparer.Ordinal));
        await WaitForReadyAsync(pipeline);
        await pipeline.StopAsync(Token);
    }

    [Theory]
    [InlineData(false)] // the Ruby SDK's default of 1 retry
    [InlineData(true)] // retries 0: the first refused connection fails the fetch
    public async Task MetadataServiceDownAtStart_LinesBufferedThenDeliveredOnce(bool noRetries)
    {
        var bucket = await server.CreateBucketAsync("noimds", Token);
        await using var imds = new ImdsStandIn(server.AccessKey, server.SecretKey);
        await using var relay = new TcpRelay(new Uri($"http://127.0.0.1:{imds.Port}/"));
        await relay.StopAsync();
        var retries = noRetries ? "\n    retries 0" : string.Empty;
        var credentials = $"""
            <instance_profile_credentials>
                ip_address 127.0.0.1
                port {relay.Port.ToString(CultureInfo.InvariantCulture)}{retries}
              </instance_profile_credentials>
            """;
        var expected = new List<string>();
        await AppendLinesAsync(0, 150, expected);

        await using var pipeline = await StartAsync(Config(bucket, server.Endpoint, credentials));
        await AppendLinesAsync(150, 50, expected);

        var reason = await WaitForNotReadyAsync(pipeline, "no credentials could be obtained");
        Assert.Contains(bucket, reason, StringComparison.Ordinal);
        Assert.Equal(0, imds.CredentialRequests);
        Assert.Empty(await LinesAsync(bucket));

        relay.Start();
        var lines = await WaitForLinesAsync(bucket, expected.Count);

        Assert.Equal(expected.Order(StringComparer.Ordinal), lines.Order(StringComparer.Ordinal));
        Assert.True(imds.CredentialRequests > 0);
        await WaitForReadyAsync(pipeline);
        await pipeline.StopAsync(Token);
    }

    private string Config(string bucket, Uri endpoint, string credentials)
    {
        var path = _dir["fluent.conf"];
        System.IO.File.WriteAllText(path, $"""
            <source>
              @type tail
              path {_dir["app.log"]}
              pos_file {_dir["app.log.pos"]}
              tag nos3.app
              read_from_head true
              <parse>
                @type none
              </parse>
            </source>
            <match nos3.**>
              @type s3
              s3_bucket {bucket}
              s3_region {server.Region}
              s3_endpoint {endpoint}
              {credentials}
              path logs/
              store_as text
              time_slice_format %Y%m%d%H%M%S
              <buffer time>
                @type file
                path {_dir["buffer"]}/
                timekey 1
                timekey_wait 0
                flush_mode interval
                flush_interval 0.3s
                retry_wait 0.2s
                retry_max_interval 1s
              </buffer>
            </match>
            """);
        return path;
    }

    private static async Task<Pipeline> StartAsync(string confPath)
    {
        var diagnostics = new DiagnosticBag();
        var root = ConfigLoader.Load(confPath, diagnostics);
        var plan = root is null ? null : PipelinePlan.Create(root, new PipelineOptions { Registry = BuiltinPlugins.CreateRegistry() }, diagnostics);
        Assert.True(plan is not null, string.Join(Environment.NewLine, diagnostics.Items));
        var pipeline = Pipeline.Build(plan);
        await pipeline.StartAsync(Token);
        return pipeline;
    }

    private async Task AppendLinesAsync(int from, int count, List<string> expected)
    {
        var text = new StringBuilder();
        for (var i = from; i < from + count; i++)
        {
            text.Append("line-").Append(i).Append('\n');
            expected.Add($"line-{i}");
        }

        await System.IO.File.AppendAllTextAsync(_dir["app.log"], text.ToString(), Token);
    }

    /// <summary>The s3 output's readiness (the only plugin reporting one besides the pipeline itself).</summary>
    private static (bool Ready, string? Reason) S3Readiness(Pipeline pipeline)
    {
        var (_, status) = Assert.Single(pipeline.Metrics.Readiness.Evaluate(), r => r.Name != "pipeline");
        return (status.IsReady, status.Reason);
    }

    /// <summary>Polls (nothing signals a change of readiness) until the output is not ready for a reason containing <paramref name="cause"/>.</summary>
    private static async Task<string> WaitForNotReadyAsync(Pipeline pipeline, string cause)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var (ready, reason) = S3Readiness(pipeline);
            if (!ready && reason?.Contains(cause, StringComparison.Ordinal) == true)
            {
                return reason;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not 'not ready: ...{cause}...' within 30 s; readiness: {ready} {reason}");
            await Task.Delay(50, Token);
        }
    }

    private static async Task WaitForReadyAsync(Pipeline pipeline)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (S3Readiness(pipeline) is (false, var reason))
        {
            Assert.True(DateTime.UtcNow < deadline, $"not ready within 30 s after S3 came back: {reason}");
            await Task.Delay(50, Token);
        }
    }

    /// <summary>Every line of every object in the bucket (keys and out_file layout checked).</summary>
    private async Task<List<string>> LinesAsync(string bucket)
    {
        using var client = server.CreateClient();
        var lines = new List<string>();
        var list = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }, Token);
        foreach (var o in list.S3Objects ?? [])
        {
            Assert.Matches(KeyPattern(), o.Key);
            using var response = await client.GetObjectAsync(bucket, o.Key, Token);
            using var reader = new StreamReader(response.ResponseStream, Encoding.UTF8);
            var text = await reader.ReadToEndAsync(Token);
            foreach (var line in text.TrimEnd('\n').Split('\n'))
            {
                var m = LinePattern().Match(line);
                Assert.True(m.Success, $"not out_file's layout: {line}");
                lines.Add(m.Groups[1].Value);
            }
        }

        return lines;
    }

    private async Task<List<string>> WaitForLinesAsync(string bucket, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var lines = await LinesAsync(bucket);
            if (lines.Count >= count || DateTime.UtcNow > deadline)
            {
                return lines;
            }

            await Task.Delay(200, Token);
        }
    }

    [GeneratedRegex(@"^logs/\d{14}_\d+\.txt$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-]\d\d:\d\d)\tnos3\.app\t\{""message"":""(line-\d+)""\}$")]
    private static partial Regex LinePattern();
}
