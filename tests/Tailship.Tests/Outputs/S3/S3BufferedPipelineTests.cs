using System.Text;
using System.Text.RegularExpressions;
using Amazon.S3.Model;
using Tailship.Buffers;
using Tailship.Config;
using Tailship.Hosting;
using Tailship.Plugins;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Outputs.S3;

/// <summary>The s3 output as the seed's config runs it: behind a file buffer, fed by tail, in a real pipeline.</summary>
[Collection(S3ServerCollection.Name)]
public sealed partial class S3BufferedPipelineTests(S3ServerFixture server)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SeedConfig_BindsAsFileBufferedOutputWithMinuteSlices()
    {
        using var dir = new TempDirectory();
        var seed = await System.IO.File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Find(), "examples", "seed", "fluent.conf"), Token);
        var conf = seed.Replace("$s3_bucket", "seed-bucket", StringComparison.Ordinal).Replace("/var/log/", dir.Path + "/", StringComparison.Ordinal);
        var path = dir["fluent.conf"];
        await System.IO.File.WriteAllTextAsync(path, conf, Token);

        var diagnostics = new DiagnosticBag();
        var root = ConfigLoader.Load(path, diagnostics);
        var plan = root is null ? null : PipelinePlan.Create(root, new PipelineOptions { Registry = BuiltinPlugins.CreateRegistry() }, diagnostics);

        Assert.Empty(diagnostics.Items);
        var s3 = Assert.Single(plan!.Plugins, p => p.Type == "s3");
        var context = new PluginContext(BuiltinPlugins.CreateRegistry()) { PluginId = s3.Id, PluginType = "s3", LoggerFactory = new ListLoggerFactory() };
        var host = Assert.IsType<BufferedOutputHost>(s3.Bound.Descriptor.Build(s3.Bound.Options, context));
        await using (host)
        {
            Assert.Equal(Path.Combine(dir.Path, "buffer.*.log"), host.Options.Path);
            Assert.True(host.Options.Keys.Time);
            Assert.Equal(TimeSpan.FromSeconds(60), host.Options.Timekey);
            Assert.Equal(TimeSpan.FromSeconds(60), host.Options.TimekeyWait);
            Assert.False(host.CheckReadiness().IsReady); // not started: the S3 checks have not run
        }
    }

    [Fact]
    public async Task TailToS3_EveryLineOnceAcrossRestart()
    {
        var bucket = await server.CreateBucketAsync("e2e", Token);
        using var dir = new TempDirectory();
        var conf = $"""
            <source>
              @type tail
              format none
              path {dir.Path}/1.log
              pos_file {dir.Path}/1.log.pos
              tag count.format1
              read_from_head true
            </source>
            <source>
              @type tail
              format none
              path {dir.Path}/2.log
              pos_file {dir.Path}/2.log.pos
              tag count.format2
              read_from_head true
            </source>
            <match **>
              @type s3
              s3_bucket {bucket}
              s3_region us-west-2
              s3_endpoint {server.Endpoint}
              aws_key_id {server.AccessKey}
              aws_sec_key {server.SecretKey}
              path logs/
              buffer_path {dir.Path}/buffer/
              store_as text
              time_slice_format %Y%m%d%H%M%S
              time_slice_wait 1s
            </match>
            """;
        await System.IO.File.WriteAllTextAsync(dir["fluent.conf"], conf, Token);
        var expected = new List<string>();
        await AppendLinesAsync(dir["1.log"], "one", 0, 300, expected);
        await AppendLinesAsync(dir["2.log"], "two", 0, 200, expected);

        var pipeline = await StartAsync(dir["fluent.conf"]);
        await AppendLinesAsync(dir["1.log"], "one", 300, 100, expected);
        await WaitForLinesAsync(bucket, expected.Count);

        // Restart midway: lines written while stopped are read from the saved positions by the next pipeline.
        await pipeline.StopAsync(Token);
        await pipeline.DisposeAsync();
        await AppendLinesAsync(dir["1.log"], "one", 400, 100, expected);
        await AppendLinesAsync(dir["2.log"], "two", 200, 100, expected);
        pipeline = await StartAsync(dir["fluent.conf"]);
        await using (pipeline)
        {
            await AppendLinesAsync(dir["2.log"], "two", 300, 50, expected);
            var lines = await WaitForLinesAsync(bucket, expected.Count);

            Assert.Equal(expected.Order(StringComparer.Ordinal), lines.Select(l => l.Message).Order(StringComparer.Ordinal));
            Assert.All(lines, l => Assert.Equal(l.Message.StartsWith("one", StringComparison.Ordinal) ? "count.format1" : "count.format2", l.Tag));
            var readiness = Assert.Single(pipeline.Metrics.Readiness.Evaluate(), r => r.Name != "pipeline");
            Assert.True(readiness.Status.IsReady, readiness.Status.Reason);
            var metrics = pipeline.Metrics.ForPlugin(readiness.Name, "s3");
            Assert.True(metrics.Writes.Value > 0);
            Assert.True(metrics.RecordsOut.Value > 0);
            await pipeline.StopAsync(Token);
        }
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

    private static async Task AppendLinesAsync(string path, string prefix, int from, int count, List<string> expected)
    {
        var text = new StringBuilder();
        for (var i = from; i < from + count; i++)
        {
            text.Append(prefix).Append('-').Append(i).Append('\n');
            expected.Add($"{prefix}-{i}");
        }

        await System.IO.File.AppendAllTextAsync(path, text.ToString(), Token);
    }

    /// <summary>Every line of every object, once at least <paramref name="count"/> lines arrived; keys and layout checked.</summary>
    private async Task<List<(string Tag, string Message)>> WaitForLinesAsync(string bucket, int count)
    {
        using var client = server.CreateClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var lines = new List<(string, string)>();
            var list = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }, Token);
            foreach (var o in list.S3Objects ?? [])
            {
                Assert.Matches(KeyPattern(), o.Key);
                using var response = await client.GetObjectAsync(bucket, o.Key, Token);
                using var reader = new StreamReader(response.ResponseStream, Encoding.UTF8);
                var text = await reader.ReadToEndAsync(Token);
                Assert.EndsWith("\n", text, StringComparison.Ordinal);
                foreach (var line in text.TrimEnd('\n').Split('\n'))
                {
                    var m = LinePattern().Match(line);
                    Assert.True(m.Success, $"not out_file's layout: {line}");
                    lines.Add((m.Groups[1].Value, m.Groups[2].Value));
                }
            }

            if (lines.Count >= count || DateTime.UtcNow > deadline)
            {
                Assert.Equal(count, lines.Count);
                return lines;
            }

            await Task.Delay(200, Token);
        }
    }

    [GeneratedRegex(@"^logs/\d{14}_\d+\.txt$")]
    private static partial Regex KeyPattern();

    // out_file: time (ISO 8601 with zone), tag, record as JSON, tab-separated.
    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-]\d\d:\d\d)\t(count\.format[12])\t\{""message"":""([a-z]+-\d+)""\}$")]
    private static partial Regex LinePattern();
}
