using Tailship.Config;

namespace Tailship.Hosting;

/// <summary>
/// Parses <c>tailship</c>'s arguments. They follow Fluentd's (<c>-c</c>, <c>--dry-run</c>, <c>-v</c>/<c>-q</c>,
/// <c>-o</c>...) so that existing scripts and container definitions keep working; a Fluentd option that has no
/// meaning for Tailship is refused with the reason, never silently ignored. With no arguments the words of the
/// <c>FLUENTD_ARGS</c> variable are used, as Fluentd's images do.
/// </summary>
internal static partial class CommandLine
{
    public const string ArgsVariable = "FLUENTD_ARGS";
    public const string ConfigVariable = "FLUENT_CONF";

    private const string NoRubyPlugins = "Tailship has no Ruby plugins; every plugin is built in (tailship --help lists them)";
    private const string NotImplemented = "Tailship does not implement it";

    /// <summary>Fluentd options Tailship accepts and ignores because Tailship always behaves that way.</summary>
    private static readonly HashSet<string> IgnoredFluentdFlags = new(StringComparer.Ordinal)
    {
        "--no-supervisor", "--use-v1-config", "--strict-config-value",
    };

    /// <summary>Fluentd options Tailship refuses, with the reason given to the user.</summary>
    private static readonly Dictionary<string, string> RefusedFluentdOptions = new(StringComparer.Ordinal)
    {
        ["-p"] = NoRubyPlugins,
        ["--plugin"] = NoRubyPlugins,
        ["-I"] = NoRubyPlugins,
        ["-r"] = NoRubyPlugins,
        ["-g"] = NoRubyPlugins,
        ["--gemfile"] = NoRubyPlugins,
        ["-G"] = NoRubyPlugins,
        ["--gem-path"] = NoRubyPlugins,
        ["-d"] = "Tailship does not daemonize; run it in the foreground under systemd or a container runtime",
        ["--daemon"] = "Tailship does not daemonize; run it in the foreground under systemd or a container runtime",
        ["--workers"] = "Tailship runs as one process that uses every core; there are no workers",
        ["--under-supervisor"] = "Tailship has no supervisor process",
        ["--user"] = "set the user with the service manager or the container's securityContext",
        ["--group"] = "set the group with the service manager or the container's securityContext",
        ["--umask"] = "set the umask with the service manager or the container's securityContext",
        ["-s"] = "Tailship installs no sample configuration; see examples/ in its repository",
        ["--setup"] = "Tailship installs no sample configuration; see examples/ in its repository",
        ["--use-v0-config"] = "Tailship reads only the v1 configuration syntax",
        ["--show-plugin-config"] = "use 'tailship --help TYPE' to see a plugin's parameters",
        ["-i"] = NotImplemented + "; put the configuration in the file given with -c",
        ["--inline-config"] = NotImplemented + "; put the configuration in the file given with -c",
        ["--log-rotate-age"] = NotImplemented + "; log to stderr and let the container runtime or logrotate rotate",
        ["--log-rotate-size"] = NotImplemented + "; log to stderr and let the container runtime or logrotate rotate",
        ["--log-event-verbose"] = NotImplemented,
        ["--emit-error-log-interval"] = NotImplemented,
        ["--suppress-repeated-stacktrace"] = NotImplemented,
        ["--without-source"] = NotImplemented,
        ["--config-file-type"] = NotImplemented + "; a file ending in .yaml or .yml is read as YAML, any other as fluent.conf",
        ["--conf-encoding"] = "Tailship reads configuration files as UTF-8 only",
        ["--disable-shared-socket"] = "Tailship has no workers and shares no sockets",
    };

    private static readonly string[] KnownOptions =
    [
        "--config", "--dry-run", "--verbose", "--quiet", "--version", "--help", "--log-format", "--log",
        "--shutdown-timeout", "--suppress-config-dump", "--write-plugin-docs", "--http-server",
    ];

