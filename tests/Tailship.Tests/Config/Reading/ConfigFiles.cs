using Tailship.Config;

namespace Tailship.Tests.Config.Reading;

/// <summary>Configuration files in a fresh temporary directory, loaded with controlled embedded-Ruby inputs.</summary>
internal sealed class ConfigFiles : IDisposable
{
    public ConfigFiles()
    {
        Root = Path.Combine(Path.GetTempPath(), "tailship-config-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public ConfigLoadOptions Options => new()
    {
        GetEnvironmentVariable = name => Environment.TryGetValue(name, out var value) ? value : null,
        Hostname = "testhost",
        WorkerId = 3,
    };

    public string Write(string relativePath, string content)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Loads a file; diagnostics are rendered with paths relative to <see cref="Root"/>.</summary>
    public (ConfigSection? Root, List<string> Diagnostics) Load(string relativePath)
    {
        var bag = new DiagnosticBag();
        var root = ConfigLoader.Load(Path.Combine(Root, relativePath), bag, Options);
        return (root, Render(bag, Root));
    }

    /// <summary>Writes and loads text that must read without any diagnostic.</summary>
    public ConfigSection LoadClean(string content, string name = "fluent.conf")
    {
        Write(name, content);
        var (root, diagnostics) = Load(name);
        Assert.Empty(diagnostics);
        Assert.NotNull(root);
        return root;
    }

    public static List<string> Render(DiagnosticBag bag, string directory) =>
        bag.Items.Select(d => d.ToString().Replace(directory + Path.DirectorySeparatorChar, string.Empty, StringComparison.Ordinal)).ToList();

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
