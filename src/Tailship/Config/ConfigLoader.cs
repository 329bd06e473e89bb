namespace Tailship.Config;

/// <summary>What embedded Ruby in the config may see; injected so that tests control it.</summary>
public sealed record ConfigLoadOptions
{
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    public string Hostname { get; init; } = Environment.MachineName;

    public int WorkerId { get; init; }
}

/// <summary>Reads a configuration file (fluent.conf syntax, or Fluentd's YAML format for .yaml/.yml) into a tree.</summary>
public static class ConfigLoader
{
    /// <summary>
    /// Reads <paramref name="path"/> and everything it includes. Returns the root section (name <c>ROOT</c>), or
    /// null when errors were added to <paramref name="diagnostics"/> (all of them, not only the first).
    /// </summary>
    public static ConfigSection? Load(string path, DiagnosticBag diagnostics, ConfigLoadOptions? options = null)
    {
        // Replaced by the reader (fluent.conf and YAML).
        _ = options;
        diagnostics.Error(new SourceLocation(path, 0, 0), "the configuration reader is not built yet");
        return null;
    }
}
