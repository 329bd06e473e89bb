using System.Globalization;
using System.Net;
using System.Text;
using Tailship.Config;
using Tailship.Hosting;
using Tailship.Observability;
using Tailship.Tests.Observability;
using Tailship.Tests.TestSupport;
using static Tailship.Tests.TestSupport.Conf;

namespace Tailship.Tests.Inputs.Tail;

/// <summary>
/// The tail input's lag as an operator scrapes it: a pipeline with a <c>prometheus</c> source (<c>per_file_metrics
/// true</c>) and a tail input on two files, read over HTTP. Bytes appended to a file show as that file's lag until they
/// are read, then the lag is 0 again. The reading is throttled (<c>read_bytes_limit_per_second</c>) so that the lag
/// stays above 0 for seconds, long enough to be scraped, instead of the moment an unthrottled read takes.
/// </summary>
public sealed class TailLagMetricsTests : IAsyncDisposable
{
    private const int Lines = 2000; // 50 KB: at 8 KB a second, lag for about six seconds
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly CaptureHub _hub = new();
    private readonly MetricsRegistry _metrics = new();
    private readonly TempDirectory _dir = new();
    private Pipeline? _pipeline;

    [Fact]
    public async Task AppendedBytes_ShowAsTheFilesLagUntilRead()
    {
        var busy = _dir["busy.log"];
        var quiet = _dir["quiet.log"];
        await File.WriteAllBytesAsync(busy, [], TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(quiet, [], TestContext.Current.CancellationToken);
        var endpoint = await StartAsync(
            Section("source", string.Empty, ("@type", "prometheus"), ("bind", "127.0.0.1"), ("port", "0"), ("per_file_metrics", "true")),
            Section("source", string.Empty, ("@type", "tail"), ("@id", "in_logs"), ("path", _dir["*.log"]), ("tag", "app"), ("format", "none"), ("read_bytes_limit_per_second", "8192")),
            Section("match", "app", ("@type", "capture"), ("name", "out")));

        // Each watched file has its own series, with its path, from its first look: both at 0.
        var idle = await ScrapeUntilAsync(endpoint, m => FileLag(m, busy) == 0 && FileLag(m, quiet) == 0, "a lag series for each file");
        Assert.Equal(0, TotalLag(idle));

        var text = new StringBuilder();
        for (var i = 0; i < Lines; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"line {i:D5} of the busy file\n");
        }

        var appended = Encoding.UTF8.GetByteCount(text.ToString());
        await File.AppendAllTextAsync(busy, text.ToString(), TestContext.Current.CancellationToken);

        // Behind: the busy file's series says by how much (at most what was appended), the input's total says the same.
        var behind = await ScrapeUntilAsync(endpoint, m => FileLag(m, busy) > 0, "the busy file's lag above 0");
        Assert.InRange(FileLag(behind, busy)!.Value, 1d, appended);
        Assert.Equal(0, FileLag(behind, quiet));
        Assert.Equal(FileLag(behind, busy), TotalLag(behind));
        Assert.True(_hub.Sink("out").Count < Lines, "everything was read before the lag could be seen: the throttle did not hold");

        // Caught up: every line delivered, the lag back to 0, both series still there.
        await _hub.Sink("out").WaitForCountAsync(Lines, Timeout);
        var caughtUp = await ScrapeUntilAsync(endpoint, m => FileLag(m, busy) == 0, "the busy file's lag back to 0");
        Assert.Equal(0, FileLag(caughtUp, quiet));
        Assert.Equal(0, TotalLag(caughtUp));
    }

    public async ValueTask DisposeAsync()
    {
        if (_pipeline is not null)
        {
            await _pipeline.DisposeAsync();
        }

        _dir.Dispose();
    }

    /// <summary><c>tailship_tail_file_lag_bytes</c> of <paramref name="path"/>, or null when the series is missing.</summary>
    private static double? FileLag(string metrics, string path) =>
        Value(metrics, $"tailship_tail_file_lag_bytes{{plugin_id=\"in_logs\",type=\"tail\",path=\"{path}\"}} ");

    private static double? TotalLag(string metrics) =>
        Value(metrics, "tailship_tail_lag_bytes{plugin_id=\"in_logs\",type=\"tail\"} ");

    private static double? Value(string metrics, string series) =>
        metrics.Split('\n').FirstOrDefault(l => l.StartsWith(series, StringComparison.Ordinal)) is { } line
            ? double.Parse(line[series.Length..], CultureInfo.InvariantCulture)
            : null;

    private static async Task<string> ScrapeUntilAsync(IPEndPoint endpoint, Func<string, bool> condition, string what)
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

            Assert.True(DateTime.UtcNow < deadline, $"{what}: not within {Timeout}\n{body}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    private async Task<IPEndPoint> StartAsync(params ConfigSection[] sections)
    {
        var diagnostics = new DiagnosticBag();
        var options = new PipelineOptions { Registry = TestPlugins.CreateRegistry(_hub), Metrics = _metrics };
        var plan = PipelinePlan.Create(Root(sections), options, diagnostics) ?? throw new InvalidOperationException(string.Join(Environment.NewLine, diagnostics.Items));
        _pipeline = Pipeline.Build(plan);
        await _pipeline.StartAsync(CancellationToken.None);
        return Assert.Single(_metrics.ListeningOn);
    }
}