    /// <summary>
    /// Parses <paramref name="args"/>, or the words of <c>FLUENTD_ARGS</c> when there are none. Returns the options,
    /// or null with a one-line <paramref name="error"/> (exit code <see cref="ExitCodes.Usage"/>).
    /// </summary>
    public static CommandLineOptions? Parse(IReadOnlyList<string> args, Func<string, string?> getEnvironmentVariable, out string? error)
    {
        var fromEnvironment = false;
        if (args.Count == 0 && getEnvironmentVariable(ArgsVariable) is { } variable && !string.IsNullOrWhiteSpace(variable))
        {
            var words = ShellWords.Split(variable, out var splitError);
            if (words is null)
            {
                error = $"{ArgsVariable}: {splitError}";
                return null;
            }

            args = words;
            fromEnvironment = true;
        }

        var options = new CommandLineOptions
        {
            ConfigPath = getEnvironmentVariable(ConfigVariable) is { Length: > 0 } conf ? conf : CommandLineOptions.DefaultConfigPath,
            FromEnvironment = fromEnvironment,
        };
        var parsed = ParseWords(args, options, out error);
        if (parsed is null && fromEnvironment)
        {
            error = $"{error} (in {ArgsVariable})";
        }

        return parsed;
    }

    private static CommandLineOptions? ParseWords(IReadOnlyList<string> args, CommandLineOptions options, out string? error)
    {
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            var name = arg;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is > 2 and var eq)
            {
                name = arg[..eq];
                inline = arg[(eq + 1)..];
            }
            else if (arg.Length > 2 && arg[0] == '-' && arg[1] is 'c' or 'o')
            {
                name = arg[..2];
                inline = arg[2..];
            }

            if (IsVerbosityCluster(arg))
            {
                var steps = arg.Count(c => c == 'v') - arg.Count(c => c == 'q');
                options = options with { Verbosity = (options.Verbosity ?? 0) + steps };
                continue;
            }

            switch (name)
            {
                case "-c" or "--config":
                    if (TakeValue(args, ref i, name, inline, out var path, out error))
                    {
                        options = options with { ConfigPath = path };
                        continue;
                    }

                    return null;
                case "--dry-run":
                    options = options with { Action = Max(options.Action, CommandAction.DryRun) };
                    continue;
                case "--verbose":
                    options = options with { Verbosity = (options.Verbosity ?? 0) + 1 };
                    continue;
                case "--quiet":
                    options = options with { Verbosity = (options.Verbosity ?? 0) - 1 };
                    continue;
                case "--version":
                    options = options with { Action = Max(options.Action, CommandAction.Version) };
                    continue;
                case "-h" or "--help":
                    // An optional operand: `--help TYPE` or `--help=TYPE`, but `--help -c x` is plain help.
                    var topic = inline;
                    if (topic is null && i + 1 < args.Count && !args[i + 1].StartsWith('-'))
                    {
                        topic = args[++i];
                    }

                    options = topic is null
                        ? options with { Action = Max(options.Action, CommandAction.Help) }
                        : options with { Action = Max(options.Action, CommandAction.PluginHelp), Argument = topic };
                    continue;
                case "--log-format":
                    if (!TakeValue(args, ref i, name, inline, out var format, out error))
                    {
                        return null;
                    }

                    if (format is not ("text" or "json"))
                    {
                        error = $"--log-format: expected text or json, found '{format}'";
                        return null;
                    }

                    options = options with { LogFormat = format == "json" ? AgentLogFormat.Json : AgentLogFormat.Text };
                    continue;
                case "-o" or "--log":
                    if (TakeValue(args, ref i, name, inline, out var log, out error))
                    {
                        options = options with { LogPath = log };
                        continue;
                    }

                    return null;
                case "--shutdown-timeout":
                    if (!TakeValue(args, ref i, name, inline, out var timeout, out error))
                    {
                        return null;
                    }

                    if (!ConfigValues.TryParseTime(timeout, out var span) || span <= TimeSpan.Zero)
                    {
                        error = $"--shutdown-timeout: expected a positive time such as 25, 25s or 1m, found '{timeout}'";
                        return null;
                    }

                    options = options with { ShutdownTimeout = span };
                    continue;
                case "--suppress-config-dump":
                    options = options with { SuppressConfigDump = true };
                    continue;
                case "--http-server":
                    if (!TakeValue(args, ref i, name, inline, out var address, out error))
                    {
                        return null;
                    }

                    if (!TryParseListenAddress(address, out var bind, out var port))
                    {
                        error = $"--http-server: expected PORT, HOST:PORT or [IPV6]:PORT with a port between 0 and 65535, found '{address}'";
                        return null;
                    }

                    options = options with { HttpServer = new HttpServerConfig(bind, port, "/metrics", MonitorApi: true) };
                    continue;
                case "--write-plugin-docs":
                    if (TakeValue(args, ref i, name, inline, out var directory, out error))
                    {
                        options = options with { Action = Max(options.Action, CommandAction.WritePluginDocs), Argument = directory };
                        continue;
                    }

                    return null;
            }

