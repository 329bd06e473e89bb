namespace Tailship.Observability;

/// <summary>Whether a component can do its work now; <see cref="Reason"/> says why not (shown by <c>/readyz</c>).</summary>
public readonly record struct ReadinessStatus(bool IsReady, string? Reason)
{
    public static ReadinessStatus Ready => new(true, null);

    public static ReadinessStatus NotReady(string reason) => new(false, reason);
}

/// <summary>
/// Implemented by an output that can tell whether it is able to deliver (credentials resolved, destination
/// reachable, buffer not full). The pipeline registers every output implementing it into <c>/readyz</c>.
/// </summary>
public interface IReadiness
{
    /// <summary>Must be cheap and must not block: report the state the plugin already knows, do no I/O here.</summary>
    ReadinessStatus CheckReadiness();
}
