using Microsoft.Extensions.Logging;

namespace Tailship.Hosting;

/// <summary>The bound <c>&lt;system&gt;</c> section (defaults when there is none). The command line reads the log settings here.</summary>
public sealed record SystemConfig
{
    public static SystemConfig Default { get; } = new();

    /// <summary>Fluentd's level name: trace, debug, info, warn, error or fatal.</summary>
    public string LogLevelName { get; init; } = "info";

    /// <summary><see cref="LogLevelName"/> as a .NET level (fatal is <see cref="LogLevel.Critical"/>).</summary>
    public LogLevel LogLevel => SystemConfigSpec.ToLogLevel(LogLevelName);

    public bool SuppressRepeatedStacktrace { get; init; } = true;

    /// <summary>Minimum time between two "emit transaction failed" warnings; null logs each one.</summary>
    public TimeSpan? EmitErrorLogInterval { get; init; }

    public bool SuppressConfigDump { get; init; }

    /// <summary>Start without any <c>&lt;source&gt;</c>: only what is already buffered is flushed.</summary>
    public bool WithoutSource { get; init; }

    public string? ProcessName { get; init; }

    public int Workers { get; init; } = 1;

    public string? RootDir { get; init; }

    /// <summary>Mode of files Tailship creates (octal in the config, e.g. <c>0644</c>); null for the default.</summary>
    public int? FilePermission { get; init; }

    /// <summary>Mode of directories Tailship creates (octal in the config, e.g. <c>0755</c>); null for the default.</summary>
    public int? DirPermission { get; init; }

    /// <summary>Format of the agent's own log: <c>text</c> or <c>json</c>.</summary>
    public string LogFormat { get; init; } = "text";

    /// <summary>strftime format of the time in the agent's own log; null for Fluentd's default.</summary>
    public string? LogTimeFormat { get; init; }

    /// <summary>The metrics and health listener of <c>&lt;http_server&gt;</c> (a Tailship section); null when there is none.</summary>
    public HttpServerConfig? HttpServer { get; init; }
}

/// <summary><c>&lt;system&gt; &lt;http_server&gt;</c>: where the pipeline serves /metrics, /healthz, /readyz and the monitor API.</summary>
public sealed record HttpServerConfig(string Bind, int Port, string MetricsPath, bool MonitorApi);