            if (IgnoredFluentdFlags.Contains(name))
            {
                continue;
            }

            if (RefusedFluentdOptions.TryGetValue(name, out var reason))
            {
                error = $"option '{name}' is a Fluentd option that Tailship does not support: {reason}";
                return null;
            }

            if (arg.StartsWith('-') && arg.Length > 1)
            {
                var suggestion = Suggest.Closest(name, KnownOptions);
                error = $"unknown option '{name}'" + (suggestion is null ? string.Empty : $"; did you mean '{suggestion}'?") + " (see tailship --help)";
                return null;
            }

            error = $"unexpected argument '{arg}'; the configuration file is given with -c FILE";
            return null;
        }

        return options;
    }

    /// <summary>
    /// <c>--http-server</c>'s value: <c>PORT</c> (on 127.0.0.1), <c>HOST:PORT</c> or <c>[IPV6]:PORT</c>. Port 0 picks a
    /// free port; the bound address is logged at start.
    /// </summary>
    internal static bool TryParseListenAddress(string text, out string bind, out int port)
    {
        bind = "127.0.0.1";
        var portText = text;
        var colon = text.LastIndexOf(':');
        if (colon >= 0)
        {
            bind = text[..colon];
            portText = text[(colon + 1)..];
            if (bind.StartsWith('[') && bind.EndsWith(']'))
            {
                bind = bind[1..^1];
            }
            else if (bind.Contains(':', StringComparison.Ordinal))
            {
                // An IPv6 address must be bracketed, or its last group would be read as the port.
                port = 0;
                return false;
            }
        }

        return int.TryParse(portText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port)
            && port <= 65535 && bind.Length > 0;
    }

    /// <summary><c>-v</c>, <c>-vv</c>, <c>-q</c>, <c>-qq</c>, and mixtures, as Ruby's option parser accepts them.</summary>
    private static bool IsVerbosityCluster(string arg) =>
        arg.Length > 1 && arg[0] == '-' && arg.AsSpan(1).IndexOfAnyExcept('v', 'q') < 0;

    /// <summary>When several actions are asked for, the one that does least wins (help over version over dry run over run).</summary>
    private static CommandAction Max(CommandAction a, CommandAction b) => (CommandAction)Math.Max((int)a, (int)b);

    private static bool TakeValue(IReadOnlyList<string> args, ref int i, string name, string? inline, out string value, out string? error)
    {
        if (inline is { Length: > 0 })
        {
            value = inline;
            error = null;
            return true;
        }

        if (inline is null && i + 1 < args.Count)
        {
            value = args[++i];
            error = null;
            return true;
        }

        value = string.Empty;
        error = $"option '{name}' needs a value";
        return false;
    }
}
