using Tailship.Config;

namespace Tailship.Hosting;

/// <summary>
/// The validated plan of a pipeline: every section bound and every plugin validated, nothing built.
/// <c>--dry-run</c> stops here.
/// </summary>
public sealed class PipelinePlan
{
    private PipelinePlan(ConfigSection root, PipelineOptions options, PipelinePlanner planner)
    {
        Root = root;
        Options = options;
        System = planner.System;
        Plugins = planner.Plugins;
        Labels = planner.Labels;
    }

    public ConfigSection Root { get; }

    public PipelineOptions Options { get; }

    /// <summary>The bound <c>&lt;system&gt;</c> section, or the defaults.</summary>
    public SystemConfig System { get; }

    /// <summary>Every top-level plugin (sources, and the filters and matches of every scope) in file order.</summary>
    internal IReadOnlyList<PlannedPlugin> Plugins { get; }

    /// <summary>The labels defined, in file order.</summary>
    internal IReadOnlyList<string> Labels { get; }

    /// <summary>Binds and validates the whole configuration; null when any error was added to the bag.</summary>
    public static PipelinePlan? Create(ConfigSection root, PipelineOptions options, DiagnosticBag diagnostics)
    {
        var local = new DiagnosticBag();
        var planner = new PipelinePlanner(options, local);
        planner.Plan(root);
        diagnostics.AddRange(local.Items);
        return local.HasErrors ? null : new PipelinePlan(root, options, planner);
    }
}
