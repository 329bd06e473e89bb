using Microsoft.Extensions.Logging;
using Tailship.Config;

namespace Tailship.Hosting;

/// <summary>The declaration of <c>&lt;system&gt;</c> (Fluentd's parameters, the ones Tailship lacks marked so) and its binding.</summary>
internal static class SystemConfigSpec
{
    public static readonly IReadOnlyList<string> LogLevels = ["trace", "debug", "info", "warn", "error", "fatal"];

    public static readonly SectionSpec Spec = new("system", "Settings of the agent process.")
    {
        Params =
        [
            ParamSpec.Enum("log_level", "info", LogLevels, "Lowest level of the agent's own log (and of fluent.* events)."),
            ParamSpec.Bool("suppress_repeated_stacktrace", true, "Print a repeated stack trace only once."),
            ParamSpec.Time("emit_error_log_interval", null, "Minimum interval between two 'emit transaction failed' warnings, in seconds."),
            ParamSpec.Bool("suppress_config_dump", false, "Do not log the configuration at start."),
            ParamSpec.Bool("without_source", false, "Start without inputs: only flush what is buffered."),
            ParamSpec.String("process_name", null, "Name of the process."),
            ParamSpec.Integer("workers", 1, "Number of worker processes; Tailship runs one."),
            ParamSpec.String("root_dir", null, "Directory for plugin state (buffers of plugins with @id)."),
            ParamSpec.String("file_permission", null, "Mode of created files, octal (e.g. 0644)."),
            ParamSpec.String("dir_permission", null, "Mode of created directories, octal (e.g. 0755)."),
            ParamSpec.NotImplemented("restart_worker_interval", "Wait before restarting a worker."),
            ParamSpec.NotImplemented("log_event_verbose", "Emit verbose log events."),
            ParamSpec.NotImplemented("ignore_repeated_log_interval", "Suppress identical consecutive log lines for this interval."),
            ParamSpec.NotImplemented("ignore_same_log_interval", "Suppress identical log lines for this interval."),
            ParamSpec.NotImplemented("with_source_only", "Start inputs only, buffering their events."),
            ParamSpec.NotImplemented("enable_input_metrics", "Count events of input plugins."),
            ParamSpec.NotImplemented("enable_size_metrics", "Count event sizes."),
            ParamSpec.NotImplemented("rpc_endpoint", "HTTP RPC endpoint of the supervisor."),
            ParamSpec.NotImplemented("enable_get_dump", "Allow dumping the process state over RPC."),
            ParamSpec.NotImplemented("enable_msgpack_time_support", "Decode msgpack EventTime extension values."),
            ParamSpec.NotImplemented("disable_shared_socket", "Do not share listening sockets between workers."),
            ParamSpec.NotImplemented("enable_jit", "Enable Ruby's JIT."),
            ParamSpec.NotImplemented("strict_config_value", "Reject loosely typed values."),
            ParamSpec.NotImplemented("config_include_dir", "Directory of additional configuration files."),
        ],
        Sections =
        [
            new SectionSpec("log", "The agent's own log.")
            {
                Params =
                [
                    ParamSpec.Enum("format", "text", ["text", "json"], "Log line format."),
                    ParamSpec.String("time_format", null, "strftime format of the log time."),
                    ParamSpec.NotImplemented("rotate_age", "Number of rotated log files to keep."),
                    ParamSpec.NotImplemented("rotate_size", "Size at which the log file rotates."),
                    ParamSpec.NotImplemented("forced_stacktrace_level", "Level at which stack traces are always written."),
                ],
            },
            new SectionSpec("http_server", "Tailship: serve /metrics, /healthz, /readyz and Fluentd's monitor API over HTTP (off without this section).")
            {
                Params =
                [
                    ParamSpec.String("bind", "127.0.0.1", "Address to listen on; 0.0.0.0 for probes from outside the pod."),
                    ParamSpec.Integer("port", 24231, "TCP port to listen on (0: any free port)."),
                    ParamSpec.String("metrics_path", "/metrics", "Path of the Prometheus metrics."),
                    ParamSpec.Bool("monitor_api", true, "Also serve /api/plugins.json and /api/plugins (monitor_agent's API)."),
                ],
            },
            new SectionSpec("metrics", "Metrics plugin of the agent.") { Implemented = false },
            new SectionSpec("counter_server", "Counter server shared by workers.") { Implemented = false },
            new SectionSpec("counter_client", "Counter client of a worker.") { Implemented = false },
            new SectionSpec("source_only_buffer", "Buffer used with with_source_only.") { Implemented = false },
        ],
    };

