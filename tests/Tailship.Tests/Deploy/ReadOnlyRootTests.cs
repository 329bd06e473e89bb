using System.Globalization;
using System.Text.Json;
using Amazon.S3.Model;
using Tailship.Tests.Demo;
using Tailship.Tests.Hosting;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Deploy;

/// <summary>
/// The image's binary (the published Native AOT build) as a Pod with <c>readOnlyRootFilesystem: true</c> runs it: started
/// with no arguments and the image's environment, the configuration read from a read-only <c>/fluentd/etc</c>-like
/// directory through <c>FLUENT_CONF</c>, its working directory, <c>HOME</c> and <c>TMPDIR</c> unwritable, one writable
/// volume for the log, the pos_file and the buffer. It must start, tail and deliver to S3 all the same.
/// </summary>
/// <remarks>
/// The root is made read-only for real, even for root (which a <c>chmod 0555</c> does not stop): tailship runs in a
/// private mount namespace in which <c>/</c> (and the mount holding the test's directory, if another) is remounted
/// read-only, after the volume was bind-mounted onto itself so that it stays writable, as a Pod's volume does. Writes
/// anywhere else fail with EROFS. Only tailship sees those mounts, and they go with it. The wrapper checks, before it
/// execs tailship, that each of those directories refuses a write and the volume takes one; where the namespace or
/// the remount cannot be made (no root, no user namespaces), the test says so and is skipped.
/// </remarks>
[Collection(S3ServerCollection.Name)]
public sealed class ReadOnlyRootTests(S3ServerFixture s3)
{
    private const int SetupFailed = 97;
    private const int NotReadOnly = 98;
    private const int Lines = 300;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // $0 the volume, $1 the working directory, $2 the binary, $3 the test's directory. HOME, TMPDIR and FLUENT_CONF come
    // from the environment, as the image gives them.
    private static readonly string Wrapper = $$"""
        fail() { echo "read-only root: $*" >&2; exit {{SetupFailed}}; }
        mount --bind "$0" "$0" || fail "cannot bind-mount the volume $0"
        mount -o remount,bind,ro / || fail "cannot remount / read-only"
        holder=$(findmnt -n -o TARGET -T "$3") || fail "cannot find the mount of $3"
        [ "$holder" = / ] || mount -o remount,bind,ro "$holder" || fail "cannot remount $holder read-only"
        for d in "$1" "$HOME" "$TMPDIR" "$(dirname "$FLUENT_CONF")"; do
          if ( : > "$d/.write-probe" ) 2>/dev/null; then echo "read-only root: $d is still writable" >&2; exit {{NotReadOnly}}; fi
        done
        ( : > "$0/.write-probe" ) && rm "$0/.write-probe" || fail "the volume $0 is not writable"
        cd "$1" && exec "$2"
        """;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReadOnlyRoot_StartsTailsAndDelivers()
    {
        using var dir = new TempDirectory();
        var volume = Directory.CreateDirectory(dir["var-log"]).FullName;
        var work = Directory.CreateDirectory(dir["work"]).FullName;
        var home = Directory.CreateDirectory(dir["home"]).FullName;
        var tmp = Directory.CreateDirectory(dir["tmp"]).FullName;
        var etc = Directory.CreateDirectory(dir["fluentd/etc"]).FullName;
        var log = Path.Combine(volume, "app.log");
        await File.WriteAllBytesAsync(log, [], Token);
        var bucket = await s3.CreateBucketAsync("read-only-root", Token);
        await File.WriteAllTextAsync(Path.Combine(etc, "fluent.conf"), Config(volume, bucket), Token);

        // The image's environment (deploy/Dockerfile's ENV), FLUENT_CONF pointing at the test's /fluentd/etc, no arguments.
        var environment = new Dictionary<string, string>(DockerfileTests.ImageEnvironment(), StringComparer.Ordinal)
        {
            ["FLUENT_CONF"] = Path.Combine(etc, "fluent.conf"),
            ["HOME"] = home,
            ["TMPDIR"] = tmp,
        };
        string[] unshare = Environment.UserName == "root" ? ["--mount"] : ["--user", "--map-root-user", "--mount"];
        using var agent = TailshipProcess.StartCommand("unshare", [.. unshare, "--", "sh", "-c", Wrapper, volume, work, SeedScenario.AotBinary(), dir.Path], environment);

        var code = await FollowingOrExitAsync(agent, log);
        if (code is SetupFailed or NotReadOnly || (code is not null && agent.Stderr.StartsWith("unshare:", StringComparison.Ordinal)))
        {
            Assert.Skip($"a read-only root cannot be enforced here, so nothing would be proven: {agent.Stderr.Trim()}");
        }

        Assert.True(code is null, $"tailship exited {code} before it followed {log}:\n{agent.Stderr}");
        var written = new List<string>();
        for (var i = 0; i < Lines; i++)
        {
            written.Add($"line {i.ToString("D4", CultureInfo.InvariantCulture)} on a read-only root");
        }

        await File.AppendAllLinesAsync(log, written, Token);
        var delivered = await WaitForLinesAsync(agent, bucket, Lines);

        await agent.SignalAsync("TERM");
        Assert.Equal(0, await agent.WaitForExitAsync(Timeout));

        Assert.Equal(written, delivered.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("Read-only file system", agent.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("[error]", agent.Stderr, StringComparison.Ordinal);

        // What it wrote is on the volume, where the configuration says; the unwritable directories stayed empty.
        Assert.True(File.Exists(Path.Combine(volume, "app.log.pos")), "no pos_file on the volume");
        Assert.True(File.Exists(Path.Combine(volume, "buffer", "s3_index.json")), "no s3_index.json in the buffer directory");
        Assert.All(new[] { work, home, tmp }, d => Assert.Empty(Directory.EnumerateFileSystemEntries(d)));
        Assert.Equal(["fluent.conf"], Directory.EnumerateFileSystemEntries(etc).Select(Path.GetFileName));
    }

    private string Config(string volume, string bucket) => $"""
        <source>
          @type tail
          path {volume}/app.log
          pos_file {volume}/app.log.pos
          tag app
          <parse>
            @type none
          </parse>
        </source>
        <match app>
          @type s3
          s3_bucket {bucket}
          s3_region {s3.Region}
          s3_endpoint {s3.Endpoint}
          aws_key_id {s3.AccessKey}
          aws_sec_key {s3.SecretKey}
          path logs/
          store_as text
          time_slice_format %Y%m%d%H%M%S
          <buffer time>
            @type file
            path {volume}/buffer/
            timekey 1
            timekey_wait 0
            flush_mode interval
            flush_interval 0.3s
          </buffer>
        </match>
        """;

    /// <summary>Null once tailship follows <paramref name="log"/>; the exit code if the process ended first.</summary>
    private static async Task<int?> FollowingOrExitAsync(TailshipProcess agent, string log)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!agent.Stderr.Contains($"following {log} (inode", StringComparison.Ordinal))
        {
            if (agent.HasExited)
            {
                return await agent.WaitForExitAsync(Timeout);
            }

            Assert.True(DateTime.UtcNow < deadline, $"tailship did not follow {log} within {Timeout}:\n{agent.Stderr}");
            await Task.Delay(50, Token);
        }

        return null;
    }

