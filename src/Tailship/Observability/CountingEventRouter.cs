using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Observability;

/// <summary>
/// The router an input is started with: counts what the input emits (its <c>records_out</c> and Fluentd's
/// <c>emit_records</c>) before passing it on, so that every input is counted without doing it itself.
/// </summary>
internal sealed class CountingEventRouter(IEventRouter inner, PluginMetrics metrics) : IEventRouter
{
    public ValueTask EmitAsync(string tag, EventBatch batch, CancellationToken cancellationToken)
    {
        metrics.RecordsOut.Add(batch.Count);
        return inner.EmitAsync(tag, batch, cancellationToken);
    }

    public ValueTask EmitErrorAsync(string tag, Event @event, Exception error, CancellationToken cancellationToken)
    {
        metrics.AddError("error_event");
        return inner.EmitErrorAsync(tag, @event, error, cancellationToken);
    }
}
