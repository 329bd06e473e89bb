using System.Globalization;
using Amazon.S3.Model;
using Tailship.Config;
using Tailship.Hosting;
using Tailship.Plugins;
using Tailship.Tests.Observability;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Outputs.S3;

/// <summary>
/// The s3 output's metrics as an operator scrapes them from /metrics: objects and bytes uploaded, upload latency,
/// retries, errors by cause and the age of the oldest unsent data, through a failure (missing bucket) and a recovery.
/// </summary>
[Collection(S3ServerCollection.Name)]
public sealed class S3OutputMetricsTests(S3ServerFixture server)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MissingBucketThenCreated_MetricsShowErrorsRetriesAgeThenUploads()
    {
        var bucket = $"metrics-{Guid.NewGuid():N}"[..30];
        using var dir = new TempDirectory();
        await System.IO.File.WriteAllTextAsync(dir["1.log"], string.Concat(Enumerable.Range(0, 50).Select(i => $"line-{i}\n")), Token);
        await System.IO.File.WriteAllTextAsync(dir["fluent.conf"], $"""
            <system>
              <http_server>
                port 0
              </http_server>
            </system>
            <source>
              @type tail
              format none
              path {dir.Path}/1.log
              pos_file {dir.Path}/1.log.pos
              tag app
              read_from_head true
            </source>
            <match app>
              @type s3
              @id out_s3
              s3_bucket {bucket}
              s3_region us-east-1
              s3_endpoint {server.Endpoint}
              force_path_style true
              aws_key_id {server.AccessKey}
              aws_sec_key {server.SecretKey}
              check_bucket false
              auto_create_bucket false
              path logs/
              buffer_path {dir.Path}/buffer/
              time_slice_format %Y%m%d%H%M%S
              time_slice_wait 0s
              retry_wait 0.5s
              max_retry_wait 1s
            </match>
            """, Token);
        var diagnostics = new DiagnosticBag();
        var root = ConfigLoader.Load(dir["fluent.conf"], diagnostics);
        var plan = root is null ? null : PipelinePlan.Create(root, new PipelineOptions { Registry = BuiltinPlugins.CreateRegistry() }, diagnostics);
        Assert.True(plan is not null, string.Join(Environment.NewLine, diagnostics.Items));
        await using var pipeline = Pipeline.Build(plan);
        await pipeline.StartAsync(Token);
        var endpoint = Assert.Single(pipeline.Metrics.ListeningOn);

        // The bucket is missing: uploads fail with that cause, are retried, and the data waits in the buffer.
        var failing = await ScrapeUntilAsync(endpoint, m =>
            Value(m, "tailship_plugin_errors_total{plugin_id=\"out_s3\",type=\"s3\",cause=\"missing_bucket\"}") >= 2
            && Value(m, "tailship_output_retries_total{plugin_id=\"out_s3\",type=\"s3\"}") >= 1
            && Value(m, "tailship_buffer_oldest_unsent_age_seconds{plugin_id=\"out_s3\",type=\"s3\"}") > 0);
        Assert.Equal(0, Value(failing, "tailship_output_writes_total{plugin_id=\"out_s3\",type=\"s3\"}"));
        Assert.True(Value(failing, "tailship_buffer_queue_length{plugin_id=\"out_s3\",type=\"s3\"}") >= 1);
        Assert.True(Value(failing, "tailship_plugin_bytes_in_total{plugin_id=\"out_s3\",type=\"s3\"}") > 0);
        Assert.True(Value(failing, "fluentd_output_status_retry_count{plugin_id=\"out_s3\",type=\"s3\"}") >= 1);

        using (var client = server.CreateClient())
        {
            await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket }, Token);
        }

        var delivered = await ScrapeUntilAsync(endpoint, m =>
            Value(m, "tailship_plugin_records_out_total{plugin_id=\"out_s3\",type=\"s3\"}") >= 50
            && Value(m, "tailship_buffer_queue_length{plugin_id=\"out_s3\",type=\"s3\"}") == 0);
        Assert.True(Value(delivered, "tailship_output_writes_total{plugin_id=\"out_s3\",type=\"s3\"}") >= 1);
        Assert.True(Value(delivered, "tailship_plugin_bytes_out_total{plugin_id=\"out_s3\",type=\"s3\"}") > 50 * "\tapp\t{\"message\":\"line-0\"}\n".Length);
        Assert.True(Value(delivered, "tailship_output_flush_duration_seconds_count{plugin_id=\"out_s3\",type=\"s3\"}") >= 1);
        Assert.True(Value(delivered, "tailship_output_flush_duration_seconds_sum{plugin_id=\"out_s3\",type=\"s3\"}") > 0);
        Assert.Equal(0, Value(delivered, "tailship_buffer_oldest_unsent_age_seconds{plugin_id=\"out_s3\",type=\"s3\"}"));
        await pipeline.StopAsync(Token);
    }

    private static async Task<string> ScrapeUntilAsync(System.Net.IPEndPoint endpoint, Func<string, bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var (status, _, body) = await HttpProbe.GetAsync(endpoint, "/metrics");
            Assert.Equal(200, status);
            if (condition(body))
            {
                return body;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not within {Timeout}:\n{body}");
            await Task.Delay(200, Token);
        }
    }

    /// <summary>The value of one series (its full name with labels), or -1 when it is not exported.</summary>
    private static double Value(string metrics, string series)
    {
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? -1 : double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
