using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using Tailship.Tests.Hosting;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Inputs.Tail;

/// <summary>
/// Files that lose read permission while they are tailed (issue 3, bad input). Root reads any file
/// (CAP_DAC_OVERRIDE), and CI runs as root, so the agent is the real <c>tailship</c> executable started as
/// <c>nobody</c> (uid/gid 65534) through <c>setpriv</c>; run as another user, the test starts it directly. The test
/// itself changes the modes, so it needs no privilege beyond owning the files.
/// </summary>
public sealed partial class TailPermissionProcessTests : IDisposable
{
    private const int Nobody = 65534;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Long enough for the agent to retry the unreadable file at least twice (its watch timer wakes every second),
    /// so a warning per retry would show. Nothing can be awaited here: the point is that nothing more is logged.
    /// </summary>
    private static readonly TimeSpan RetryWindow = TimeSpan.FromSeconds(2.5);

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PermissionLostMidRead_WarnedRateLimited_OthersGoOn_ReadingResumes(bool ignoreRepeated)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("file modes and setpriv are Linux");
            return;
        }

        var ct = TestContext.Current.CancellationToken;
        File.SetUnixFileMode(_dir.Path, Mode("rwxr-xr-x")); // a temp subdirectory starts 0700
        var logs = Path.Combine(_dir.Path, "logs");
        Directory.CreateDirectory(logs);
        File.SetUnixFileMode(logs, Mode("rwxr-xr-x"));
        var locked = Path.Combine(logs, "locked.log");
        var other = Path.Combine(logs, "other.log");
        await File.WriteAllTextAsync(locked, "L1\n", ct);
        await File.WriteAllTextAsync(other, "O1\n", ct);
        File.SetUnixFileMode(locked, Mode("rw-r--r--"));
        File.SetUnixFileMode(other, Mode("rw-r--r--"));

        var config = Path.Combine(_dir.Path, "fluent.conf");
        await File.WriteAllTextAsync(config, $"""
            <source>
              @type tail
              path {logs}/*.log
              tag t
              read_from_head true
              refresh_interval 1
              rotate_wait 1
              ignore_repeated_permission_error {(ignoreRepeated ? "true" : "false")}
              <parse>
                @type none
              </parse>
            </source>

            <match t>
              @type stdout
            </match>
            """, ct);
        File.SetUnixFileMode(config, Mode("rw-r--r--"));

        using var agent = StartUnprivileged(config);
        await agent.WaitForStdoutAsync(Message("L1"), Wait);
        await agent.WaitForStdoutAsync(Message("O1"), Wait);

        // Mid-read: the agent holds the file open, and an open file stays readable whatever its mode becomes.
        File.SetUnixFileMode(locked, UnixFileMode.None);
        await File.AppendAllTextAsync(locked, "L2\n", ct);
        await agent.WaitForStdoutAsync(Message("L2"), Wait);
        Assert.Equal(0, PermissionWarnings(agent, locked));

        // The next file at the path (rotation) cannot be opened: one clear warning, retried quietly.
        await RotateToUnreadableAsync(locked, "L3\n", ct);
        await agent.WaitForStderrAsync($"{locked}: permission denied", Wait);
        await File.AppendAllTextAsync(other, "O2\n", ct);
        await agent.WaitForStdoutAsync(Message("O2"), Wait);
        await Task.Delay(RetryWindow, ct);
        Assert.Equal(1, PermissionWarnings(agent, locked));
        Assert.DoesNotContain(Message("L3"), agent.Stdout, StringComparison.Ordinal);

        // Readable again: read from its head.
        File.SetUnixFileMode(locked, Mode("rw-r--r--"));
        await agent.WaitForStdoutAsync(Message("L3"), Wait);

        // Lost again within the minute. By default the per-minute limit holds the warning back; with
        // ignore_repeated_permission_error the file warns once each time it becomes unreadable after being read.
        await RotateToUnreadableAsync(locked, "L4\n", ct);
        if (ignoreRepeated)
        {
            await agent.WaitUntilStderrAsync(text => Count(text, locked) == 2, Wait);
        }

        await File.AppendAllTextAsync(other, "O3\n", ct);
        await agent.WaitForStdoutAsync(Message("O3"), Wait);
        await Task.Delay(RetryWindow, ct);
        Assert.Equal(ignoreRepeated ? 2 : 1, PermissionWarnings(agent, locked));
        File.SetUnixFileMode(locked, Mode("rw-r--r--"));
        await agent.WaitForStdoutAsync(Message("L4"), Wait);

        // Every line exactly once, nothing else.
        var messages = MessagePattern().Matches(agent.Stdout).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["L1", "L2", "L3", "L4", "O1", "O2", "O3"], messages);
        Assert.DoesNotContain("tailing failed", agent.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Renames the file away and puts an unreadable one with <paramref name="content"/> in its place, atomically.</summary>
    [UnsupportedOSPlatform("windows")]
    private async Task RotateToUnreadableAsync(string path, string content, CancellationToken ct)
    {
        File.Move(path, path + ".1", overwrite: true);
        var next = Path.Combine(_dir.Path, "next.tmp");
        await File.WriteAllTextAsync(next, content, ct);
        File.SetUnixFileMode(next, UnixFileMode.None);
        File.Move(next, path);
    }

    /// <summary>
    /// The agent as <c>nobody</c> when the tests run as root, from a copy of the build output in the temp directory
    /// (the repository may sit where <c>nobody</c> cannot reach it).
    /// </summary>
    [UnsupportedOSPlatform("windows")]
    private TailshipProcess StartUnprivileged(string config)
    {
        var environment = new Dictionary<string, string> { ["HOME"] = _dir.Path };
        if (Environment.UserName != "root")
        {
            return TailshipProcess.StartVia([], RepoPaths.TailshipExecutable, ["-c", config], environment, _dir.Path);
        }

        var bin = Path.Combine(_dir.Path, "bin");
        Directory.CreateDirectory(bin);
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(RepoPaths.TailshipExecutable)!))
        {
            File.Copy(file, Path.Combine(bin, Path.GetFileName(file)));
        }

        File.SetUnixFileMode(bin, Mode("rwxr-xr-x"));
        var executable = Path.Combine(bin, Path.GetFileName(RepoPaths.TailshipExecutable));
        File.SetUnixFileMode(executable, Mode("rwxr-xr-x"));
        string[] setpriv = ["setpriv", $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--"];
        return TailshipProcess.StartVia(setpriv, executable, ["-c", config], environment, _dir.Path);
    }

    private static int PermissionWarnings(TailshipProcess agent, string path) => Count(agent.Stderr, path);

    private static int Count(string text, string path) =>
        Regex.Count(text, Regex.Escape($"{path}: permission denied"));

    private static string Message(string text) => $"{{\"message\":\"{text}\"}}";

    private static UnixFileMode Mode(string symbolic)
    {
        UnixFileMode[] bits =
        [
            UnixFileMode.UserRead, UnixFileMode.UserWrite, UnixFileMode.UserExecute,
            UnixFileMode.GroupRead, UnixFileMode.GroupWrite, UnixFileMode.GroupExecute,
            UnixFileMode.OtherRead, UnixFileMode.OtherWrite, UnixFileMode.OtherExecute,
        ];
        var mode = UnixFileMode.None;
        for (var i = 0; i < bits.Length; i++)
        {
            mode |= symbolic[i] == '-' ? UnixFileMode.None : bits[i];
        }

        return mode;
    }

    [GeneratedRegex("""\{"message":"([A-Z][0-9])"\}""")]
    private static partial Regex MessagePattern();
}
