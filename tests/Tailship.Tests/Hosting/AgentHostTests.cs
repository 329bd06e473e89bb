using System.Text.Json;
using Tailship.Config;
using Tailship.Hosting;

namespace Tailship.Tests.Hosting;

/// <summary>The host run in memory: a fake config loader, captured output, and signals raised by the test.</summary>
public sealed class AgentHostTests : IDisposable
{
    private static readonly SourceLocation At = new("/etc/fluent/fluent.conf", 1, 1);

    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();
    private readonly CapturingStream _log = new();
    private readonly FakeSignals _signals = new();
    private readonly List<int> _forcedExits = [];

    public void Dispose()
    {
        _out.Dispose();
        _error.Dispose();
        _log.Dispose();
    }

    private AgentHost Host(Func<string, DiagnosticBag, ConfigSection?> load) => new(new AgentHostEnvironment
    {
        Out = _out,
        Error = _error,
        OpenStandardError = () => _log,
        Time = new FixedTimeProvider(new DateTimeOffset(2026, 11, 26, 1, 20, 0, TimeSpan.Zero), TimeSpan.Zero),
        GetEnvironmentVariable = _ => null,
        CreateRegistry = FakePlugins.Registry,
        LoadConfig = load,
        Signals = _signals,
        ForceExit = _forcedExits.Add,
    });

    private static ConfigSection Root(params ConfigSection[] sections)
    {
        var root = new ConfigSection(ConfigSection.RootName, string.Empty, At);
        root.Sections.AddRange(sections);
        return root;
    }

    private static ConfigSection Section(string name, params (string Key, string Value)[] values)
    {
        var section = new ConfigSection(name, name == "match" ? "**" : string.Empty, At);
        section.Params.AddRange(values.Select(v => new ConfigParam(v.Key, v.Value, At, At)));
        return section;
    }

    private static ConfigSection System(string? logLevel = null, string? format = null, bool suppressDump = false)
    {
        var system = Section("system");
        if (logLevel is not null)
        {
            system.Params.Add(new ConfigParam("log_level", logLevel, At, At));
        }

        if (suppressDump)
        {
            system.Params.Add(new ConfigParam("suppress_config_dump", "true", At, At));
        }

        if (format is not null)
        {
            system.Sections.Add(Section("log", ("format", format)));
        }

        return system;
    }

    /// <summary>A section every pipeline rejects: its plugin type exists in no registry.</summary>
    private static ConfigSection Broken() => Section("source", ("@type", "nosuch"));

    [Fact]
    public async Task Version_PrintsNameAndVersion()
    {
        Assert.Equal(ExitCodes.Ok, await Host((_, _) => null).RunAsync(["--version"]));
        Assert.Equal($"tailship {AgentHost.Version}\n", _out.ToString());
        Assert.Matches(@"^\d+\.\d+\.\d+", AgentHost.Version);
    }

    [Fact]
    public async Task UsageError_ExitsTwoWithTheReasonOnStderr()
    {
        Assert.Equal(ExitCodes.Usage, await Host((_, _) => null).RunAsync(["--workers", "2"]));
        Assert.StartsWith("tailship: option '--workers' is a Fluentd option that Tailship does not support", _error.ToString());
        Assert.Empty(_out.ToString());
    }

    [Fact]
    public async Task PluginHelp_KnownType_PrintsItsParameters()
    {
        Assert.Equal(ExitCodes.Ok, await Host((_, _) => null).RunAsync(["--help", "vault"]));
        var text = _out.ToString();
        Assert.Contains("output plugin '@type vault' in <match>", text);
        Assert.Contains("credential (string, required) secret", text);
        Assert.Contains("chunk (size, default 8m)", text);
        Assert.Contains("timeout (time, default 5m)", text);
        Assert.Contains("legacy (string) NOT IMPLEMENTED YET", text);
        Assert.Contains("<format> (a formatter plugin chosen by @type, default salted)", text);
    }

