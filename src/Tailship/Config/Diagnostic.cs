namespace Tailship.Config;

public enum DiagnosticSeverity
{
    Error,
    Warning,
}

/// <summary>
/// One configuration problem: where it is, in which section and plugin, and what was expected and found.
/// Rendered as <c>file:line:col: error: &lt;match **&gt; (@type s3): message</c>.
/// </summary>
public sealed record Diagnostic(DiagnosticSeverity Severity, SourceLocation Location, string Message, string? Section = null)
{
    public static Diagnostic Error(SourceLocation location, string message, ConfigSection? section = null) =>
        new(DiagnosticSeverity.Error, location, message, section?.Describe());

    public static Diagnostic Warning(SourceLocation location, string message, ConfigSection? section = null) =>
        new(DiagnosticSeverity.Warning, location, message, section?.Describe());

    public override string ToString()
    {
        var level = Severity == DiagnosticSeverity.Error ? "error" : "warning";
        return Section is null
            ? $"{Location}: {level}: {Message}"
            : $"{Location}: {level}: {Section}: {Message}";
    }
}

/// <summary>Collects every diagnostic of a read or bind so that all are reported together.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    public IReadOnlyList<Diagnostic> Items => _items;

    public bool HasErrors => _items.Exists(d => d.Severity == DiagnosticSeverity.Error);

    public void Add(Diagnostic diagnostic) => _items.Add(diagnostic);

    public void Error(SourceLocation location, string message, ConfigSection? section = null) =>
        _items.Add(Diagnostic.Error(location, message, section));

    public void Warning(SourceLocation location, string message, ConfigSection? section = null) =>
        _items.Add(Diagnostic.Warning(location, message, section));

    public void AddRange(IEnumerable<Diagnostic> diagnostics) => _items.AddRange(diagnostics);
}

/// <summary>Thrown when configuration cannot be used; carries every diagnostic found.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(IReadOnlyList<Diagnostic> diagnostics)
        : base(string.Join(Environment.NewLine, diagnostics))
    {
        Diagnostics = diagnostics;
    }

    public ConfigException(string message)
        : base(message)
    {
        Diagnostics = [Diagnostic.Error(SourceLocation.None, message)];
    }

    public ConfigException(string message, Exception inner)
        : base(message, inner)
    {
        Diagnostics = [Diagnostic.Error(SourceLocation.None, message)];
    }

    public ConfigException()
        : this("invalid configuration")
    {
    }

    public IReadOnlyList<Diagnostic> Diagnostics { get; }
}
