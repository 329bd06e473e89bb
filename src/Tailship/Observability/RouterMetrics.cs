namespace Tailship.Observability;

/// <summary>The counters of one router scope, labelled <c>label</c> (<c>root</c> for the top level; label names start with @).</summary>
internal sealed class RouterMetrics
{
    public RouterMetrics(MetricsRegistry registry, string? label)
    {
        Registry = registry;
        (string, string) scope = ("label", label ?? "root");
        Routed = registry.Counter("tailship_router_records_total", "Records the router handed to an output, after filters.", scope);
        Unmatched = registry.Counter("tailship_router_unmatched_records_total", "Records dropped because no <match> matched their tag.", scope);
        ErrorEvents = registry.Counter("tailship_router_error_records_total", "Records plugins sent to @ERROR (or dumped to the log when there is no @ERROR label).", scope);
        EmitFailures = registry.Counter("tailship_router_emit_failures_total", "Batches an output refused (the emitter kept them and will retry).", scope);
    }

    /// <summary>Where the router finds the handles of its outputs, to count what each one accepted.</summary>
    public MetricsRegistry Registry { get; }

    public Counter Routed { get; }

    public Counter Unmatched { get; }

    public Counter ErrorEvents { get; }

    public Counter EmitFailures { get; }
}