    [Fact]
    public async Task PluginHelp_UnknownType_IsUsageErrorWithSuggestion()
    {
        Assert.Equal(ExitCodes.Usage, await Host((_, _) => null).RunAsync(["--help", "vaul"]));
        Assert.Contains("did you mean 'vault'?", _error.ToString());
    }

    [Fact]
    public async Task InvalidConfig_ExitsOneAndLogsEveryError()
    {
        var host = Host((path, diagnostics) =>
        {
            diagnostics.Error(new SourceLocation(path, 3, 5), "first problem");
            diagnostics.Add(Diagnostic.Error(new SourceLocation(path, 9, 1), "second problem", Section("match", ("@type", "vault"))));
            diagnostics.Warning(new SourceLocation(path, 2, 1), "a warning");
            return null;
        });

        Assert.Equal(ExitCodes.InvalidConfig, await host.RunAsync(["-c", "/x/fluent.conf", "--dry-run"]));
        Assert.Equal(
            [
                "2026-11-26 01:20:00 +0000 [warn]: /x/fluent.conf:2:1: a warning",
                "2026-11-26 01:20:00 +0000 [error]: /x/fluent.conf:3:5: first problem",
                "2026-11-26 01:20:00 +0000 [error]: /x/fluent.conf:9:1: <match **> (@type vault): second problem",
                "2026-11-26 01:20:00 +0000 [error]: invalid configuration: 2 error(s) in /x/fluent.conf; nothing was started",
            ],
            _log.Lines);
    }

    [Fact]
    public async Task LoaderIOException_IsInvalidConfigNotACrash()
    {
        var host = Host((_, _) => throw new FileNotFoundException("no such file"));
        Assert.Equal(ExitCodes.InvalidConfig, await host.RunAsync(["-c", "/nope.conf"]));
        Assert.Contains("cannot read the configuration: no such file", _log.Text);
    }

    [Fact]
    public async Task ConfigDump_IsPrintedWithSecretsMasked()
    {
        var host = Host((_, _) => Root(Section("match", ("@type", "vault"), ("credential", "hunter2"), ("aws_sec_key", "AKIA1")), Broken()));

        await host.RunAsync(["-c", "/x/fluent.conf", "--dry-run"]);

        Assert.Contains("[info]: parsing config file is succeeded path=\"/x/fluent.conf\"\n", _log.Text);
        Assert.Contains("[info]: using configuration file: <ROOT>\n  <match **>\n    @type vault\n    credential xxxxxx\n    aws_sec_key xxxxxx\n", _log.Text);
        Assert.DoesNotContain("hunter2", _log.Text);
        Assert.DoesNotContain("AKIA1", _log.Text);
    }

    [Theory]
    [InlineData("--suppress-config-dump", false)]
    [InlineData("-v", true)]
    public async Task ConfigDump_SuppressedByOptionOrSystem(string flag, bool suppressInSystem)
    {
        var host = Host((_, _) => Root(System(suppressDump: suppressInSystem), Broken()));
        await host.RunAsync(["--dry-run", flag]);
        Assert.Contains("parsing config file is succeeded", _log.Text);
        Assert.DoesNotContain("using configuration file", _log.Text);
    }

    [Fact]
    public async Task SystemLogLevel_AppliesWhenTheCommandLineSaysNothing()
    {
        var host = Host((_, _) => Root(System(logLevel: "error"), Broken()));
        Assert.Equal(ExitCodes.InvalidConfig, await host.RunAsync(["--dry-run"]));
        Assert.DoesNotContain("[info]", _log.Text);
        Assert.Contains("[error]", _log.Text);
    }

    [Fact]
    public async Task CommandLineVerbosity_WinsOverSystemLogLevel()
    {
        var host = Host((_, _) => Root(System(logLevel: "error"), Broken()));
        await host.RunAsync(["--dry-run", "-v"]);
        Assert.Contains("[info]: parsing config file is succeeded", _log.Text);
    }

