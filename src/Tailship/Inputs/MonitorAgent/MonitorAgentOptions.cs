namespace Tailship.Inputs.MonitorAgent;

/// <summary>The bound parameters of <c>@type monitor_agent</c>.</summary>
public sealed record MonitorAgentOptions(
    string Bind,
    int Port,
    string? Tag,
    TimeSpan EmitInterval,
    bool EmitConfig,
    bool IncludeConfig,
    bool IncludeRetry);
