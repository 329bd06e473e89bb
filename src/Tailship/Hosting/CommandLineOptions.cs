namespace Tailship.Hosting;

/// <summary>What the command line asks for.</summary>
internal enum CommandAction
{
    /// <summary>Read, validate, build and run the pipeline until a signal stops it.</summary>
    Run,

    /// <summary>Read and validate only (<c>--dry-run</c>).</summary>
    DryRun,

    Version,

    Help,

    /// <summary>Print the parameters of one plugin (<c>--help TYPE</c>).</summary>
    PluginHelp,

    /// <summary>Write the generated plugin reference into a directory (<c>--write-plugin-docs DIR</c>).</summary>
    WritePluginDocs,
}

/// <summary>The output shape of the agent's own log.</summary>
internal enum AgentLogFormat
{
    /// <summary>Fluentd's lines: <c>2026-11-26 01:20:00 +0000 [info]: message</c>.</summary>
    Text,

    /// <summary>One JSON object per line: <c>{"time":"...","level":"info","message":"..."}</c>.</summary>
    Json,
}

/// <summary>The parsed command line. Null members mean "not given": the configuration's <c>&lt;system&gt;</c> decides.</summary>
internal sealed record CommandLineOptions
{
    /// <summary>Fluentd's default configuration path, used when neither <c>-c</c> nor <c>FLUENT_CONF</c> is given.</summary>
    public const string DefaultConfigPath = "/etc/fluent/fluent.conf";

    /// <summary>Below the 30 s termination grace period of a Kubernetes Pod, so the flush finishes before SIGKILL.</summary>
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(25);

    public CommandAction Action { get; init; } = CommandAction.Run;

    public string ConfigPath { get; init; } = DefaultConfigPath;

    /// <summary>Steps away from <c>info</c>: +1 per <c>-v</c>, -1 per <c>-q</c>; null when neither was given.</summary>
    public int? Verbosity { get; init; }

    public AgentLogFormat? LogFormat { get; init; }

    /// <summary>File the agent log is appended to instead of stderr (<c>-o</c>); null for stderr.</summary>
    public string? LogPath { get; init; }

    public TimeSpan ShutdownTimeout { get; init; } = DefaultShutdownTimeout;

    public bool SuppressConfigDump { get; init; }

    /// <summary>The listener of <c>--http-server</c>; it wins over <c>&lt;system&gt; &lt;http_server&gt;</c>'s address.</summary>
    public HttpServerConfig? HttpServer { get; init; }

    /// <summary>The plugin type of <c>--help TYPE</c>, or the directory of <c>--write-plugin-docs</c>.</summary>
    public string? Argument { get; init; }

    /// <summary>True when the arguments came from the <c>FLUENTD_ARGS</c> variable.</summary>
    public bool FromEnvironment { get; init; }
}
