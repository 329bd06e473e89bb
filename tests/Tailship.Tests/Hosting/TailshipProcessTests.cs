namespace Tailship.Tests.Hosting;

/// <summary>The real <c>tailship</c> executable, run as a process, as an operator or a Pod would run it.</summary>
public sealed class TailshipProcessTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("tailship-process-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string WriteConfig(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Version_PrintsVersionAndExitsZero()
    {
        var (code, stdout, _) = await TailshipProcess.RunAsync(["--version"]);
        Assert.Equal(0, code);
        Assert.Matches(@"^tailship \d+\.\d+\.\d+\n$", stdout);
    }

    [Fact]
    public async Task Help_ListsOptionsAndExitCodes()
    {
        var (code, stdout, _) = await TailshipProcess.RunAsync(["--help"]);
        Assert.Equal(0, code);
        Assert.StartsWith("Usage: tailship [options]", stdout);
        Assert.Contains("--dry-run", stdout);
        Assert.Contains("FLUENTD_ARGS", stdout);
        Assert.Contains("1 invalid configuration, 2 usage error", stdout);
    }

    [Fact]
    public async Task UnsupportedFluentdOption_ExitsTwo()
    {
        var (code, stdout, stderr) = await TailshipProcess.RunAsync(["-c", "/fluentd/etc/fluent.conf", "-p", "/fluentd/plugins"]);
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.StartsWith("tailship: option '-p' is a Fluentd option that Tailship does not support", stderr);
    }

    [Fact]
    public async Task FluentdArgs_NoArguments_AreTakenFromTheVariable()
    {
        var missing = Path.Combine(_dir.FullName, "a dir", "fluent.conf");
        var (code, _, stderr) = await TailshipProcess.RunAsync([], new Dictionary<string, string> { ["FLUENTD_ARGS"] = $"--dry-run -c '{missing}'" });
        Assert.Equal(1, code);
        Assert.Contains(missing, stderr);
    }

    // Needs the real configuration reader and pipeline plan.
    [Fact]
    public async Task DryRun_BrokenConfig_ExitsOneWithDiagnosticsOnStderr()
    {
        var path = WriteConfig("broken.conf", "<source>\n  @type nosuch\n  tag x\n</source>\n");

        var (code, stdout, stderr) = await TailshipProcess.RunAsync(["--dry-run", "-c", path]);

        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.Contains($"[error]: {path}:2:", stderr);
        Assert.Contains("unknown input plugin '@type nosuch'", stderr);
        Assert.Contains("[error]: invalid configuration: 1 error(s)", stderr);
    }

    // Needs the real configuration reader and pipeline plan.
    [Fact]
    public async Task DryRun_ValidConfig_ExitsZeroAfterPrintingTheConfig()
    {
        var path = WriteConfig("valid.conf", "<system>\n  log_level info\n</system>\n");

        var (code, _, stderr) = await TailshipProcess.RunAsync(["--dry-run", "-c", path]);

        Assert.True(code == 0, stderr);
        Assert.Contains("using configuration file: <ROOT>\n  <system>\n    log_level info\n  </system>\n</ROOT>\n", stderr);
        Assert.Contains("finished dry run mode", stderr);
    }

    // Needs the real configuration reader and pipeline.
    [Fact]
    public async Task Sigterm_RunningAgent_StopsGracefullyWithExitZero()
    {
        var path = WriteConfig("idle.conf", "<system>\n  log_level info\n</system>\n");
        using var agent = TailshipProcess.Start(["-c", path, "--shutdown-timeout", "10s"]);

        await agent.WaitForStderrAsync("tailship is now running", TimeSpan.FromSeconds(30));
        await agent.SignalAsync("TERM");
        var code = await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(code == 0, agent.Stderr);
        Assert.Contains("received SIGTERM: stopping gracefully", agent.Stderr);
        Assert.EndsWith("[info]: tailship stopped\n", agent.Stderr);
    }
}