    /// <summary>The messages of every object in the bucket, once they number <paramref name="count"/>.</summary>
    private async Task<List<string>> WaitForLinesAsync(TailshipProcess agent, string bucket, int count)
    {
        using var client = s3.CreateClient();
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var messages = new List<string>();
            var listing = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }, Token);
            foreach (var item in listing.S3Objects ?? [])
            {
                Assert.Matches(@"^logs/\d{14}_\d+\.txt$", item.Key);
                using var response = await client.GetObjectAsync(bucket, item.Key, Token);
                using var reader = new StreamReader(response.ResponseStream);
                foreach (var line in (await reader.ReadToEndAsync(Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    // out_file's layout: time, tag, record.
                    var fields = line.Split('\t');
                    Assert.Equal("app", fields[1]);
                    using var record = JsonDocument.Parse(fields[2]);
                    messages.Add(record.RootElement.GetProperty("message").GetString()!);
                }
            }

            if (messages.Count >= count)
            {
                return messages;
            }

            Assert.False(agent.HasExited, $"tailship exited:\n{agent.Stderr}");
            Assert.True(DateTime.UtcNow < deadline, $"{messages.Count} of {count} lines in the bucket after {Timeout}:\n{agent.Stderr}");
            await Task.Delay(200, Token);
        }
    }
}
