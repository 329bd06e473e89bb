namespace Tailship.Routing;

/// <summary>The labels Fluentd gives a meaning to.</summary>
internal static class LabelNames
{
    /// <summary>Receives the events a plugin could not handle (<c>emit_error_event</c>).</summary>
    public const string Error = "@ERROR";

    /// <summary>Receives the agent's own log events (<c>fluent.info</c>, <c>fluent.warn</c>...).</summary>
    public const string FluentLog = "@FLUENT_LOG";
}
