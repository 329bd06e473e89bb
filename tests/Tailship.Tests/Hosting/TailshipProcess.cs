using System.Diagnostics;

namespace Tailship.Tests.Hosting;

/// <summary>The built <c>tailship</c> executable run as a child process, with its output captured line by line.</summary>
internal sealed class TailshipProcess : IDisposable
{
    private readonly Process _process;
    private readonly ObservedText _stdout = new();
    private readonly ObservedText _stderr = new();

    private TailshipProcess(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment, IReadOnlyList<string>? launcher = null, string? executable = null, string? workingDirectory = null)
    {
        executable ??= RepoPaths.TailshipExecutable;
        launcher ??= [];
        var start = new ProcessStartInfo(launcher.Count > 0 ? launcher[0] : executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (var arg in launcher.Skip(1).Concat(launcher.Count > 0 ? [executable] : []).Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        // The test runner's own environment must not steer the agent.
        start.Environment.Remove("FLUENTD_ARGS");
        start.Environment.Remove("FLUENT_CONF");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => AppendLine(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => AppendLine(_stderr, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public string Stdout => _stdout.Text;

    public string Stderr => _stderr.Text;

    public static TailshipProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null) =>
        new(args, environment);

    /// <summary>
    /// Runs <paramref name="fileName"/> instead of the built executable: another build of tailship, or a wrapper that
    /// ends by exec'ing one (so that <see cref="Id"/> and the signals reach tailship itself).
    /// </summary>
    public static TailshipProcess StartCommand(string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null) =>
        new(args, environment, executable: fileName);

    /// <summary>
    /// Starts <paramref name="executable"/> (a copy of the built one, say) through <paramref name="launcher"/>, a command
    /// and its arguments that run the rest (<c>setpriv --reuid=...</c>); directly when the launcher is empty.
    /// </summary>
    public static TailshipProcess StartVia(
        IReadOnlyList<string> launcher,
        string executable,
        IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null) =>
        new(args, environment, launcher, executable, workingDirectory);

    /// <summary>Runs to completion and returns the exit code; a minute is far more than any of these take.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(args, environment);
        var code = await process.WaitForExitAsync(TimeSpan.FromMinutes(1));
        return (code, process.Stdout, process.Stderr);
    }

    /// <summary>Completes when stderr holds <paramref name="marker"/>; fails if the process exits first.</summary>
    public Task WaitForStderrAsync(string marker, TimeSpan timeout) => WaitForAsync(_stderr, "stderr", marker, timeout);

    /// <summary>Completes when stderr so far satisfies <paramref name="condition"/> (polled every 50 ms), for output a marker cannot tell apart.</summary>
    public async Task WaitUntilStderrAsync(Func<string, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(Stderr))
        {
            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                throw new Xunit.Sdk.XunitException($"the awaited output did not appear on stderr (exited: {_process.HasExited}):\n{Stderr}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Completes when stdout holds <paramref name="marker"/>; fails if the process exits first.</summary>
    public Task WaitForStdoutAsync(string marker, TimeSpan timeout) => WaitForAsync(_stdout, "stdout", marker, timeout);

    private async Task WaitForAsync(ObservedText text, string name, string marker, TimeSpan timeout)
    {
        var seen = text.WaitForAsync(marker);
        using var cts = new CancellationTokenSource(timeout);
        var exited = _process.WaitForExitAsync(cts.Token);
        var first = await Task.WhenAny(seen, exited);
        if (first != seen || !seen.IsCompletedSuccessfully)
        {
            throw new Xunit.Sdk.XunitException($"'{marker}' did not appear on {name} (exited: {_process.HasExited}):\n{Stdout}\nstderr:\n{Stderr}");
        }
    }

    /// <summary>Sends a signal the way an operator or the kubelet would: with kill(1).</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-s", signal, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Kills the process with SIGKILL (<c>kill -9</c>: no handler runs) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // It exited by itself first; the caller looks at the exit code and stderr.
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
    }

    public bool HasExited => _process.HasExited;

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
            throw new Xunit.Sdk.XunitException($"tailship did not exit within {timeout}:\n{Stderr}");
        }

        // WaitForExitAsync also waits for the redirected streams to reach their end.
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
    }

    private static void AppendLine(ObservedText target, string? line)
    {
        // A null line marks the end of the stream.
        if (line is not null)
        {
            target.Append(line + "\n");
        }
    }
}
