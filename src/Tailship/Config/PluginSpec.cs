namespace Tailship.Config;

/// <summary>A plugin's declaration: its kind, its <c>@type</c> name and the section it reads.</summary>
public sealed record PluginSpec(PluginKind Kind, string Type, SectionSpec Root)
{
    public string Description => Root.Description;
}
