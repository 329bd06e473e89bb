using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Amazon.S3.Model;
using Tailship.Tests.Hosting;
using Tailship.Tests.Observability;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Demo;

/// <summary>
/// The seed's scenario on this machine, driven from a test: the published Native AOT <c>tailship</c> with the seed's
/// <c>fluent.conf</c>, the seed's counter, the instance metadata stand-in and the local S3 server.
/// </summary>
/// <remarks>
/// The config names <c>/var/log/1.log</c>, <c>/var/log/2.log</c>, their pos files and <c>buffer_path /var/log/</c>, and
/// must run unchanged. So tailship runs in a private mount namespace in which a temporary directory is bind-mounted
/// over <c>/var/log</c> (<c>unshare --mount</c>; as root, or with <c>--map-root-user</c> otherwise): it sees the
/// seed's paths, the machine's <c>/var/log</c> is never touched, and the mount disappears with the process.
/// The counter writes into the same directory from outside the namespace.
/// </remarks>
internal sealed partial class SeedScenario : IAsyncDisposable
{
    /// <summary>Overrides the binary under test (default: <c>artifacts/aot/tailship</c>, which scripts/test publishes).</summary>
    public const string BinaryVariable = "TAILSHIP_AOT_BINARY";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _dir = new();
    private readonly ImdsStandIn _imds;
    private Process? _counter;
    private TailshipProcess? _tailship;

    private SeedScenario(S3ServerFixture s3, string bucket, string config)
    {
        S3 = s3;
        Bucket = bucket;
        Config = config;
        _imds = new ImdsStandIn(s3.AccessKey, s3.SecretKey);
        Directory.CreateDirectory(LogDir);
    }

    public S3ServerFixture S3 { get; }

    public string Bucket { get; }

    /// <summary>The config tailship reads: the seed's, after the shell's substitution of <c>$s3_bucket</c>.</summary>
    public string Config { get; }

    /// <summary>The directory tailship sees as <c>/var/log</c>.</summary>
    public string LogDir => _dir["var-log"];

    public IPEndPoint Http { get; private set; } = new(IPAddress.Loopback, 0);

    public ImdsStandIn Imds => _imds;

    public TailshipProcess Tailship => _tailship ?? throw new InvalidOperationException("not started");