    [Fact]
    public async Task SystemLogFormatJson_SwitchesTheAgentLogToJsonLines()
    {
        var host = Host((_, _) => Root(System(format: "json"), Broken()));

        Assert.Equal(ExitCodes.InvalidConfig, await host.RunAsync(["--dry-run"]));

        var levels = _log.Lines.Select(line =>
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.GetProperty("level").GetString();
        }).ToList();
        Assert.Contains("info", levels);
        Assert.Equal("error", levels[^1]);
    }

    [Fact]
    public async Task LogFormatOption_WinsOverSystem()
    {
        var host = Host((_, _) => Root(System(format: "json"), Broken()));
        await host.RunAsync(["--dry-run", "--log-format", "text"]);
        Assert.All(_log.Lines.Where(l => l.StartsWith("2026", StringComparison.Ordinal)), l => Assert.Contains(" [", l));
        Assert.DoesNotContain("{\"time\"", _log.Text);
    }

    [Fact]
    public async Task LogOption_WritesTheAgentLogToTheFile()
    {
        var dir = Directory.CreateTempSubdirectory("tailship-log-");
        try
        {
            var path = Path.Combine(dir.FullName, "agent.log");
            await File.WriteAllTextAsync(path, "earlier line\n", TestContext.Current.CancellationToken);
            var host = Host((_, _) => Root(Broken()));

            Assert.Equal(ExitCodes.InvalidConfig, await host.RunAsync(["--dry-run", "-o", path]));

            var text = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
            Assert.StartsWith("earlier line\n", text);
            Assert.Contains("[error]: invalid configuration", text);
            Assert.Empty(_log.Text);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task LogOption_UnwritablePath_ExitsThree()
    {
        var host = Host((_, _) => Root());
        Assert.Equal(ExitCodes.Failure, await host.RunAsync(["-o", "/nonexistent-dir/agent.log"]));
        Assert.Contains("cannot open the log file '/nonexistent-dir/agent.log'", _error.ToString());
    }

    // The tests below need the real pipeline plan and pipeline (PipelinePlan.Create, Pipeline.Build/StartAsync/StopAsync).

    [Fact]
    public async Task DryRun_ValidConfig_ExitsZero()
    {
        var host = Host((_, _) => Root(System(logLevel: "info")));
        Assert.Equal(ExitCodes.Ok, await host.RunAsync(["--dry-run"]));
        Assert.Contains("[info]: finished dry run mode", _log.Text);
        Assert.DoesNotContain("now running", _log.Text);
    }

    [Fact]
    public async Task Sigterm_StopsGracefullyWithExitZero()
    {
        var run = Host((_, _) => Root(System())).RunAsync(["--shutdown-timeout", "5s"]);
        await Task.WhenAny(_log.WaitForAsync("tailship is now running"), run);
        Assert.False(run.IsCompleted, _log.Text);

        _signals.Raise("SIGTERM");

        Assert.Equal(ExitCodes.Ok, await run);
        Assert.Contains("[info]: received SIGTERM: stopping gracefully within 5s", _log.Text);
        Assert.EndsWith("[info]: tailship stopped\n", _log.Text);
        Assert.Empty(_forcedExits);
    }

    [Fact]
    public async Task Sighup_IsReportedAndIgnored()
    {
        var run = Host((_, _) => Root(System())).RunAsync([]);
        await Task.WhenAny(_log.WaitForAsync("tailship is now running"), run);
        Assert.False(run.IsCompleted, _log.Text);

        _signals.Raise("SIGHUP");
        Assert.False(run.IsCompleted);
        _signals.Raise("SIGINT");

        Assert.Equal(ExitCodes.Ok, await run);
        Assert.Contains("[warn]: received SIGHUP: reloading the configuration is not implemented", _log.Text);
    }
}
