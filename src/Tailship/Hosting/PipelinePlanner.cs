using Tailship.Config;
using Tailship.Routing;

namespace Tailship.Hosting;

/// <summary>
/// Binds and validates a whole configuration tree, collecting every error: the top-level sections, labels,
/// plugins, <c>@id</c> uniqueness and <c>@label</c> references. Pure: builds nothing.
/// </summary>
internal sealed class PipelinePlanner
{
    private static readonly string[] TopLevelSections = ["source", "match", "filter", "label", "system", "worker"];
    private static readonly string[] LabelSections = ["filter", "match"];

    private readonly PipelineOptions _options;
    private readonly DiagnosticBag _diagnostics;
    private readonly ConfigBinder _binder;
    private readonly List<PlannedPlugin> _plugins = [];
    private readonly List<string> _labels = [];
    private readonly Dictionary<string, ConfigSection> _labelSections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SourceLocation> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _generatedIds = new(StringComparer.Ordinal);
    private readonly List<(string Label, ConfigParam Param, ConfigSection Section)> _labelRefs = [];

    // Effective() is enumerated twice (labels first); errors it reports must appear once.
    private readonly HashSet<(SourceLocation, string)> _reported = [];
    private ConfigSection? _system;

    public PipelinePlanner(PipelineOptions options, DiagnosticBag diagnostics)
    {
        _options = options;
        _diagnostics = diagnostics;
        _binder = new ConfigBinder(options.Registry);
    }

    public IReadOnlyList<PlannedPlugin> Plugins => _plugins;

    public IReadOnlyList<string> Labels => _labels;

    public SystemConfig System { get; private set; } = SystemConfig.Default;

    public void Plan(ConfigSection root)
    {
        foreach (var p in root.Params)
        {
            _diagnostics.Error(p.Location, $"parameter '{p.Key}' is not allowed at the top level; parameters belong inside a section such as <source> or <match>");
        }

        // Labels first, so that a @label may refer to a label defined further down (as in Fluentd).
        foreach (var section in Effective(root))
        {
            if (section.Name == "label")
            {
                DeclareLabel(section);
            }
        }

        foreach (var section in Effective(root))
        {
            switch (section.Name)
            {
                case "source":
                    PlanPlugin(PluginKind.Input, section, scope: null);
                    break;
                case "match":
                    PlanPlugin(PluginKind.Output, section, scope: null);
                    break;
                case "filter":
                    PlanPlugin(PluginKind.Filter, section, scope: null);
                    break;
                case "label":
                    PlanLabel(section);
                    break;
                case "system":
                    PlanSystem(section);
                    break;
                case "worker":
                    break; // Handled by Effective.
                default:
                    var suggestion = Suggest.Closest(section.Name, TopLevelSections);
                    _diagnostics.Error(
                        section.Location,
                        $"unknown top-level section <{section.Name}>; expected <source>, <match>, <filter>, <label>, <system> or <worker>"
                        + (suggestion is null ? string.Empty : $"; did you mean <{suggestion}>?"),
                        section);
                    break;
            }
        }

        CheckLabelReferences();
        System = SystemConfigSpec.Bind(_binder, _system, _diagnostics);
    }

    /// <summary>
    /// The top-level sections in file order, with the contents of each <c>&lt;worker&gt;</c> that includes
    /// worker 0 spliced in (Tailship runs one worker, id 0).
    /// </summary>
    private IEnumerable<ConfigSection> Effective(ConfigSection root)
    {
        foreach (var section in root.Sections)
        {
            if (section.Name != "worker")
            {
                yield return section;
                continue;
            }

            if (!WorkerRange.TryParse(section.Argument, out var range))
            {
                ReportOnce(section, $"invalid worker id '{section.Argument}': expected <worker N> or <worker N-M>");
                continue;
            }

            if (!range.Contains(_options.WorkerId))
            {
                ReportOnce(section, $"<worker {section.Argument}> does not include worker {_options.WorkerId}: Tailship runs one worker (id 0); multiple workers are not implemented yet");
                continue;
            }

            foreach (var p in section.Params)
            {
                ReportOnce(p.Location, section, $"parameter '{p.Key}' is not allowed in <worker>");
            }

            foreach (var child in section.Sections)
            {
                if (child.Name is "worker" or "system")
                {
                    ReportOnce(child.Location, section, $"<{child.Name}> is not allowed inside <worker>");
                    continue;
                }

                yield return child;
            }
        }
    }

    private void ReportOnce(ConfigSection section, string message) => ReportOnce(section.Location, section, message);

    private void ReportOnce(SourceLocation location, ConfigSection section, string message)
    {
        if (_reported.Add((location, message)))
        {
            _diagnostics.Error(location, message, section);
        }
    }

