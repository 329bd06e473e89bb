namespace Tailship.Config;

/// <summary>
/// The declaration of a section a plugin accepts (<c>&lt;buffer&gt;</c>, <c>&lt;format&gt;</c>, <c>&lt;record&gt;</c>...),
/// or of the plugin's own top-level section.
/// </summary>
public sealed record SectionSpec(string Name, string Description)
{
    public IReadOnlyList<ParamSpec> Params { get; init; } = [];

    public IReadOnlyList<SectionSpec> Sections { get; init; } = [];

    /// <summary>More than one occurrence allowed (e.g. <c>&lt;store&gt;</c>, <c>&lt;regexp&gt;</c>).</summary>
    public bool Multiple { get; init; }

    public bool Required { get; init; }

    /// <summary>
    /// Any key is accepted as a string (e.g. record_transformer's <c>&lt;record&gt;</c>); declared params still apply.
    /// </summary>
    public bool OpenKeys { get; init; }

    /// <summary>
    /// The section holds a nested plugin chosen by its own <c>@type</c> (e.g. <c>&lt;store&gt;</c>, <c>&lt;format&gt;</c>,
    /// <c>&lt;parse&gt;</c>); its params are bound by that plugin, not here.
    /// </summary>
    public PluginKind? PluginKind { get; init; }

    /// <summary>Default <c>@type</c> of a nested plugin section when none is written.</summary>
    public string? DefaultType { get; init; }

    /// <summary>False for a section Fluentd has that Tailship does not implement yet.</summary>
    public bool Implemented { get; init; } = true;
}
