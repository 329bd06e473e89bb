using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tailship.Tests.TestSupport;

/// <summary>
/// A second radosgw process on the shared test cluster (same ceph.conf, users and buckets as
/// <see cref="S3ServerFixture"/>'s), on its own port and with its own settings, started and stopped by the test.
/// The shared gateway is never touched. Used where a test needs a setting the shared one lacks (SSE-C over plain
/// HTTP with <c>rgw_crypt_require_ssl false</c>, the <c>testing</c> KMS backend).
/// </summary>
internal sealed class SecondGateway : IAsyncDisposable
{
    /// <summary>The KMS key id the <c>testing</c> backend knows (rgw_crypt_s3_kms_encryption_keys).</summary>
    public const string KmsKeyId = "tailship-test-kms-key";

    private readonly Process _process;
    private readonly string _dir;

    private SecondGateway(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri Endpoint { get; }

    /// <summary>Starts radosgw in the foreground (so the process we hold is the daemon) and waits until it answers.</summary>
    public static async Task<SecondGateway> StartAsync(CancellationToken cancellationToken)
    {
        var conf = Path.Combine(Environment.GetEnvironmentVariable("TAILSHIP_S3_DIR") ?? "/tmp/tailship-s3", "ceph.conf");
        var dir = Directory.CreateTempSubdirectory("tailship-rgw-").FullName;
        var port = FreePort();
        var name = "client.rgw.test-" + Guid.NewGuid().ToString("N")[..8];
        var kmsKey = Convert.ToBase64String("tailship-test-kms-key-32-bytes!!"u8);
        var start = new ProcessStartInfo("radosgw")
        {
            ArgumentList =
            {
                "-c", conf, "-n", name, "-f",
                $"--rgw_frontends=beast endpoint=127.0.0.1:{port}",
                "--rgw_crypt_require_ssl=false",
                "--rgw_crypt_s3_kms_backend=testing",
                $"--rgw_crypt_s3_kms_encryption_keys={KmsKeyId}={kmsKey}",
                $"--log_file={dir}/rgw.log", $"--pid_file={dir}/rgw.pid", $"--admin_socket={dir}/rgw.asok", $"--rgw_data={dir}",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("radosgw did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var gateway = new SecondGateway(process, dir, port);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                var log = File.Exists(Path.Combine(dir, "rgw.log")) ? await File.ReadAllTextAsync(Path.Combine(dir, "rgw.log"), cancellationToken) : "";
                await gateway.DisposeAsync();
                throw new InvalidOperationException($"radosgw {name} exited with {process.ExitCode}:\n{log[Math.Max(0, log.Length - 3000)..]}");
            }

            try
            {
                using var response = await http.GetAsync(gateway.Endpoint, cancellationToken);
                return gateway; // any HTTP answer: it serves requests
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening or not answering yet: radosgw takes about a second (a full cluster blocks it for good).
                if (DateTime.UtcNow > deadline)
                {
                    await gateway.DisposeAsync();
                    throw new TimeoutException($"radosgw {name} did not answer on {gateway.Endpoint} within a minute (is the cluster full? ceph health)", e);
                }
            }
            catch
            {
                await gateway.DisposeAsync();
                throw;
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover log directory does not affect results.
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
