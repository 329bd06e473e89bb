using Microsoft.Extensions.Logging;
using Tailship.Observability;
using Tailship.Plugins;
using Tailship.Routing;

namespace Tailship.Hosting;

/// <summary>A running set of inputs, filters, routes and outputs built from a <see cref="PipelinePlan"/>.</summary>
public sealed partial class Pipeline : IAsyncDisposable
{
    private static readonly TimeSpan DisposeStopTimeout = TimeSpan.FromSeconds(30);

    private readonly ILogger _logger;
    private readonly Router _root;
    private readonly Dictionary<string, Router> _labels;
    private readonly List<(PlannedPlugin Plan, IInput Input, IEventRouter Router)> _inputs;
    private readonly List<(PlannedPlugin Plan, IOutput Output)> _outputs;
    private readonly List<object> _built;
    private readonly List<(PlannedPlugin Plan, IInput Input)> _startedInputs = [];
    private readonly List<(PlannedPlugin Plan, IOutput Output)> _startedOutputs = [];
    private readonly AgentLogPump? _logPump;
    private readonly PipelinePlan _plan;
    private ObservabilityServer? _httpServer;
    private IDisposable? _readiness;
    private int _state; // 0 built, 1 started (or starting), 2 stopped; changed with Interlocked.

    private Pipeline(PipelineBuilder built, PipelinePlan plan, ILogger logger)
    {
        _plan = plan;
        _logger = logger;
        _root = built.Root;
        _labels = built.Labels;
        _inputs = built.Inputs;
        _outputs = built.Outputs;
        _built = built.All;
        _logPump = built.LogPump;
    }

    /// <summary>The top-level router (tests and metrics).</summary>
    internal Router RootRouter => _root;

    /// <summary>The router of a label, or null when the label is not defined.</summary>
    internal Router? LabelRouter(string label) => _labels.GetValueOrDefault(label);

    /// <summary>Where plugins and routers count, and what the HTTP endpoints read.</summary>
    public MetricsRegistry Metrics => _plan.Options.Metrics;

    /// <summary>Log messages turned into fluent.* events that were lost (queue full, or after stop).</summary>
    internal long DroppedLogEvents => _logPump?.Dropped ?? 0;

    /// <summary>Builds every plugin of the plan (this is where I/O may happen); does not start them.</summary>
    public static Pipeline Build(PipelinePlan plan)
    {
        var logger = plan.Options.LoggerFactory.CreateLogger("Tailship.Hosting.Pipeline");
        var builder = new PipelineBuilder(plan, logger);
        try
        {
            builder.Build();
        }
        catch (Exception ex)
        {
            LogBuildFailed(logger, ex.Message, ex);

            // Build is synchronous by contract; nothing has started, so disposing cannot wait on running work.
            DisposeAll(builder.All, logger).AsTask().GetAwaiter().GetResult();
            throw;
        }

        return new Pipeline(builder, plan, logger);
    }

    /// <summary>Starts outputs, then inputs. When it throws, call <see cref="StopAsync"/> to stop what started.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("the pipeline was already started");
        }

        foreach (var (plan, output) in _outputs)
        {
            LogStarting(_logger, "output", plan.Type, plan.Id);
            await output.StartAsync(cancellationToken).ConfigureAwait(false);
            _startedOutputs.Add((plan, output));
        }

        _logPump?.Start();
        foreach (var (plan, input, router) in _inputs)
        {
            LogStarting(_logger, "input", plan.Type, plan.Id);
            await input.StartAsync(router, cancellationToken).ConfigureAwait(false);
            _startedInputs.Add((plan, input));
        }

        StartHttpServer();
    }

    /// <summary>
    /// Stops inputs first, then routes the queued log events, then stops outputs in reverse order (each flushing
    /// what its configuration says), within the token's deadline. A plugin that fails to stop is logged as an
    /// error and the others still stop.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return;
        }

        for (var i = _startedInputs.Count - 1; i >= 0; i--)
        {
            var (plan, input) = _startedInputs[i];
            try
            {
                await input.StopAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogStopFailed(_logger, "input", plan.Type, plan.Id, ex);
            }
        }

        if (_logPump is not null)
        {
            try
            {
                await _logPump.StopAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex)
            {
                LogStopFailed(_logger, "log event router", "fluent.*", "-", ex);
            }
        }

        for (var i = _startedOutputs.Count - 1; i >= 0; i--)
        {
            var (plan, output) = _startedOutputs[i];
            try
            {
                await output.StopAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogStopFailed(_logger, "output", plan.Type, plan.Id, ex);
            }
        }

        await StopHttpServerAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Routes one of the agent's own log messages as a Fluentd-style <c>fluent.LEVEL</c> event (to
    /// <c>&lt;label @FLUENT_LOG&gt;</c> when present, else the top-level routes) when its level is at or above the
    /// <c>&lt;system&gt; log_level</c>. Never blocks; messages logged while a log event is being routed are not
    /// re-emitted.
    /// </summary>
    public void EmitAgentLog(LogLevel level, string message) => _logPump?.Emit(level, message);

    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _state) == 1)
        {
            using var timeout = new CancellationTokenSource(DisposeStopTimeout);
            await StopAsync(timeout.Token).ConfigureAwait(false);
        }

        Interlocked.Exchange(ref _state, 2);
        await DisposeAll(_built, _logger).ConfigureAwait(false);
    }

    private static async ValueTask DisposeAll(List<object> plugins, ILogger logger)
    {
        for (var i = plugins.Count - 1; i >= 0; i--)
        {
            try
            {
                switch (plugins[i])
                {
                    case IAsyncDisposable asyncDisposable:
                        await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                        break;
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                }
            }
            catch (Exception ex)
            {
                LogDisposeFailed(logger, plugins[i].GetType().Name, ex);
            }
        }

        plugins.Clear();
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Debug, Message = "starting {Kind} plugin type={Type} plugin_id=\"{Id}\"")]
    private static partial void LogStarting(ILogger logger, string kind, string type, string id);

    [LoggerMessage(EventId = 121, Level = LogLevel.Error, Message = "failed to stop {Kind} plugin type={Type} plugin_id=\"{Id}\"")]
    private static partial void LogStopFailed(ILogger logger, string kind, string type, string id, Exception exception);

    [LoggerMessage(EventId = 122, Level = LogLevel.Error, Message = "failed to build the pipeline: {Error}")]
    private static partial void LogBuildFailed(ILogger logger, string error, Exception exception);

    [LoggerMessage(EventId = 123, Level = LogLevel.Error, Message = "failed to dispose {Plugin}")]
    private static partial void LogDisposeFailed(ILogger logger, string plugin, Exception exception);
}
