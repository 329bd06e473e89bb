using System.IO.Compression;
using Amazon.S3.Model;
using Tailship.Tests.Hosting;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Outputs.S3;

/// <summary>
/// Issue 5's delivery tests as processes, with the built <c>tailship</c> binary against the local Ceph RADOS Gateway:
/// tail -> file buffer -> s3 while the agent is killed during uploads, while S3 goes away and comes back, and with a
/// wrong secret key corrected later. In every case each written line ends up in the bucket exactly once.
/// </summary>
[Collection(S3ServerCollection.Name)]
public sealed class S3CrashProcessTests(S3ServerFixture server) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private string LogPath => _dir["app.log"];

    private string PosPath => _dir["app.log.pos"];

    [Fact]
    public async Task KilledDuringUploads_EveryLineExactlyOnce()
    {
        var bucket = await server.CreateBucketAsync("crash", Token);
        var loop = new CrashLoop(WriteConfig(bucket, server.Endpoint, server.SecretKey), CrashLoop.ChooseSeed());
        var writer = new NumberedLineWriter(LogPath, linesPerSecond: 3000, maxLines: 400_000);
        await using (writer)
        {
            // Small chunks and a short flush interval: several uploads a second, so kills land during uploads too.
            await loop.KillRepeatedlyAsync(kills: 10, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(1800));
        }

        var length = new FileInfo(LogPath).Length;
        await loop.FinishAsync(() => LineTally.SavedOffset(PosPath, LogPath) == length, TimeSpan.FromSeconds(60));
        var (tally, objects) = await TallyBucketAsync(bucket, writer.Written);

        Report(loop, tally, objects);
        Assert.True(tally.Missing.Count == 0 && tally.Duplicates == 0 && tally.Unexpected.Count == 0, $"{loop.Describe()}: {tally.Summary()}; first lost: {string.Join(", ", tally.Missing.Take(10))}\n{loop.History}");
        Assert.True(loop.Errors.Count == 0, $"{loop.Describe()}: ERROR logged:\n{string.Join("\n", loop.Errors)}");
    }

    [Fact]
    public async Task ServerGoneAndBack_NothingLostReadinessFollows()
    {
        var bucket = await server.CreateBucketAsync("outage", Token);
        await using var relay = new TcpRelay(server.Endpoint);
        var config = WriteConfig(bucket, relay.Endpoint, server.SecretKey, HttpServer);
        var writer = new NumberedLineWriter(LogPath, linesPerSecond: 1500, maxLines: 400_000);
        using var agent = TailshipProcess.Start(["-c", config, "--shutdown-timeout", "20s", "--suppress-config-dump"]);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await using (writer)
        {
            var health = await HealthEndpointAsync(agent);
            await WaitForAsync(agent, "S3 ready at first", async () => (await ReadyzAsync(http, health)).Ready);
            await WaitForAsync(agent, "a first object", async () => await CountObjectsAsync(bucket) > 0);

            // S3 goes away: connections reset, new ones refused. Uploads fail and are retried; reading goes on.
            await relay.StopAsync();
            var down = (Ready: true, Body: "");
            await WaitForAsync(agent, "not ready while S3 is gone", async () => !(down = await ReadyzAsync(http, health)).Ready);
            Assert.Contains("could not be reached", down.Body, StringComparison.Ordinal);
            var retriesWhileDown = await WaitForMetricAsync(agent, http, health, "tailship_output_retries_total", atLeast: 2);
            var objectsWhileDown = await CountObjectsAsync(bucket);

            relay.Start();
            await WaitForAsync(agent, "ready again once S3 is back", async () => (await ReadyzAsync(http, health)).Ready);
            await WaitForAsync(agent, "uploads resumed", async () => await CountObjectsAsync(bucket) > objectsWhileDown);
            Assert.True(retriesWhileDown >= 2, $"retries counted while down: {retriesWhileDown}");
            Assert.True(await MetricAsync(http, health, "tailship_plugin_errors_total", "cause=\"network\"") > 0, agent.Stderr);
        }

        var length = new FileInfo(LogPath).Length;
        await WaitForAsync(agent, "the pos_file at the end of the log", () => Task.FromResult(LineTally.SavedOffset(PosPath, LogPath) == length));
        await agent.SignalAsync("TERM");
        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var (tally, objects) = await TallyBucketAsync(bucket, writer.Written);

        TestContext.Current.SendDiagnosticMessage($"S3 outage: {tally.Summary()}, {objects} objects, {relay.Accepted} connections");
        Assert.True(tally.Missing.Count == 0 && tally.Duplicates == 0 && tally.Unexpected.Count == 0, $"{tally.Summary()}\n{agent.Stderr}");
        Assert.DoesNotContain("[error]", agent.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongSecretKey_NamedInLogNothingLostDeliveredAfterFix()
    {
        const string WrongSecret = "wrong-secret-key-for-the-crash-test-00000";
        var bucket = await server.CreateBucketAsync("badkey", Token);
        var config = WriteConfig(bucket, server.Endpoint, WrongSecret);
        var writer = new NumberedLineWriter(LogPath, linesPerSecond: 2000, maxLines: 3000);
        int written;
        await using (writer)
        {
            using var agent = TailshipProcess.Start(["-c", config, "--shutdown-timeout", "3s", "--suppress-config-dump"]);
            await agent.WaitForStderrAsync("wrong secret key (bad credentials)", TimeSpan.FromSeconds(60));
            written = await WaitForWriterAsync(writer);
            var length = new FileInfo(LogPath).Length;
            await WaitForAsync(agent, "every line in the buffer", () => Task.FromResult(LineTally.SavedOffset(PosPath, LogPath) == length));
            await agent.SignalAsync("TERM");
            var code = await agent.WaitForExitAsync(TimeSpan.FromSeconds(60));

            Assert.True(code == 0, agent.Stderr);
            Assert.Contains("SignatureDoesNotMatch", agent.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(WrongSecret, agent.Stderr, StringComparison.Ordinal);
            Assert.Equal(0, await CountObjectsAsync(bucket));
            Assert.NotEmpty(Directory.GetFiles(_dir["buffer"], "buffer.*"));
        }

        // The operator corrects the key and restarts: everything kept in the buffer is delivered, once.
        WriteConfig(bucket, server.Endpoint, server.SecretKey);
        var loop = new CrashLoop(config, seed: 0);
        await loop.FinishAsync(() => Directory.GetFiles(_dir["buffer"], "buffer.*").Length == 0, TimeSpan.FromSeconds(60));
        var (tally, _) = await TallyBucketAsync(bucket, written);

        Assert.True(tally.Missing.Count == 0 && tally.Duplicates == 0 && tally.Unexpected.Count == 0, $"{tally.Summary()}\n{loop.History}");
    }

    private const string HttpServer = """
        <system>
          <http_server>
            port 0
          </http_server>
        </system>
        """;

    private static async Task<int> WaitForWriterAsync(NumberedLineWriter writer)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (writer.Written < 3000 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Token);
        }

        return await writer.StopAsync();
    }

    /// <summary>The agent's health listener (port 0 picked a free one; the agent logs where).</summary>
    private static async Task<Uri> HealthEndpointAsync(TailshipProcess agent)
    {
        const string Marker = "listening for metrics and health checks on ";
        await agent.WaitForStderrAsync(Marker, TimeSpan.FromSeconds(60));
        var line = agent.Stderr.Split('\n').First(l => l.Contains(Marker, StringComparison.Ordinal));
        return new Uri(line[(line.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length)..].Trim());
    }

    private static async Task<(bool Ready, string Body)> ReadyzAsync(HttpClient http, Uri health)
    {
        using var response = await http.GetAsync(new Uri(health, "/readyz"), Token);
        return (response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Token));
    }

    /// <summary>Sum of a metric's samples whose labels contain <paramref name="labelPart"/>.</summary>
    private static async Task<double> MetricAsync(HttpClient http, Uri health, string name, string labelPart = "")
    {
        var text = await http.GetStringAsync(new Uri(health, "/metrics"), Token);
        return text.Split('\n')
            .Where(l => l.StartsWith(name, StringComparison.Ordinal) && (l.Length > name.Length && l[name.Length] is '{' or ' ') && l.Contains(labelPart, StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<double> WaitForMetricAsync(TailshipProcess agent, HttpClient http, Uri health, string name, double atLeast)
    {
        var value = 0.0;
        await WaitForAsync(agent, $"{name} >= {atLeast}", async () => (value = await MetricAsync(http, health, name)) >= atLeast);
        return value;
    }

    private async Task<int> CountObjectsAsync(string bucket)
    {
        using var client = server.CreateClient();
        var page = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }, Token);
        return page.S3Objects?.Count ?? 0;
    }

    /// <summary>Polls <paramref name="condition"/> (nothing here signals a change) until it holds; fails after a minute.</summary>
    private static async Task WaitForAsync(TailshipProcess agent, string what, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline || agent.HasExited)
            {
                throw new Xunit.Sdk.XunitException($"waiting for {what}: not within a minute (exited: {agent.HasExited}):\n{agent.Stderr}");
            }

            await Task.Delay(100, Token);
        }
    }

    private string WriteConfig(string bucket, Uri endpoint, string secretKey, string extra = "")
    {
        var path = _dir["fluent.conf"];
        System.IO.File.WriteAllText(path, $"""
            {extra}
            <source>
              @type tail
              path {LogPath}
              pos_file {PosPath}
              tag crash.app
              read_from_head true
              <parse>
                @type none
              </parse>
            </source>
            <match crash.**>
              @type s3
              s3_bucket {bucket}
              s3_region {server.Region}
              s3_endpoint {endpoint}
              aws_key_id {server.AccessKey}
              aws_sec_key {secretKey}
              path logs/
              store_as gzip
              time_slice_format %Y%m%d%H%M%S
              <buffer time>
                @type file
                path {_dir["buffer"]}/
                timekey 1
                timekey_wait 0
                flush_mode interval
                flush_interval 0.3s
                chunk_limit_size 32k
                retry_wait 0.2s
                retry_max_interval 1s
              </buffer>
            </match>
            """);
        return path;
    }

    /// <summary>Downloads every object of the bucket, gunzips it and counts its lines.</summary>
    private async Task<(LineTally Tally, int Objects)> TallyBucketAsync(string bucket, int written)
    {
        using var client = server.CreateClient();
        var tally = new LineTally(written);
        var objects = 0;
        string? token = null;
        do
        {
            var page = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, ContinuationToken = token }, Token);
            foreach (var o in page.S3Objects ?? [])
            {
                Assert.Matches(@"^logs/\d{14}_\d+\.gz$", o.Key);
                using var response = await client.GetObjectAsync(bucket, o.Key, Token);
                await using var gzip = new GZipStream(response.ResponseStream, CompressionMode.Decompress);
                using var reader = new StreamReader(gzip);
                tally.AddOutFileText(await reader.ReadToEndAsync(Token));
                objects++;
            }

            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);

        return (tally, objects);
    }

    private static void Report(CrashLoop loop, LineTally tally, int objects)
    {
        var text = $"{loop.Describe()}: {tally.Summary()}, {objects} objects";
        TestContext.Current.SendDiagnosticMessage(text);
        TestContext.Current.TestOutputHelper?.WriteLine(text);
    }
}
