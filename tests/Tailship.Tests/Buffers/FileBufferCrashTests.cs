using System.Diagnostics;
using System.Globalization;
using Tailship.Buffers;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Buffers;

/// <summary>
/// Process-level crash test: a child process appends numbered lines to a file buffer and records each number once
/// its EmitAsync returned; the parent kills it with SIGKILL at random moments, several times, then recovers the
/// buffer and checks that every acknowledged line is there. The child is this test assembly run with a filter.
/// </summary>
public sealed class FileBufferCrashTests : IDisposable
{
    private const string ChildDirVariable = "TAILSHIP_BUFFER_CRASH_DIR";
    private const string ChildRunVariable = "TAILSHIP_BUFFER_CRASH_RUN";
    private readonly TempDirectory _temp = new();

    private string Dir => _temp.Path;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task KillDuringWrites_NoAcknowledgedLineLost()
    {
        var ct = TestContext.Current.CancellationToken;
        var random = new Random(42);
        // Bounded in time: as many kills as fit in a minute (up to 8; child start-up is slow on a loaded machine).
        var deadline = DateTime.UtcNow.AddSeconds(60);
        const int MaxKills = 8;
        var runs = 0;
        for (var run = 0; run < MaxKills && DateTime.UtcNow < deadline; run++, runs++)
        {
            using var child = StartChild(run);
            var ackFile = AckPath(run);
            var waitUntil = DateTime.UtcNow.AddSeconds(30);
            while (!File.Exists(ackFile) && !child.HasExited && DateTime.UtcNow < waitUntil)
            {
                await Task.Delay(10, ct);
            }

            Assert.False(child.HasExited, "the writer exited before it was killed: " + await child.StandardOutput.ReadToEndAsync(ct));
            await Task.Delay(random.Next(20, 400), ct);
            child.Kill(); // SIGKILL: no shutdown code runs
            await child.WaitForExitAsync(ct);
        }

        Assert.True(runs >= 2, $"only {runs} kills fitted in the time bound");

        var output = new RecordingOutput();
        await using var host = new BufferedOutputHost(output, ChildOptions(Dir), BufferTest.Context(TimeProvider.System), null);
        host.RecoverChunks();
        await host.FlushAllAsync(ct);
        var seen = output.Lines().Select(l => l.Split('\t')[1]).ToHashSet(StringComparer.Ordinal);
        var acknowledged = 0;
        for (var run = 0; run < runs; run++)
        {
            var last = File.ReadAllLines(AckPath(run)).Where(l => l.Length > 0).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).DefaultIfEmpty(-1).Max();
            Assert.True(last >= 0, $"run {run} acknowledged nothing");
            for (var n = 0; n <= last; n++)
            {
                Assert.Contains($"{run}:{n}", seen);
            }

            acknowledged += last + 1;
        }

        Assert.True(acknowledged > 0);
        Assert.Empty(Directory.GetFiles(Dir, "*.damaged"));
    }

    /// <summary>The child's body: does nothing unless started by the test above.</summary>
    [Fact]
    public async Task CrashWriter_Child()
    {
        var dir = Environment.GetEnvironmentVariable(ChildDirVariable);
        if (dir is null)
        {
            return;
        }

        var run = int.Parse(Environment.GetEnvironmentVariable(ChildRunVariable)!, CultureInfo.InvariantCulture);
        var host = new BufferedOutputHost(new RecordingOutput(), ChildOptions(dir), BufferTest.Context(TimeProvider.System), null);
        host.RecoverChunks(); // recovery of the previous run's torn files, then more appends
        using var ack = new StreamWriter(new FileStream(Path.Combine(dir, $"ack.{run}"), FileMode.Append, FileAccess.Write, FileShare.Read));
        var stopAt = DateTime.UtcNow.AddSeconds(30);
        for (var n = 0; DateTime.UtcNow < stopAt;)
        {
            var messages = Enumerable.Range(n, 10).Select(i => $"{run}:{i}").ToArray();
            await host.EmitAsync("crash", BufferTest.Batch(BufferTest.Start, messages), CancellationToken.None);
            n += 10;
            await ack.WriteLineAsync((n - 1).ToString(CultureInfo.InvariantCulture));
            await ack.FlushAsync(TestContext.Current.CancellationToken); // to the OS: survives SIGKILL of this process
        }
    }

    private static BufferOptions ChildOptions(string dir) =>
        BufferTest.Options("tag", ("@type", "file"), ("path", Path.Combine(dir, "buf") + "/"), ("flush_mode", "lazy"), ("chunk_limit_size", "16k"));

    private string AckPath(int run) => Path.Combine(Dir, $"ack.{run}");

    private Process StartChild(int run)
    {
        var assembly = typeof(FileBufferCrashTests).Assembly.Location;
        var apphost = Path.ChangeExtension(assembly, null);
        var info = File.Exists(apphost)
            ? new ProcessStartInfo(apphost)
            : new ProcessStartInfo("dotnet") { ArgumentList = { assembly } };
        info.ArgumentList.Add("-method");
        info.ArgumentList.Add(typeof(FileBufferCrashTests).FullName + "." + nameof(CrashWriter_Child));
        info.Environment[ChildDirVariable] = Dir;
        info.Environment[ChildRunVariable] = run.ToString(CultureInfo.InvariantCulture);
        info.RedirectStandardOutput = true;
        info.UseShellExecute = false;
        return Process.Start(info)!;
    }
}