    public static LogLevel ToLogLevel(string name) => name switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "info" => LogLevel.Information,
        "warn" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "fatal" => LogLevel.Critical,
        _ => LogLevel.Information,
    };

    /// <summary>Binds <paramref name="section"/> (null: defaults) and checks what the types cannot.</summary>
    public static SystemConfig Bind(ConfigBinder binder, ConfigSection? section, DiagnosticBag diagnostics)
    {
        if (section is null)
        {
            return SystemConfig.Default;
        }

        var where = section.Describe();
        var cfg = binder.Bind(section, Spec, diagnostics, where);
        var workers = cfg.GetInt("workers");
        if (workers != 1)
        {
            diagnostics.Add(new Diagnostic(
                DiagnosticSeverity.Error,
                cfg.LocationOf("workers"),
                workers < 1
                    ? $"parameter 'workers' must be at least 1, found {workers}"
                    : $"workers {workers}: Tailship runs one worker process; multiple workers are not implemented yet",
                where));
        }

        var log = cfg.GetSection("log");
        var http = cfg.GetSection("http_server");
        return new SystemConfig
        {
            LogLevelName = cfg.GetString("log_level") ?? "info",
            SuppressRepeatedStacktrace = cfg.GetBool("suppress_repeated_stacktrace"),
            EmitErrorLogInterval = cfg.GetTimeOrNull("emit_error_log_interval"),
            SuppressConfigDump = cfg.GetBool("suppress_config_dump"),
            WithoutSource = cfg.GetBool("without_source"),
            ProcessName = cfg.GetString("process_name"),
            Workers = 1,
            RootDir = cfg.GetString("root_dir"),
            FilePermission = Permission(cfg, "file_permission", diagnostics, where),
            DirPermission = Permission(cfg, "dir_permission", diagnostics, where),
            LogFormat = log?.GetString("format") ?? "text",
            LogTimeFormat = log?.GetString("time_format"),
            HttpServer = http is null ? null : BindHttpServer(http, diagnostics, where),
        };
    }

    private static HttpServerConfig? BindHttpServer(SectionConfig http, DiagnosticBag diagnostics, string where)
    {
        var port = http.GetInt("port");
        var path = http.GetString("metrics_path") ?? "/metrics";
        var ok = true;
        if (port is < 0 or > 65535)
        {
            diagnostics.Add(new Diagnostic(DiagnosticSeverity.Error, http.LocationOf("port"), $"parameter 'port' must be a TCP port between 0 and 65535, found {port}", where));
            ok = false;
        }

        if (!path.StartsWith('/'))
        {
            diagnostics.Add(new Diagnostic(DiagnosticSeverity.Error, http.LocationOf("metrics_path"), $"parameter 'metrics_path' must be a path starting with '/', found '{path}'", where));
            ok = false;
        }

        return ok ? new HttpServerConfig(http.GetString("bind") ?? "127.0.0.1", (int)port, path, http.GetBool("monitor_api")) : null;
    }

    private static int? Permission(SectionConfig cfg, string name, DiagnosticBag diagnostics, string where)
    {
        var text = cfg.GetString(name);
        if (text is null)
        {
            return null;
        }

        if (TryParseOctal(text, out var mode))
        {
            return mode;
        }

        diagnostics.Add(new Diagnostic(DiagnosticSeverity.Error, cfg.LocationOf(name), $"parameter '{name}': expected an octal mode such as 0644, found '{text}'", where));
        return null;
    }

    /// <summary>An octal file mode, at most 07777.</summary>
    private static bool TryParseOctal(string text, out int mode)
    {
        mode = 0;
        if (text.Length is 0 or > 5)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is < '0' or > '7')
            {
                return false;
            }

            mode = (mode * 8) + (c - '0');
        }

        return mode <= 0xFFF;
    }
}