    /// <summary>The published binary; fails (never skips) when it is missing, with the command that makes it.</summary>
    public static string AotBinary()
    {
        var path = Environment.GetEnvironmentVariable(BinaryVariable) is { Length: > 0 } given
            ? given
            : Path.Combine(RepoPaths.Root, "artifacts", "aot", "tailship");
        Assert.True(
            File.Exists(path),
            $"the Native AOT binary {path} is missing: run scripts/test (it publishes it before the tests), or "
            + "dotnet publish src/Tailship.Cli -c Release -r linux-x64 -p:PublishAot=true -o artifacts/aot, "
            + $"or point {BinaryVariable} at a published tailship");

        // A binary older than the sources would test old code (scripts/test --no-aot leaves the last publish in place).
        var newest = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.cs*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (File: f, Time: File.GetLastWriteTimeUtc(f)))
            .MaxBy(f => f.Time);
        Assert.True(
            Environment.GetEnvironmentVariable(BinaryVariable) is { Length: > 0 } || File.GetLastWriteTimeUtc(path) >= newest.Time,
            $"the Native AOT binary {path} is older than {newest.File}: publish it again (scripts/test does)");
        return path;
    }

    /// <summary>
    /// The seed's config as the lab's shell made it: the ConfigMap text went through an unquoted here-document, so
    /// <c>$s3_bucket</c> came from the shell's environment. A real shell does it here too; <paramref name="edit"/>
    /// may then change lines of a VARIANT (the quick slices).
    /// </summary>
    public static async Task<SeedScenario> CreateAsync(S3ServerFixture s3, string bucket, Func<string, string>? edit, CancellationToken cancellationToken)
    {
        var seed = await File.ReadAllTextAsync(SeedConfigPath, cancellationToken);
        var shell = new ProcessStartInfo("bash")
        {
            ArgumentList = { "-c", "cat <<EOF\n" + seed + "EOF\n" },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        shell.Environment["s3_bucket"] = bucket;
        using var process = Process.Start(shell) ?? throw new InvalidOperationException("could not start bash");
        var config = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        Assert.Equal(0, process.ExitCode);

        // The shell changed that one token and nothing else.
        Assert.Equal(seed.Replace("$s3_bucket", bucket, StringComparison.Ordinal), config);
        return new SeedScenario(s3, bucket, edit is null ? config : edit(config));
    }

    public static string SeedConfigPath => Path.Combine(RepoPaths.Root, "examples", "seed", "fluent.conf");

    /// <summary>
    /// Creates the two (empty) log files, starts tailship in its mount namespace and waits until it follows both files
    /// from offset 0 and listens. Starting from empty files, every line the counter writes is shipped (tail reads a
    /// file it has no position for from its end, as Fluentd does).
    /// </summary>
    public async Task StartTailshipAsync()
    {
        await File.WriteAllBytesAsync(Path.Combine(LogDir, "1.log"), []);
        await File.WriteAllBytesAsync(Path.Combine(LogDir, "2.log"), []);
        var config = _dir["fluent.conf"];
        await File.WriteAllTextAsync(config, Config);

        var environment = new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL_S3"] = S3.Endpoint.ToString().TrimEnd('/'),
            ["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = $"http://127.0.0.1:{_imds.Port}",

            // Credentials must come from the metadata stand-in only: no keys, profiles or files from the runner.
            ["AWS_ACCESS_KEY_ID"] = string.Empty,
            ["AWS_SECRET_ACCESS_KEY"] = string.Empty,
            ["AWS_SESSION_TOKEN"] = string.Empty,
            ["AWS_PROFILE"] = string.Empty,
            ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent",
            ["AWS_CONFIG_FILE"] = "/nonexistent",
        };
        string[] unshare = Environment.UserName == "root" ? ["--mount"] : ["--user", "--map-root-user", "--mount"];

        // `exec` keeps one process: the pid the test signals is tailship's. unshare makes the new namespace's mounts
        // private, so the bind mount is seen by tailship alone.
        _tailship = TailshipProcess.StartCommand(
            "unshare",
            [.. unshare, "--", "sh", "-c", "mount --bind \"$0\" /var/log && exec \"$1\" -c \"$2\" --http-server 127.0.0.1:0", LogDir, AotBinary(), config],
            environment);
        await _tailship.WaitForStderrAsync("following /var/log/1.log (inode", StartTimeout);
        await _tailship.WaitForStderrAsync("following /var/log/2.log (inode", StartTimeout);
        await _tailship.WaitForStderrAsync("listening for metrics and health checks on http://", StartTimeout);
        var listening = ListeningLine().Match(_tailship.Stderr);
        Assert.True(listening.Success, _tailship.Stderr);
        Http = IPEndPoint.Parse(listening.Groups[1].Value);
    }

    /// <summary>The `count` container's loop, with the seed's formats, every <paramref name="interval"/> instead of 1 s.</summary>
    public void StartCounter(TimeSpan interval)
    {
        var script = """
            i=0
            while true; do
              echo "$i: $(date)" >> "$0/1.log"
              echo "$(date) INFO $i" >> "$0/2.log"
              i=$((i+1))
              sleep "$1"
            done
            """;
        _counter = Process.Start(new ProcessStartInfo("sh")
        {
            ArgumentList = { "-c", script, LogDir, interval.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) },
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("could not start the counter");
    }

    /// <summary>Stops the counter and returns what it wrote: the lines of 1.log and 2.log.</summary>
    public async Task<(string[] One, string[] Two)> StopCounterAsync()
    {
        Assert.NotNull(_counter);
        _counter.Kill();
        await _counter.WaitForExitAsync();

        // Each `echo >>` is one write of a whole line, so a killed loop leaves no partial line.
        return (await File.ReadAllLinesAsync(Path.Combine(LogDir, "1.log")), await File.ReadAllLinesAsync(Path.Combine(LogDir, "2.log")));
    }

    public async Task<string> GetAsync(string path, int expectedStatus = 200)
    {
        var (status, _, body) = await HttpProbe.GetAsync(Http, path);
        Assert.True(status == expectedStatus, $"GET {path}: {status}, expected {expectedStatus}\n{body}");
        return body;
    }

    /// <summary>Scrapes /metrics until <paramref name="condition"/> holds; fails with the last scrape and the agent's log.</summary>
    public async Task<Metrics> WaitForMetricsAsync(Func<Metrics, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var metrics = new Metrics(await GetAsync("/metrics"));
            if (condition(metrics))
            {
                return metrics;
            }

            if (deadline.Elapsed > timeout)
            {
                Assert.Fail($"{what}: not within {timeout}\n/metrics:\n{metrics.Text}\ntailship:\n{Tailship.Stderr}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Every object under logs/ with its content.</summary>
    public async Task<IReadOnlyList<(string Key, string Body)>> ObjectsAsync()
    {
        using var client = S3.CreateClient();
        var objects = new List<(string, string)>();
        var listing = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket });
        foreach (var item in listing.S3Objects ?? [])
        {
            using var response = await client.GetObjectAsync(Bucket, item.Key);
            using var reader = new StreamReader(response.ResponseStream);
            objects.Add((item.Key, await reader.ReadToEndAsync()));
        }

        return objects;
    }

    public async ValueTask DisposeAsync()
    {
        if (_counter is { HasExited: false })
        {
            _counter.Kill();
            await _counter.WaitForExitAsync();
        }

        _counter?.Dispose();
        _tailship?.Dispose();
        await _imds.DisposeAsync();
        _dir.Dispose();
    }

    [GeneratedRegex(@"listening for metrics and health checks on http://([0-9.]+:[0-9]+)")]
    private static partial Regex ListeningLine();

    /// <summary>One scrape of /metrics in the Prometheus text format, read by metric name and a label filter.</summary>
    public sealed class Metrics(string text)
    {
        public string Text { get; } = text;

        /// <summary>The values of the series of <paramref name="name"/> whose labels contain <paramref name="label"/>.</summary>
        public IReadOnlyList<double> Values(string name, string label) =>
            Text.Split('\n')
                .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) && line.Contains(label, StringComparison.Ordinal))
                .Select(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture))
                .ToList();

        public double Sum(string name, string label) => Values(name, label).Sum();
    }
}
