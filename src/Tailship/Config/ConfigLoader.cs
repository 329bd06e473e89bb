using Tailship.Config.Reading;

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
    /// Never throws for a bad or missing file: every problem is a diagnostic with file:line:col.
    /// </summary>
    public static ConfigSection? Load(string path, DiagnosticBag diagnostics, ConfigLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var errorsBefore = CountErrors(diagnostics);
        var context = new ConfigReadContext(diagnostics, options ?? new ConfigLoadOptions(), path);
        var fullPath = Path.GetFullPath(path);
        var display = context.DisplayName(fullPath);
        var root = new ConfigSection(ConfigSection.RootName, string.Empty, new SourceLocation(display, 1, 1));

        var source = context.ReadFile(fullPath, new SourceLocation(display, 1, 1));
        if (source is not null)
        {
            if (IsYaml(fullPath))
            {
                YamlConfigReader.Read(source, fullPath, root, context);
            }
            else
            {
                FluentConfReader.Read(source, fullPath, root, context, included: false);
            }
        }

        return CountErrors(diagnostics) > errorsBefore ? null : root;
    }

    /// <summary>Fluentd reads the YAML format for files named *.yaml or *.yml.</summary>
    internal static bool IsYaml(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    private static int CountErrors(DiagnosticBag diagnostics) =>
        diagnostics.Items.Count(d => d.Severity == DiagnosticSeverity.Error);
}
