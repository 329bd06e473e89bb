namespace Tailship.Observability;

/// <summary>The Prometheus data model's rules for metric and label names, checked when a family is registered.</summary>
internal static class MetricNames
{
    public static void ThrowIfInvalid(string name, (string Name, string Value)[] labels, MetricType type)
    {
        if (!IsValidName(name, allowColon: true))
        {
            throw new ArgumentException($"'{name}' is not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)", nameof(name));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (label, _) in labels)
        {
            if (!IsValidName(label, allowColon: false) || label.StartsWith("__", StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{label}' is not a valid label name of {name} ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)", nameof(labels));
            }

            if (!seen.Add(label) || (type == MetricType.Histogram && label == "le"))
            {
                throw new ArgumentException($"label '{label}' of {name} is repeated or reserved", nameof(labels));
            }
        }
    }

    private static bool IsValidName(string name, bool allowColon)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':')))
            {
                return false;
            }
        }

        return true;
    }
}
