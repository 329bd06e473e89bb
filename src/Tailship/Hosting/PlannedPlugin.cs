using Tailship.Config;
using Tailship.Routing;

namespace Tailship.Hosting;

/// <summary>
/// A bound and validated top-level plugin: a <c>&lt;source&gt;</c>, or a <c>&lt;filter&gt;</c>/<c>&lt;match&gt;</c> of
/// a scope (<c>Scope</c> null: the top level, else a label name). <c>Label</c> is the label its events go to
/// (<c>@label</c>), or null for its own scope; <c>Pattern</c> is null for a source.
/// </summary>
internal sealed record PlannedPlugin(
    PluginKind Kind,
    ConfigSection Section,
    BoundPlugin Bound,
    string Id,
    string? Scope,
    string? Label,
    TagPattern? Pattern)
{
    public string Type => Bound.Descriptor.Spec.Type;
}
