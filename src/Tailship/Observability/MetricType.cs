namespace Tailship.Observability;

/// <summary>The Prometheus type of a metric family (the <c># TYPE</c> line).</summary>
public enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}
