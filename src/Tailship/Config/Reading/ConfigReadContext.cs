namespace Tailship.Config.Reading;

/// <summary>
/// State shared by every file of one read: where diagnostics go, what embedded Ruby may see, and the chain of
/// files being read (to catch include cycles). Readers never throw for bad input; they add diagnostics here.
/// </summary>
internal sealed class ConfigReadContext
{
    private readonly List<string> _includeChain = [];
    private readonly bool _relativeNames;
    private readonly string _baseDirectory;

    public ConfigReadContext(DiagnosticBag diagnostics, ConfigLoadOptions options, string rootPath)
    {
        Diagnostics = diagnostics;
        Options = options;
        _relativeNames = !Path.IsPathRooted(rootPath);
        _baseDirectory = Directory.GetCurrentDirectory();
    }

    public DiagnosticBag Diagnostics { get; }

    public ConfigLoadOptions Options { get; }

    /// <summary>Full paths of the files being read, outermost first.</summary>
    public IReadOnlyList<string> IncludeChain => _includeChain;

    /// <summary>The name shown in diagnostics: relative to the working directory when the user gave a relative path.</summary>
    public string DisplayName(string fullPath) =>
        _relativeNames ? Path.GetRelativePath(_baseDirectory, fullPath) : fullPath;

    public void Error(SourceLocation location, string message) => Diagnostics.Error(location, message);

    public void Warning(SourceLocation location, string message) => Diagnostics.Warning(location, message);

    /// <summary>Marks <paramref name="fullPath"/> as being read until the returned scope is disposed.</summary>
    public IncludeScope Enter(string fullPath)
    {
        _includeChain.Add(fullPath);
        return new IncludeScope(this);
    }

    /// <summary>
    /// Reads a whole file as UTF-8 (a BOM is dropped). Returns null, with an error at <paramref name="from"/>,
    /// when it cannot be read.
    /// </summary>
    public SourceText? ReadFile(string fullPath, SourceLocation from)
    {
        try
        {
            var text = File.ReadAllText(fullPath);
            return new SourceText(DisplayName(fullPath), text);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var reason = ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ex.Message;
            Error(from, $"cannot read '{DisplayName(fullPath)}': {reason}");
            return null;
        }
    }

    /// <summary>Ends one level of <see cref="Enter"/>.</summary>
    internal readonly struct IncludeScope(ConfigReadContext context) : IDisposable
    {
        public void Dispose() => context._includeChain.RemoveAt(context._includeChain.Count - 1);
    }
}
