using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Tailship.Config;

namespace Tailship.Hosting;

/// <summary>
/// The <c>tailship</c> process: parses the command line, reads and validates the configuration (printing every
/// problem), builds and starts the pipeline, runs until SIGTERM or SIGINT, then stops it within the shutdown
/// deadline. Returns one of <see cref="ExitCodes"/>.
/// </summary>
internal sealed partial class AgentHost
{
    private readonly AgentHostEnvironment _env;

    public AgentHost(AgentHostEnvironment environment)
    {
        _env = environment;
    }

    /// <summary>The version printed by <c>--version</c> and at start, without build metadata.</summary>
    public static string Version { get; } =
        typeof(AgentHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static Task<int> RunProcessAsync(string[] args) => new AgentHost(AgentHostEnvironment.FromProcess()).RunAsync(args);

    public async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var options = CommandLine.Parse(args, _env.GetEnvironmentVariable, out var error);
        if (options is null)
        {
            await _env.Error.WriteLineAsync($"tailship: {error}\nRun 'tailship --help' for the options.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        switch (options.Action)
        {
            case CommandAction.Version:
                await _env.Out.WriteLineAsync($"tailship {Version}").ConfigureAwait(false);
                return ExitCodes.Ok;
            case CommandAction.Help:
                await _env.Out.WriteAsync(CommandLine.Usage).ConfigureAwait(false);
                return ExitCodes.Ok;
            case CommandAction.PluginHelp:
                var help = PluginHelp.Render(_env.CreateRegistry(), options.Argument!, out error);
                await (help is null ? _env.Error.WriteLineAsync($"tailship: {error}") : _env.Out.WriteAsync(help)).ConfigureAwait(false);
                return help is null ? ExitCodes.Usage : ExitCodes.Ok;
            case CommandAction.WritePluginDocs:
                foreach (var path in PluginDocs.WriteTo(options.Argument!, _env.CreateRegistry()))
                {
                    await _env.Out.WriteLineAsync($"wrote {path}").ConfigureAwait(false);
                }

                return ExitCodes.Ok;
            default:
                return await RunAgentAsync(options).ConfigureAwait(false);
        }
    }

    private async Task<int> RunAgentAsync(CommandLineOptions options)
    {
        Stream output;
        try
        {
            output = options.LogPath is null
                ? _env.OpenStandardError()
                : new FileStream(options.LogPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await _env.Error.WriteLineAsync($"tailship: cannot open the log file '{options.LogPath}': {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        var level = AgentLogLevels.FromVerbosity(options.Verbosity ?? 0);
        using var sink = new AgentLogSink(output, ownsOutput: true, _env.Time, level, options.LogFormat ?? AgentLogFormat.Text);
        using var loggers = new AgentLoggerFactory(sink);
        var logger = loggers.CreateLogger("Tailship.Agent");
        try
        {
            return await RunAgentAsync(options, sink, loggers, logger).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The one catch-all of the process: whatever escaped is reported with its stack, never swallowed.
            Log.Unexpected(logger, ex);
            return ExitCodes.Failure;
        }
    }

    private async Task<int> RunAgentAsync(CommandLineOptions options, AgentLogSink sink, AgentLoggerFactory loggers, ILogger logger)
    {
        var registry = _env.CreateRegistry();
        var diagnostics = new DiagnosticBag();
        var root = LoadConfig(options.ConfigPath, diagnostics, logger);
        if (root is null)
        {
            return ReportInvalid(diagnostics, options.ConfigPath, logger);
        }

        // The command line wins over <system>, as in Fluentd.
        var system = AgentSystemSettings.Read(root);
        if (options.Verbosity is null && system.LogLevel is { } systemLevel)
        {
            sink.Level = systemLevel;
        }

        if (options.LogFormat is null && system.LogFormat is { } systemFormat)
        {
            sink.Format = systemFormat;
        }

        Log.ConfigParsed(logger, options.ConfigPath);
        if (!options.SuppressConfigDump && !system.SuppressConfigDump && logger.IsEnabled(LogLevel.Information))
        {
            Log.UsingConfig(logger, ConfigDump.Render(root, registry));
        }

        var pipelineOptions = new PipelineOptions { Registry = registry, LoggerFactory = loggers, Time = _env.Time, HttpServer = options.HttpServer };
        var plan = PipelinePlan.Create(root, pipelineOptions, diagnostics);
        if (plan is null || diagnostics.HasErrors)
        {
            return ReportInvalid(diagnostics, options.ConfigPath, logger);
        }

        ReportWarnings(diagnostics, logger);
        if (options.Action == CommandAction.DryRun)
        {
            Log.DryRunFinished(logger);
            return ExitCodes.Ok;
        }

        return await RunPipelineAsync(plan, options, sink, logger).ConfigureAwait(false);
    }

    private async Task<int> RunPipelineAsync(PipelinePlan plan, CommandLineOptions options, AgentLogSink sink, ILogger logger)
    {
        Log.Starting(logger, Version, _env.ProcessId, RuntimeInformation.FrameworkDescription);
        using var stop = new StopRequest(
            onForce: signal =>
            {
                Log.ForcedExit(logger, signal);
                _env.ForceExit(ExitCodes.Failure);
            },
            onIgnored: signal =>
            {
                if (signal == "SIGHUP")
                {
                    Log.ReloadIgnored(logger, signal);
                }
                else
                {
                    Log.RepeatedSignal(logger, signal);
                }
            },
            _env.Time);

        // Registered before building, so that a signal during a slow start still stops gracefully.
        using var signals = _env.Signals.Register(stop.OnSignal);

        Pipeline pipeline;
        try
        {
            pipeline = Pipeline.Build(plan);
        }
        catch (Exception ex)
        {
            Log.BuildFailed(logger, ex);
            return ExitCodes.Failure;
        }

        try
        {
            await pipeline.StartAsync(stop.Stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.Stopping.IsCancellationRequested)
        {
            // Stopped while starting: fall through to the graceful stop of what did start.
        }
        catch (Exception ex)
        {
            Log.StartFailed(logger, ex);
            if (await StopAsync(pipeline, options.ShutdownTimeout, logger).ConfigureAwait(false))
            {
                await pipeline.DisposeAsync().ConfigureAwait(false);
            }

            return ExitCodes.Failure;
        }

        var trim = Task.CompletedTask;
        if (!stop.Stopping.IsCancellationRequested)
        {
            sink.Forward = pipeline.EmitAgentLog;
            Log.Running(logger, _env.ProcessId);
            trim = TrimPagesAsync(logger, stop.Stopping);
        }

        var signal = await stop.Requested.ConfigureAwait(false);
        await trim.ConfigureAwait(false);
        Log.Stopping(logger, signal, options.ShutdownTimeout.TotalSeconds);
        var stopped = await StopAsync(pipeline, options.ShutdownTimeout, logger).ConfigureAwait(false);
        sink.Forward = null;
        if (!stopped)
        {
            // Not disposed: a part that overran its deadline may never return; the process exits now instead.
            return ExitCodes.Failure;
        }

        await pipeline.DisposeAsync().ConfigureAwait(false);
        Log.Stopped(logger);
        return ExitCodes.Ok;
    }

    /// <summary>Stops the pipeline within the deadline; false (after logging why) when it failed or overran.</summary>
    private async Task<bool> StopAsync(Pipeline pipeline, TimeSpan timeout, ILogger logger)
    {
        using var deadline = new CancellationTokenSource(timeout, _env.Time);
        try
        {
            // The pipeline is asked to honour the token; the wait guards against a part that does not.
            await pipeline.StopAsync(deadline.Token).WaitAsync(timeout + TimeSpan.FromSeconds(1), _env.Time).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && deadline.IsCancellationRequested))
        {
            Log.StopTimedOut(logger, timeout.TotalSeconds);
            return false;
        }
        catch (Exception ex)
        {
            Log.StopFailed(logger, ex);
            return false;
        }
    }

    private ConfigSection? LoadConfig(string path, DiagnosticBag diagnostics, ILogger logger)
    {
        try
        {
            return _env.LoadConfig(path, diagnostics);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The reader reports a missing file as a diagnostic; this covers I/O failures it did not expect.
            Log.ConfigUnreadable(logger, ex.Message, ex);
            diagnostics.Error(new SourceLocation(path, 0, 0), $"cannot read the configuration: {ex.Message}");
            return null;
        }
    }

    private static int ReportInvalid(DiagnosticBag diagnostics, string path, ILogger logger)
    {
        ReportWarnings(diagnostics, logger);
        var errors = diagnostics.Items.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        foreach (var d in errors)
        {
            Log.ConfigError(logger, Describe(d));
        }

        Log.ConfigInvalid(logger, Math.Max(errors.Count, 1), path);
        return ExitCodes.InvalidConfig;
    }

    private static void ReportWarnings(DiagnosticBag diagnostics, ILogger logger)
    {
        foreach (var d in diagnostics.Items.Where(d => d.Severity == DiagnosticSeverity.Warning))
        {
            Log.ConfigWarning(logger, Describe(d));
        }
    }

    /// <summary>A diagnostic without its severity word: the log line's level already says it.</summary>
    private static string Describe(Diagnostic d) =>
        d.Section is null ? $"{d.Location}: {d.Message}" : $"{d.Location}: {d.Section}: {d.Message}";
}
