using Microsoft.Extensions.Logging;
using Tailship.Config;
using Tailship.Observability;
using Tailship.Plugins;
using Tailship.Routing;

namespace Tailship.Hosting;

/// <summary>
/// Builds the plugins of a plan into routers: one per label plus the top level, wired to <c>@ERROR</c>, and the
/// log event pump for <c>fluent.*</c> events. Everything built is kept in <see cref="All"/> so a failure can dispose it.
/// </summary>
internal sealed partial class PipelineBuilder
{
    private readonly PipelinePlan _plan;
    private readonly ILogger _logger;

    /// <summary>Shared by every plugin context: inputs register the files they read, file buffers ask at recovery.</summary>
    private readonly Buffers.SourceRegistry _sources = new();

    public PipelineBuilder(PipelinePlan plan, ILogger logger)
    {
        _plan = plan;
        _logger = logger;
        var options = plan.Options;
        var interval = plan.System.EmitErrorLogInterval ?? TimeSpan.Zero;
        Root = new Router(null, options.LoggerFactory, options.Time, interval) { Metrics = new RouterMetrics(options.Metrics, null) };
        foreach (var name in plan.Labels)
        {
            Labels[name] = new Router(name, options.LoggerFactory, options.Time, interval)
            {
                WarnUnmatched = name != LabelNames.FluentLog,
                Metrics = new RouterMetrics(options.Metrics, name),
            };
        }
    }

    public Router Root { get; }

    public Dictionary<string, Router> Labels { get; } = new(StringComparer.Ordinal);

    public List<(PlannedPlugin Plan, IInput Input, IEventRouter Router)> Inputs { get; } = [];

    public List<(PlannedPlugin Plan, IOutput Output)> Outputs { get; } = [];

    public List<object> All { get; } = [];

    public AgentLogPump? LogPump { get; private set; }

    public void Build()
    {
        var errors = Labels.GetValueOrDefault(LabelNames.Error);
        foreach (var router in Labels.Values.Append(Root))
        {
            // The @ERROR label's own failures are dumped to the log, never sent back to itself.
            router.ErrorRouter = ReferenceEquals(router, errors) ? null : errors;
        }

        foreach (var planned in _plan.Plugins)
        {
            if (planned.Kind == PluginKind.Input && _plan.System.WithoutSource)
            {
                continue;
            }

            BuildPlugin(planned);
        }

        foreach (var router in Labels.Values.Append(Root))
        {
            router.Seal();
        }

        LogPump = CreateLogPump();
    }

    private void BuildPlugin(PlannedPlugin planned)
    {
        var options = _plan.Options;
        var scope = planned.Scope is null ? Root : Labels[planned.Scope];
        var router = planned.Label is null ? scope : Labels[planned.Label];
        var context = new PluginContext(options.Registry)
        {
            PluginId = planned.Id,
            PluginType = planned.Type,
            LoggerFactory = options.LoggerFactory,
            Time = options.Time,
            Hostname = options.Hostname,
            WorkerId = options.WorkerId,
            Router = router,
            LabelRouter = name => Labels.GetValueOrDefault(name),
            MetricsRegistry = options.Metrics,
            Sources = _sources,
        };

        var metrics = RegisterMetrics(planned);
        var built = planned.Bound.Descriptor.Build(planned.Bound.Options, context);
        All.Add(built);
        if (built is IReadiness readiness)
        {
            options.Metrics.Readiness.Add(planned.Id, readiness);
        }

        switch (planned.Kind)
        {
            case PluginKind.Input:
                Inputs.Add((planned, As<IInput>(built, planned), new CountingEventRouter(router, metrics)));
                break;
            case PluginKind.Filter:
                scope.AddFilter(planned.Pattern!, planned.Id, As<IFilter>(built, planned));
                break;
            case PluginKind.Output:
                var output = As<IOutput>(built, planned);
                scope.AddMatch(planned.Pattern!, planned.Id, output);
                Outputs.Add((planned, output));
                break;
            default:
                throw new InvalidOperationException($"{planned.Section.Describe()} is not a top-level plugin kind");
        }
    }

    /// <summary>Lists the plugin for the monitor API (category and masked config) before it is built.</summary>
    private PluginMetrics RegisterMetrics(PlannedPlugin planned)
    {
        var category = planned.Kind switch
        {
            PluginKind.Input => "input",
            PluginKind.Output => "output",
            PluginKind.Filter => "filter",
            _ => "unknown",
        };
        var metrics = _plan.Options.Metrics.ForPlugin(planned.Id, planned.Type, category);
        metrics.Config = PluginConfigDump.From(planned.Section, planned.Bound.Descriptor.Spec.Root);
        return metrics;
    }

    private static T As<T>(object built, PlannedPlugin planned)
        where T : class =>
        built as T ?? throw new InvalidOperationException($"{planned.Section.Describe()} at {planned.Section.Location}: @type {planned.Type} built a {built.GetType().Name}, not a {typeof(T).Name}");

    /// <summary>
    /// Where fluent.* events go, as in Fluentd: <c>&lt;label @FLUENT_LOG&gt;</c> when defined; else the top level,
    /// but only when some top-level <c>&lt;match&gt;</c> matches a fluent.* tag at all.
    /// </summary>
    private AgentLogPump? CreateLogPump()
    {
        var minimum = _plan.System.LogLevel;
        var levels = Enumerable.Range((int)minimum, (int)LogLevel.None - (int)minimum).Select(l => AgentLogPump.TagOf((LogLevel)l)).ToList();
        var router = Labels.GetValueOrDefault(LabelNames.FluentLog)
            ?? (levels.Any(Root.HasMatch) ? Root : null);
        if (router is null)
        {
            return null;
        }

        var unmatched = levels.Where(t => !router.HasMatch(t)).ToList();
        if (unmatched.Count > 0)
        {
            LogUnmatchedLogTags(_logger, string.Join(", ", unmatched));
        }

        return new AgentLogPump(router, minimum, _plan.Options.Time, _logger);
    }

    [LoggerMessage(EventId = 131, Level = LogLevel.Warning, Message = "match for some tags of log events are not defined (to be ignored) tags=[{Tags}]")]
    private static partial void LogUnmatchedLogTags(ILogger logger, string tags);
}
