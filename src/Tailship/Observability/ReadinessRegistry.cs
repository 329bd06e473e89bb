namespace Tailship.Observability;

/// <summary>The named checks behind <c>/readyz</c>: ready when every check says so (and when there is none).</summary>
public sealed class ReadinessRegistry
{
    private readonly Lock _lock = new();
    private readonly List<(string Name, Func<ReadinessStatus> Check)> _checks = [];

    /// <summary>Adds a check; disposing the result removes it.</summary>
    public IDisposable Add(string name, Func<ReadinessStatus> check)
    {
        var entry = (name, check);
        lock (_lock)
        {
            _checks.Add(entry);
        }

        return new Removal(this, entry);
    }

    public IDisposable Add(string name, IReadiness component) => Add(name, component.CheckReadiness);

    /// <summary>Runs every check; a check that throws counts as not ready, with the exception's message as the reason.</summary>
    public IReadOnlyList<(string Name, ReadinessStatus Status)> Evaluate()
    {
        (string Name, Func<ReadinessStatus> Check)[] checks;
        lock (_lock)
        {
            checks = [.. _checks];
        }

        var results = new (string, ReadinessStatus)[checks.Length];
        for (var i = 0; i < checks.Length; i++)
        {
            ReadinessStatus status;
            try
            {
                status = checks[i].Check();
            }
            catch (Exception ex)
            {
                // Reported in the /readyz body, which is where an operator looks when a probe fails.
                status = ReadinessStatus.NotReady($"readiness check failed: {ex.GetType().Name}: {ex.Message}");
            }

            results[i] = (checks[i].Name, status);
        }

        return results;
    }

    public bool IsReady => Evaluate().All(r => r.Status.IsReady);

    private sealed class Removal(ReadinessRegistry owner, (string, Func<ReadinessStatus>) entry) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._checks.Remove(entry);
            }
        }
    }
}
