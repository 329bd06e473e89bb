using System.Diagnostics;
using System.Text.RegularExpressions;
using Tailship.Tests.Hosting;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Demo;

/// <summary>
/// scripts/demo-seed end to end with its quick variant: the seed's counter, the metadata stand-in, tailship with
/// the seed's config and the local S3 server; the first object with counter lines must appear and the script must leave
/// /var/log as it found it. Needs root, as the demo does (the seed's paths are under /var/log).
/// </summary>
[Collection(S3ServerCollection.Name)]
public sealed partial class DemoSeedTests(S3ServerFixture s3)
{
    /// <summary>The script's own limit for the first object; the process gets a little more to clean up.</summary>
    private const int ScriptTimeoutSeconds = 60;

    [Fact]
    public async Task QuickOnce_FirstObjectHoldsCounterLinesAndVarLogIsCleaned()
    {
        Assert.SkipUnless(Environment.UserName == "root", "scripts/demo-seed writes the seed's /var/log paths: root only");
        Assert.NotNull(s3.Endpoint);
        var bucket = $"demo-seed-{Guid.NewGuid():N}"[..30];
        var start = new ProcessStartInfo("timeout")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        // timeout sends SIGTERM, so the script's trap still stops what it started and cleans /var/log.
        foreach (var arg in new[] { "-s", "TERM", "-k", "30", (ScriptTimeoutSeconds + 30).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Path.Combine(RepoPaths.Root, "scripts", "demo-seed"), "--quick", "--once", "--no-build",
            "--configuration", RepoPaths.Configuration, "--timeout", ScriptTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["s3_bucket"] = bucket;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start scripts/demo-seed");
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        var output = await stdout;
        var log = await stderr;

        Assert.True(process.ExitCode == 0, $"demo-seed exited {process.ExitCode}\nstdout:\n{output}\nstderr:\n{log}");
        Assert.Matches(ObjectHeader(bucket), output);
        Assert.Matches(CounterLine(), output);
        foreach (var file in new[] { "1.log", "2.log", "1.log.pos", "2.log.pos", "s3_index.json" })
        {
            Assert.False(File.Exists(Path.Combine("/var/log", file)), $"/var/log/{file} left behind\n{log}");
        }

        Assert.Empty(Directory.GetFiles("/var/log", "buffer.*"));
    }

    [Fact]
    public async Task InterruptedWhileRunning_StopsEverythingItStartedAndCleansVarLog()
    {
        Assert.SkipUnless(Environment.UserName == "root", "scripts/demo-seed writes the seed's /var/log paths: root only");
        Assert.NotNull(s3.Endpoint);
        var bucket = $"demo-int-{Guid.NewGuid():N}"[..30];
        // Through env --default-signal=INT: a process started in the background by a non-interactive shell (a CI job,
        // nohup) inherits SIGINT ignored, and a shell script cannot trap a signal ignored on entry.
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var arg in new[] { "--default-signal=INT", Path.Combine(RepoPaths.Root, "scripts", "demo-seed"), "--quick", "--no-build", "--configuration", RepoPaths.Configuration })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["s3_bucket"] = bucket;
        var output = new System.Text.StringBuilder();
        var log = new System.Text.StringBuilder();
        var firstObject = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (ObjectHeader(bucket).IsMatch(e.Data))
            {
                firstObject.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.AppendLine(e.Data);
            }
        };
        Assert.True(process.Start(), "could not start scripts/demo-seed");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // Running, not finished: the first object is shown, then Ctrl-C (SIGINT) as a user would.
            await firstObject.Task.WaitAsync(TimeSpan.FromSeconds(ScriptTimeoutSeconds), TestContext.Current.CancellationToken);
            using (var interrupt = Process.Start("kill", ["-s", "INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await interrupt.WaitForExitAsync(TestContext.Current.CancellationToken);
            }

            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        }
        finally
        {
            if (!process.HasExited)
            {
                // Let the script's own cleanup run (SIGTERM), so a failure here leaves /var/log clean for other tests.
                using (var terminate = Process.Start("kill", ["-s", "TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                {
                    terminate.WaitForExit();
                }

                if (!process.WaitForExit(TimeSpan.FromSeconds(45)))
                {
                    process.Kill(entireProcessTree: true);
                }
            }
        }

        process.WaitForExit(); // the redirected streams are drained
        var stderr = log.ToString();
        Assert.True(process.ExitCode == 130, $"demo-seed exited {process.ExitCode}, expected 130 (SIGINT)\nstderr:\n{stderr}");
        Assert.Contains("stopping tailship", stderr, StringComparison.Ordinal);
        var started = StartedPid().Matches(stderr).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(3, started.Count); // the counter, the metadata stand-in, tailship
        foreach (var pid in started)
        {
            Assert.False(Directory.Exists($"/proc/{pid}"), $"pid {pid} started by demo-seed still runs after the interrupt\n{stderr}");
        }

        foreach (var file in new[] { "1.log", "2.log", "1.log.pos", "2.log.pos", "s3_index.json" })
        {
            Assert.False(File.Exists(Path.Combine("/var/log", file)), $"/var/log/{file} left behind\n{stderr}");
        }

        Assert.Empty(Directory.GetFiles("/var/log", "buffer.*"));
    }

    [GeneratedRegex(@"^demo-seed: (?:counter writing|instance metadata stand-in on|tailship -c) .*\(pid ([0-9]+)", RegexOptions.Multiline)]
    private static partial Regex StartedPid();

    private static Regex ObjectHeader(string bucket) =>
        new($"^s3://{Regex.Escape(bucket)}/logs/[0-9]{{14}}_0\\.txt  \\([0-9]+ lines", RegexOptions.Multiline);

    // The seed's formats through out_file: `$i: $(date)` from 1.log, `$(date) INFO $i` from 2.log.
    [GeneratedRegex("""\tcount\.format1\t\{"message":"[0-9]+: [A-Z][a-z]{2} |\tcount\.format2\t\{"message":"[A-Z][a-z]{2} .* INFO [0-9]+"\}""")]
    private static partial Regex CounterLine();
}
