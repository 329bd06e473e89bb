namespace Tailship.Inputs.Prometheus;

/// <summary>The bound parameters of <c>@type prometheus</c>.</summary>
public sealed record PrometheusOptions(string Bind, int Port, string MetricsPath, string? AggregatedMetricsPath, bool PerFileMetrics);
