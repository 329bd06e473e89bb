using Tailship.Hosting;

namespace Tailship.Tests.Hosting;

public sealed class CommandLineTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    private static CommandLineOptions Parse(params string[] args)
    {
        var options = CommandLine.Parse(args, NoEnvironment, out var error);
        Assert.True(options is not null, error);
        return options;
    }

    private static string ParseError(Func<string, string?> env, params string[] args)
    {
        Assert.Null(CommandLine.Parse(args, env, out var error));
        return Assert.IsType<string>(error);
    }

    [Fact]
    public void NoArguments_RunsFluentdsDefaultConfig()
    {
        var options = Parse();
        Assert.Equal(CommandAction.Run, options.Action);
        Assert.Equal("/etc/fluent/fluent.conf", options.ConfigPath);
        Assert.Null(options.Verbosity);
        Assert.Null(options.LogFormat);
        Assert.Equal(TimeSpan.FromSeconds(25), options.ShutdownTimeout);
    }

    [Theory]
    [InlineData("-c", "/x/fluent.conf")]
    [InlineData("--config", "/x/fluent.conf")]
    public void Config_SeparateValue_IsTheConfigPath(string flag, string path) =>
        Assert.Equal(path, Parse(flag, path).ConfigPath);

    [Theory]
    [InlineData("--config=/x/a.conf")]
    [InlineData("-c/x/a.conf")]
    public void Config_AttachedValue_IsTheConfigPath(string arg) => Assert.Equal("/x/a.conf", Parse(arg).ConfigPath);

    [Fact]
    public void FluentConfVariable_IsTheDefaultConfigPath()
    {
        var options = CommandLine.Parse([], name => name == "FLUENT_CONF" ? "/etc/td/td.conf" : null, out _);
        Assert.Equal("/etc/td/td.conf", options!.ConfigPath);
    }

    [Theory]
    [InlineData("24231", "127.0.0.1", 24231)]
    [InlineData("0.0.0.0:24231", "0.0.0.0", 24231)]
    [InlineData("[::1]:0", "::1", 0)]
    [InlineData("localhost:80", "localhost", 80)]
    public void HttpServer_AddressAndPort(string value, string bind, int port)
    {
        var http = Assert.IsType<HttpServerConfig>(Parse("--http-server", value).HttpServer);

        Assert.Equal(new HttpServerConfig(bind, port, "/metrics", MonitorApi: true), http);
    }

    [Theory]
    [InlineData("65536")]
    [InlineData("::1:80")]
    [InlineData("host:")]
    [InlineData(":80")]
    [InlineData("-1")]
    public void HttpServer_BadAddress_IsAUsageError(string value) =>
        Assert.StartsWith("--http-server: expected PORT, HOST:PORT", ParseError(NoEnvironment, $"--http-server={value}"));

    [Fact]
    public void HttpServer_NotGiven_IsNull() => Assert.Null(Parse().HttpServer);

    [Theory]
    [InlineData(new[] { "-v" }, 1)]
    [InlineData(new[] { "-vv" }, 2)]
    [InlineData(new[] { "-v", "-v" }, 2)]
    [InlineData(new[] { "--verbose" }, 1)]
    [InlineData(new[] { "-q" }, -1)]
    [InlineData(new[] { "-qq" }, -2)]
    [InlineData(new[] { "--quiet", "-q" }, -2)]
    [InlineData(new[] { "-vq" }, 0)]
    public void VerbosityFlags_AddUp(string[] args, int expected) => Assert.Equal(expected, Parse(args).Verbosity);

    [Theory]
    [InlineData(2, Microsoft.Extensions.Logging.LogLevel.Trace)]
    [InlineData(1, Microsoft.Extensions.Logging.LogLevel.Debug)]
    [InlineData(0, Microsoft.Extensions.Logging.LogLevel.Information)]
    [InlineData(-1, Microsoft.Extensions.Logging.LogLevel.Warning)]
    [InlineData(-2, Microsoft.Extensions.Logging.LogLevel.Error)]
    [InlineData(-5, Microsoft.Extensions.Logging.LogLevel.Critical)]
    [InlineData(7, Microsoft.Extensions.Logging.LogLevel.Trace)]
    public void Verbosity_MapsToFluentdLevels(int verbosity, Microsoft.Extensions.Logging.LogLevel expected) =>
        Assert.Equal(expected, AgentLogLevels.FromVerbosity(verbosity));

    [Fact]
    public void AllRunOptions_AreRead()
    {
        var options = Parse("-c", "a.conf", "--dry-run", "--log-format", "json", "-o", "/tmp/t.log", "--shutdown-timeout", "10s", "--suppress-config-dump");
        Assert.Equal(CommandAction.DryRun, options.Action);
        Assert.Equal(AgentLogFormat.Json, options.LogFormat);
        Assert.Equal("/tmp/t.log", options.LogPath);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ShutdownTimeout);
        Assert.True(options.SuppressConfigDump);
    }

    [Theory]
    [InlineData(new[] { "--help" }, "Help", null)]
    [InlineData(new[] { "-h" }, "Help", null)]
    [InlineData(new[] { "--help", "-c", "x" }, "Help", null)]
    [InlineData(new[] { "--help", "tail" }, "PluginHelp", "tail")]
    [InlineData(new[] { "--help=s3" }, "PluginHelp", "s3")]
    [InlineData(new[] { "--version", "-c", "x" }, "Version", null)]
    [InlineData(new[] { "--write-plugin-docs", "docs/plugins" }, "WritePluginDocs", "docs/plugins")]
    public void Actions_AreRecognized(string[] args, string action, string? argument)
    {
        var options = Parse(args);
        Assert.Equal(action, options.Action.ToString());
        Assert.Equal(argument, options.Argument);
    }

    [Fact]
    public void NoArguments_FluentdArgsVariable_IsSplitAndUsed()
    {
        var env = (string name) => name == "FLUENTD_ARGS" ? "-c '/fluentd/etc/my fluent.conf' -qq" : null;
        var options = CommandLine.Parse([], env, out _);
        Assert.NotNull(options);
        Assert.Equal("/fluentd/etc/my fluent.conf", options.ConfigPath);
        Assert.Equal(-2, options.Verbosity);
        Assert.True(options.FromEnvironment);
    }

    [Fact]
    public void Arguments_FluentdArgsVariable_IsIgnored()
    {
        var options = CommandLine.Parse(["-c", "/a.conf"], name => name == "FLUENTD_ARGS" ? "-c /b.conf" : null, out _);
        Assert.Equal("/a.conf", options!.ConfigPath);
        Assert.False(options.FromEnvironment);
    }

    [Fact]
    public void FluentdArgs_UnclosedQuote_IsUsageErrorNamingTheVariable()
    {
        var error = ParseError(name => name == "FLUENTD_ARGS" ? "-c '/a.conf" : null);
        Assert.Equal("FLUENTD_ARGS: unterminated single quote", error);
    }

    [Fact]
    public void FluentdArgs_UnsupportedOption_SaysItCameFromTheVariable()
    {
        var error = ParseError(name => name == "FLUENTD_ARGS" ? "-c /a.conf -p /fluentd/plugins" : null);
        Assert.StartsWith("option '-p' is a Fluentd option that Tailship does not support: Tailship has no Ruby plugins", error);
        Assert.EndsWith("(in FLUENTD_ARGS)", error);
    }

    [Theory]
    [InlineData("--no-supervisor")]
    [InlineData("--use-v1-config")]
    public void HarmlessFluentdFlags_AreAccepted(string flag) => Assert.Equal("/a.conf", Parse("-c", "/a.conf", flag).ConfigPath);

    [Theory]
    [InlineData("-d", "does not daemonize")]
    [InlineData("--workers", "no workers")]
    [InlineData("--gemfile", "no Ruby plugins")]
    [InlineData("-i", "does not implement it")]
    [InlineData("--user", "securityContext")]
    [InlineData("--show-plugin-config", "tailship --help TYPE")]
    public void UnsupportedFluentdOptions_AreRefusedWithTheReason(string flag, string reason)
    {
        var error = ParseError(NoEnvironment, flag, "x");
        Assert.StartsWith($"option '{flag}' is a Fluentd option that Tailship does not support", error);
        Assert.Contains(reason, error);
    }

    [Theory]
    [InlineData(new[] { "--dryrun" }, "unknown option '--dryrun'; did you mean '--dry-run'? (see tailship --help)")]
    [InlineData(new[] { "-x" }, "unknown option '-x' (see tailship --help)")]
    [InlineData(new[] { "fluent.conf" }, "unexpected argument 'fluent.conf'; the configuration file is given with -c FILE")]
    [InlineData(new[] { "-c" }, "option '-c' needs a value")]
    [InlineData(new[] { "--log-format", "xml" }, "--log-format: expected text or json, found 'xml'")]
    [InlineData(new[] { "--shutdown-timeout", "0" }, "--shutdown-timeout: expected a positive time such as 25, 25s or 1m, found '0'")]
    [InlineData(new[] { "--config=" }, "option '--config' needs a value")]
    public void BadArguments_GiveOneClearError(string[] args, string expected) => Assert.Equal(expected, ParseError(NoEnvironment, args));
}
