using Tailship.Config;

namespace Tailship.Plugins;

/// <summary>
/// A plugin as the registry knows it: its declaration, a pure validation step that turns a bound section into
/// options (collecting every error), and a build step that does the I/O. Nothing is built while an error stands.
/// </summary>
public abstract class PluginDescriptor
{
    public abstract PluginSpec Spec { get; }

    /// <summary>Rewrites v0.12-era spellings into their v1 form before binding (e.g. <c>format none</c> in a source).</summary>
    public virtual void Normalize(ConfigSection section, DiagnosticBag diagnostics)
    {
    }

    /// <summary>Checks a bound section beyond its types; returns the options, or null when it added errors.</summary>
    public abstract object? Validate(SectionConfig config, DiagnosticBag diagnostics);

    public abstract object Build(object options, PluginContext context);
}

/// <summary>A descriptor built from delegates, so each plugin declares itself in one small static field.</summary>
public sealed class PluginDescriptor<TOptions> : PluginDescriptor
    where TOptions : class
{
    private readonly Func<SectionConfig, DiagnosticBag, TOptions?> _validate;
    private readonly Func<TOptions, PluginContext, object> _build;
    private readonly Action<ConfigSection, DiagnosticBag>? _normalize;

    public PluginDescriptor(
        PluginSpec spec,
        Func<SectionConfig, DiagnosticBag, TOptions?> validate,
        Func<TOptions, PluginContext, object> build,
        Action<ConfigSection, DiagnosticBag>? normalize = null)
    {
        Spec = spec;
        _validate = validate;
        _build = build;
        _normalize = normalize;
    }

    public override PluginSpec Spec { get; }

    public override void Normalize(ConfigSection section, DiagnosticBag diagnostics) => _normalize?.Invoke(section, diagnostics);

    public override object? Validate(SectionConfig config, DiagnosticBag diagnostics) => _validate(config, diagnostics);

    public override object Build(object options, PluginContext context) => _build((TOptions)options, context);
}
