using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Tailship.Events;
using Tailship.Observability;
using Tailship.Plugins;

namespace Tailship.Routing;

/// <summary>
/// Routes the events of one label scope (or the top level): the filters whose pattern matches, in file order, up
/// to the first matching <c>&lt;match&gt;</c>, then that output. The route of a tag is computed once and cached,
/// so routing a batch costs a dictionary lookup and no allocation.
/// </summary>
/// <remarks>
/// Rules are added while the pipeline is built and frozen by <see cref="Seal"/> before the first event; the
/// cache is the only state shared between emitting threads.
/// </remarks>
internal sealed partial class Router : IEventRouter
{
    /// <summary>Routes kept per scope; a config with unbounded tags (one per host or request) must not grow memory.</summary>
    internal const int MaxCachedRoutes = 4096;

    private readonly ConcurrentDictionary<string, Route> _cache = new(StringComparer.Ordinal);
    private readonly List<RouteRule> _building = [];
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _emitErrorLogInterval;
    private RouteRule[] _rules = [];
    private long _unmatchedEvents;
    private long _errorEvents;
    private long _emitErrorLogSuppressedUntil;

    public Router(string? label, ILoggerFactory loggerFactory, TimeProvider time, TimeSpan emitErrorLogInterval = default)
    {
        Label = label;
        _logger = loggerFactory.CreateLogger("Tailship.Routing.Router");
        _time = time;
        _emitErrorLogInterval = emitErrorLogInterval;
    }

    /// <summary>The label this router serves; null for the top level.</summary>
    public string? Label { get; }

    /// <summary>False for <c>@FLUENT_LOG</c>, where an unmatched log event is dropped without a warning (as in Fluentd).</summary>
    public bool WarnUnmatched { get; init; } = true;

    /// <summary>Counters of this scope for /metrics; null when the router runs without a metrics registry.</summary>
    public RouterMetrics? Metrics { get; init; }

    /// <summary>The <c>@ERROR</c> label's router, or null when there is none (or this is it).</summary>
    public IEventRouter? ErrorRouter { get; set; }

    /// <summary>Events dropped because no <c>&lt;match&gt;</c> matched their tag.</summary>
    public long UnmatchedEvents => Interlocked.Read(ref _unmatchedEvents);

    /// <summary>Events plugins handed to <see cref="EmitErrorAsync"/>.</summary>
    public long ErrorEvents => Interlocked.Read(ref _errorEvents);

    public IReadOnlyList<RouteRule> Rules => _rules;

    public void AddFilter(TagPattern pattern, string pluginId, IFilter filter) => _building.Add(new RouteRule(pattern, pluginId, filter, null));

    public void AddMatch(TagPattern pattern, string pluginId, IOutput output) => _building.Add(new RouteRule(pattern, pluginId, null, output));

    /// <summary>Makes the rules added so far the ones routing uses.</summary>
    public void Seal()
    {
        _rules = [.. _building];
        _cache.Clear();
    }

    /// <summary>True when some <c>&lt;match&gt;</c> of this scope matches <paramref name="tag"/>.</summary>
    public bool HasMatch(string tag) => GetRoute(tag).Output is not null;

    public ValueTask EmitAsync(string tag, EventBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        var route = GetRoute(tag);
        if (route.Output is null)
        {
            CountUnmatched(route, tag, batch.Count);
            return ValueTask.CompletedTask;
        }

        try
        {
            foreach (var filter in route.Filters)
            {
                batch = filter.Filter(tag, batch);
                if (batch.Count == 0)
                {
                    return ValueTask.CompletedTask;
                }
            }

            Metrics?.Routed.Add(batch.Count);
            var pending = route.Output.EmitAsync(tag, batch, cancellationToken);
            if (pending.IsCompletedSuccessfully)
            {
                pending.GetAwaiter().GetResult();
                route.OutputMetrics?.AddEmit(batch.Count);
                return ValueTask.CompletedTask;
            }

            return AwaitEmitAsync(pending, tag, route, batch.Count, cancellationToken);
        }
        catch (Exception ex) when (LogEmitFailed(tag, route.OutputId!, ex, cancellationToken))
        {
            // Not entered: the exception filter logs and returns false, so the exception reaches the emitter
            // unchanged and the emitter keeps the events (Fluentd re-raises in the same way).
            throw;
        }
    }

    public ValueTask EmitErrorAsync(string tag, Event @event, Exception error, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _errorEvents);
        Metrics?.ErrorEvents.Increment();
        if (ErrorRouter is { } errors)
        {
            LogSendErrorEvent(_logger, error.GetType().Name, error.Message, tag, @event.Time);
            var batch = new EventBatch(1);
            batch.Add(@event);
            return errors.EmitAsync(tag, batch, cancellationToken);
        }

        LogDumpErrorEvent(_logger, error.GetType().Name, error.Message, tag, @event.Time, @event.Record.ToString());
        return ValueTask.CompletedTask;
    }

    private Route GetRoute(string tag)
    {
        if (_cache.TryGetValue(tag, out var route))
        {
            return route;
        }

        route = Route.Compute(_rules, tag);
        if (Metrics is not null && route.OutputId is { } outputId)
        {
            route.OutputMetrics = Metrics.Registry.FindPlugin(outputId);
        }

        if (_cache.Count >= MaxCachedRoutes)
        {
            _cache.Clear();
        }

        return _cache.GetOrAdd(tag, route);
    }

    private async ValueTask AwaitEmitAsync(ValueTask pending, string tag, Route route, int records, CancellationToken cancellationToken)
    {
        try
        {
            await pending.ConfigureAwait(false);
            route.OutputMetrics?.AddEmit(records);
        }
        catch (Exception ex) when (LogEmitFailed(tag, route.OutputId!, ex, cancellationToken))
        {
            throw;
        }
    }

    /// <summary>Logs a failed emit (rate-limited by <c>emit_error_log_interval</c>); always false, so the exception flows on.</summary>
    private bool LogEmitFailed(string tag, string outputId, Exception ex, CancellationToken cancellationToken)
    {
        if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        Metrics?.EmitFailures.Increment();
        if (_emitErrorLogInterval > TimeSpan.Zero)
        {
            var now = _time.GetTimestamp();
            var until = Interlocked.Read(ref _emitErrorLogSuppressedUntil);
            if (now < until)
            {
                return false;
            }

            var next = now + (long)(_emitErrorLogInterval.TotalSeconds * _time.TimestampFrequency);
            if (Interlocked.CompareExchange(ref _emitErrorLogSuppressedUntil, next, until) != until)
            {
                return false;
            }
        }

        LogEmitTransactionFailed(_logger, ex.GetType().Name, ex.Message, tag, outputId, ex);
        return false;
    }

    private void CountUnmatched(Route route, string tag, int events)
    {
        Interlocked.Add(ref _unmatchedEvents, events);
        Metrics?.Unmatched.Add(events);
        var n = Interlocked.Increment(ref route.UnmatchedBatches);
        if (!WarnUnmatched)
        {
            return;
        }

        // Fluentd's back-off: warn on the 1st, 2nd, 4th... batch up to 512, then every 512th.
        var warn = n < 512 ? (n & (n - 1)) == 0 : n % 512 == 0;
        if (warn)
        {
            LogNoPatternsMatched(_logger, tag);
        }
    }
}