    private void DeclareLabel(ConfigSection section)
    {
        var name = section.Argument.Trim();
        if (name.Length == 0)
        {
            _diagnostics.Error(section.Location, "missing label name: write <label @NAME>", section);
            return;
        }

        if (_labelSections.TryGetValue(name, out var first))
        {
            _diagnostics.Error(section.Location, $"label {name} is defined twice (first at {first.Location})", section);
            return;
        }

        _labelSections[name] = section;
        _labels.Add(name);
    }

    private void PlanLabel(ConfigSection section)
    {
        var name = section.Argument.Trim();
        if (name.Length == 0 || !ReferenceEquals(_labelSections.GetValueOrDefault(name), section))
        {
            return; // Reported by DeclareLabel.
        }

        foreach (var p in section.Params)
        {
            _diagnostics.Error(p.Location, $"parameter '{p.Key}' is not allowed in <label>; it holds <filter> and <match> sections", section);
        }

        foreach (var child in section.Sections)
        {
            switch (child.Name)
            {
                case "filter":
                    PlanPlugin(PluginKind.Filter, child, name);
                    break;
                case "match":
                    PlanPlugin(PluginKind.Output, child, name);
                    break;
                default:
                    var suggestion = Suggest.Closest(child.Name, LabelSections);
                    _diagnostics.Error(
                        child.Location,
                        $"section <{child.Name}> is not allowed in <label {name}>; a label holds <filter> and <match>"
                        + (suggestion is null ? string.Empty : $"; did you mean <{suggestion}>?"),
                        section);
                    break;
            }
        }
    }

    private void PlanSystem(ConfigSection section)
    {
        if (_system is not null)
        {
            _diagnostics.Error(section.Location, $"<system> may appear only once (first at {_system.Location})", section);
            return;
        }

        _system = section;
    }

    private void PlanPlugin(PluginKind kind, ConfigSection section, string? scope)
    {
        TagPattern? pattern = null;
        if (kind != PluginKind.Input)
        {
            // Fluentd reads an empty pattern as "**"; say so, since it is easy to write by mistake.
            var text = section.Argument.Trim();
            if (text.Length == 0)
            {
                _diagnostics.Warning(section.Location, $"<{section.Name}> has no pattern and matches every tag, as '<{section.Name} **>' would", section);
                pattern = TagPattern.All;
            }
            else if (!TagPattern.TryParse(text, out pattern, out var error))
            {
                _diagnostics.Error(section.Location, error!, section);
            }
        }

        CollectReferences(section, topLevel: true);
        var context = scope is null ? null : $"<label {scope}>";
        var bound = _binder.BindPlugin(kind, section, _diagnostics, context: context);
        if (bound is null || (kind != PluginKind.Input && pattern is null))
        {
            return;
        }

        var id = section.Find("@id")?.Value ?? section.Find("id")?.Value ?? GenerateId(bound.Descriptor.Spec.Type);
        var label = section.Find("@label")?.Value;
        _plugins.Add(new PlannedPlugin(kind, section, bound, id, scope, label, pattern));
    }

    /// <summary>Records the <c>@id</c> and <c>@label</c> of a plugin section and of the plugin sections nested in it.</summary>
    private void CollectReferences(ConfigSection section, bool topLevel)
    {
        var id = section.Find("@id") ?? (topLevel ? section.Find("id") : null);
        if (id is not null)
        {
            if (_ids.TryGetValue(id.Value, out var first))
            {
                _diagnostics.Error(id.ValueLocation, $"duplicate @id '{id.Value}': already used at {first}; each plugin needs its own @id", section);
            }
            else
            {
                _ids[id.Value] = id.ValueLocation;
            }
        }

        if (section.Find("@label") is { } label)
        {
            _labelRefs.Add((label.Value, label, section));
        }

        foreach (var child in section.Sections)
        {
            CollectReferences(child, topLevel: false);
        }
    }

    private string GenerateId(string type)
    {
        var n = _generatedIds.GetValueOrDefault(type);
        _generatedIds[type] = n + 1;
        return $"object:{type}-{n}";
    }

    private void CheckLabelReferences()
    {
        foreach (var (label, param, section) in _labelRefs)
        {
            if (_labelSections.ContainsKey(label))
            {
                continue;
            }

            var suggestion = Suggest.Closest(label, _labels);
            var known = _labels.Count == 0 ? "no label is defined" : "defined labels: " + string.Join(", ", _labels);
            _diagnostics.Error(
                param.ValueLocation,
                $"unknown label '{label}' in @label ({known})" + (suggestion is null ? string.Empty : $"; did you mean '{suggestion}'?"),
                section);
        }
    }
}
