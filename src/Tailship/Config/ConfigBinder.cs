using Tailship.Plugins;

namespace Tailship.Config;

/// <summary>
/// Binds a read <see cref="ConfigSection"/> to a declaration (<see cref="SectionSpec"/>): types every value,
/// fills defaults, rejects unknown keys with a suggestion and Fluentd features Tailship lacks with a clear
/// "not implemented yet", and binds nested plugin sections through the registry. Pure: no I/O. Every problem
/// goes into the <see cref="DiagnosticBag"/>; nothing is thrown for bad input.
/// </summary>
public sealed class ConfigBinder
{
    /// <summary>Keys every plugin section accepts (Fluentd's system parameters).</summary>
    public static readonly IReadOnlySet<string> ReservedKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "@type", "type", "@id", "id", "@label", "@log_level", "log_level",
    };

    private readonly PluginRegistry _registry;

    public ConfigBinder(PluginRegistry registry)
    {
        _registry = registry;
    }

    /// <summary>Binds a plugin's top-level section: resolves <c>@type</c>, normalizes, binds and validates.</summary>
    public BoundPlugin? BindPlugin(PluginKind kind, ConfigSection section, DiagnosticBag diagnostics, string? defaultType = null, string? context = null)
    {
        var type = section.Type ?? defaultType;
        var where = context is null ? section.Describe() : $"{context} > {section.Describe()}";
        if (type is null)
        {
            diagnostics.Add(new Diagnostic(DiagnosticSeverity.Error, section.Location, $"missing '@type': expected the {PluginRegistry.KindName(kind)} plugin to use", where));
            return null;
        }

        var descriptor = _registry.Resolve(kind, type, out var error);
        if (descriptor is null)
        {
            var location = section.Find("@type")?.ValueLocation ?? section.Find("type")?.ValueLocation ?? section.Location;
            diagnostics.Add(new Diagnostic(DiagnosticSeverity.Error, location, error!, where));
            return null;
        }

        descriptor.Normalize(section, diagnostics);
        var errorsBefore = diagnostics.Items.Count(d => d.Severity == DiagnosticSeverity.Error);
        var config = Bind(section, descriptor.Spec.Root, diagnostics, where, isPlugin: true);
        if (diagnostics.Items.Count(d => d.Severity == DiagnosticSeverity.Error) > errorsBefore)
        {
            return null;
        }

        var local = new DiagnosticBag();
        var options = descriptor.Validate(config, local);
        foreach (var d in local.Items)
        {
            diagnostics.Add(d.Section is null ? d with { Section = where } : d);
        }

        if (options is null)
        {
            if (!local.HasErrors)
            {
                diagnostics.Add(new Diagnostic(DiagnosticSeverity.Error, section.Location, "invalid configuration", where));
            }

            return null;
        }

        var bound = new BoundPlugin(descriptor, config, options);
        config.Plugin = bound;
        return bound;
    }

    /// <summary>Binds one section to its declaration.</summary>
    public SectionConfig Bind(ConfigSection section, SectionSpec spec, DiagnosticBag diagnostics, string where, bool isPlugin = false)
    {
        var config = new SectionConfig(section, spec);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in section.Params)
        {
            var param = FindParam(spec, p.Key);
            if (param is null)
            {
                // In a section of open keys (record_transformer's <record>), "type" is a key like any other.
                if (ReservedKeys.Contains(p.Key) && (isPlugin || (p.Key is "@type" or "type" && !spec.OpenKeys)))
                {
                    continue;
                }

                if (spec.OpenKeys)
                {
                    config.OpenParams.Add(p);
                    continue;
                }

                var suggestion = Suggest.Closest(p.Key, spec.Params.Select(x => x.Name));
                var known = isPlugin ? $" for {where}" : $" in <{spec.Name}>";
                diagnostics.Add(new Diagnostic(
                    DiagnosticSeverity.Error,
                    p.Location,
                    $"unknown parameter '{p.Key}'{known}" + (suggestion is null ? string.Empty : $"; did you mean '{suggestion}'?"),
                    where));
                continue;
            }

            if (!param.Implemented)
            {
                diagnostics.Add(new Diagnostic(
                    DiagnosticSeverity.Error,
                    p.Location,
                    $"parameter '{p.Key}' is a Fluentd parameter that Tailship does not implement yet",
                    where));
                continue;
            }

            if (!ConfigValues.TryParse(param, p.Value, out var value, out var error))
            {
                diagnostics.Add(new Diagnostic(DiagnosticSeverity.Error, p.ValueLocation, $"parameter '{p.Key}': {error}", where));
                continue;
            }

            seen.Add(param.Name);
            config.Set(param.Name, value, p.ValueLocation, explicitlySet: true);
        }

        foreach (var param in spec.Params)
        {
            if (seen.Contains(param.Name))
            {
                continue;
            }

            if (param.Required && param.Implemented)
            {
                diagnostics.Add(new Diagnostic(
                    DiagnosticSeverity.Error,
                    section.Location,
                    $"missing required parameter '{param.Name}' ({param.Description.TrimEnd('.')})",
                    where));
            }

            config.Set(param.Name, param.Default, section.Location, explicitlySet: false);
        }

        foreach (var child in section.Sections)
        {
            BindChild(config, child, spec, diagnostics, where);
        }

        foreach (var required in spec.Sections.Where(s => s.Required && s.Implemented))
        {
            if (config.GetSections(required.Name).Count == 0)
            {
                diagnostics.Add(new Diagnostic(DiagnosticSeverity.Error, section.Location, $"missing required section <{required.Name}>", where));
            }
        }

        return config;
    }

    private void BindChild(SectionConfig parent, ConfigSection child, SectionSpec spec, DiagnosticBag diagnostics, string where)
    {
        var childSpec = spec.Sections.FirstOrDefault(s => s.Name == child.Name);
        var childWhere = $"{where} > {child.Describe()}";
        if (childSpec is null)
        {
            var suggestion = Suggest.Closest(child.Name, spec.Sections.Select(s => s.Name));
            diagnostics.Add(new Diagnostic(
                DiagnosticSeverity.Error,
                child.Location,
                $"unknown section <{child.Name}>" + (suggestion is null ? string.Empty : $"; did you mean <{suggestion}>?"),
                where));
            return;
        }

        if (!childSpec.Implemented)
        {
            diagnostics.Add(new Diagnostic(DiagnosticSeverity.Error, child.Location, $"section <{child.Name}> is a Fluentd feature that Tailship does not implement yet", where));
            return;
        }

        if (!childSpec.Multiple && parent.GetSections(child.Name).Count > 0)
        {
            diagnostics.Add(new Diagnostic(DiagnosticSeverity.Error, child.Location, $"section <{child.Name}> may appear only once here", where));
            return;
        }

        if (childSpec.PluginKind is { } kind)
        {
            var bound = BindPlugin(kind, child, diagnostics, childSpec.DefaultType, where);
            if (bound is not null)
            {
                parent.AddSection(child.Name, bound.Config);
            }

            return;
        }

        parent.AddSection(child.Name, Bind(child, childSpec, diagnostics, childWhere));
    }

    private static ParamSpec? FindParam(SectionSpec spec, string key)
    {
        foreach (var p in spec.Params)
        {
            if (p.Name == key || p.Aliases.Contains(key))
            {
                return p;
            }
        }

        return null;
    }
}
