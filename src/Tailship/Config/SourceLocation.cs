namespace Tailship.Config;

/// <summary>A position in a configuration file: 1-based line and column.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    /// <summary>A location for values that come from no file (defaults, command line).</summary>
    public static SourceLocation None { get; } = new("<none>", 0, 0);

    public override string ToString() => $"{File}:{Line}:{Column}";
}
