namespace Tailship.Tests.TestSupport;

/// <summary>
/// The variables of <c>export K=V K=V</c> lines, as printed by <c>scripts/s3-server env</c>.
/// Values never contain spaces or quotes there, so no shell quoting is parsed.
/// </summary>
internal sealed class EnvExports
{
    private readonly Dictionary<string, string> _values;

    private EnvExports(Dictionary<string, string> values) => _values = values;

    public static EnvExports Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!line.StartsWith("export ", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var assignment in line["export ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = assignment.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0)
                {
                    values[assignment[..equals]] = assignment[(equals + 1)..];
                }
            }
        }

        return new EnvExports(values);
    }

    public string Required(string name) =>
        _values.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new InvalidOperationException($"scripts/s3-server printed no {name}");
}
