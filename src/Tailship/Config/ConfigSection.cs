namespace Tailship.Config;

/// <summary>
/// A section of the configuration tree: <c>&lt;name argument&gt;</c> with its parameters and nested sections,
/// in file order. The root section has the name <c>ROOT</c>. Reading produces this tree without knowing any plugin;
/// binding it to plugin declarations happens later (<see cref="ConfigBinder"/>).
/// </summary>
public sealed class ConfigSection
{
    public const string RootName = "ROOT";

    public ConfigSection(string name, string argument, SourceLocation location)
    {
        Name = name;
        Argument = argument;
        Location = location;
    }

    /// <summary>Section name, e.g. <c>source</c>, <c>match</c>, <c>buffer</c>.</summary>
    public string Name { get; }

    /// <summary>Text after the name inside the angle brackets, e.g. the pattern of a match; empty when none.</summary>
    public string Argument { get; }

    public SourceLocation Location { get; }

    public List<ConfigParam> Params { get; } = [];

    public List<ConfigSection> Sections { get; } = [];

    /// <summary>The plugin type: <c>@type</c>, or the v0.12 spelling <c>type</c>.</summary>
    public string? Type => Find("@type")?.Value ?? Find("type")?.Value;

    public ConfigParam? Find(string key)
    {
        // The last occurrence wins, as in Fluentd.
        for (var i = Params.Count - 1; i >= 0; i--)
        {
            if (Params[i].Key == key)
            {
                return Params[i];
            }
        }

        return null;
    }

    /// <summary>A short human description, e.g. <c>&lt;match **&gt; (@type s3)</c>, used in diagnostics.</summary>
    public string Describe()
    {
        var head = Argument.Length == 0 ? $"<{Name}>" : $"<{Name} {Argument}>";
        var type = Type;
        return type is null ? head : $"{head} (@type {type})";
    }

    public override string ToString() => Describe();
}
