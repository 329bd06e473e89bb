namespace Tailship.Config;

/// <summary>
/// A section after binding: every declared parameter has a typed value (set or default), nested sections are
/// bound, and each value remembers where it was written so that later checks can point at it.
/// </summary>
public sealed class SectionConfig
{
    private readonly Dictionary<string, BoundValue> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<SectionConfig>> _sections = new(StringComparer.Ordinal);

    public SectionConfig(ConfigSection source, SectionSpec spec)
    {
        Source = source;
        Spec = spec;
    }

    public ConfigSection Source { get; }

    public SectionSpec Spec { get; }

    public string Argument => Source.Argument;

    public SourceLocation Location => Source.Location;

    /// <summary>Keys accepted by <see cref="SectionSpec.OpenKeys"/>, in file order.</summary>
    public List<ConfigParam> OpenParams { get; } = [];

    /// <summary>For a nested plugin section: the plugin chosen by its <c>@type</c> and its validated options.</summary>
    public BoundPlugin? Plugin { get; internal set; }

    internal void Set(string name, object? value, SourceLocation location, bool explicitlySet) =>
        _values[name] = new BoundValue(value, location, explicitlySet);

    internal void AddSection(string name, SectionConfig section)
    {
        if (!_sections.TryGetValue(name, out var list))
        {
            list = [];
            _sections[name] = list;
        }

        list.Add(section);
    }

    public bool IsSet(string name) => _values.TryGetValue(name, out var v) && v.ExplicitlySet;

    public SourceLocation LocationOf(string name) =>
        _values.TryGetValue(name, out var v) && v.ExplicitlySet ? v.Location : Source.Location;

    public object? GetValue(string name) =>
        _values.TryGetValue(name, out var v) ? v.Value : throw new KeyNotFoundException($"parameter '{name}' is not declared in <{Spec.Name}>");

    public string? GetString(string name) => (string?)GetValue(name);

    public string GetRequiredString(string name) => GetString(name) ?? throw new InvalidOperationException($"'{name}' is required and was checked at bind time");

    public long GetInt(string name) => (long)(GetValue(name) ?? throw NoValue(name));

    public long? GetIntOrNull(string name) => (long?)GetValue(name);

    public double GetFloat(string name) => (double)(GetValue(name) ?? throw NoValue(name));

    public double? GetFloatOrNull(string name) => (double?)GetValue(name);

    public bool GetBool(string name) => (bool)(GetValue(name) ?? throw NoValue(name));

    public long GetSize(string name) => (long)(GetValue(name) ?? throw NoValue(name));

    public long? GetSizeOrNull(string name) => (long?)GetValue(name);

    public TimeSpan GetTime(string name) => (TimeSpan)(GetValue(name) ?? throw NoValue(name));

    public TimeSpan? GetTimeOrNull(string name) => (TimeSpan?)GetValue(name);

    public IReadOnlyList<string> GetArray(string name) => (IReadOnlyList<string>?)GetValue(name) ?? [];

    public IReadOnlyDictionary<string, string> GetHash(string name) =>
        (IReadOnlyDictionary<string, string>?)GetValue(name) ?? new Dictionary<string, string>();

    public IReadOnlyList<SectionConfig> GetSections(string name) =>
        _sections.TryGetValue(name, out var list) ? list : [];

    public SectionConfig? GetSection(string name) =>
        _sections.TryGetValue(name, out var list) && list.Count > 0 ? list[0] : null;

    private static InvalidOperationException NoValue(string name) => new($"parameter '{name}' has no value and no default");

    private readonly record struct BoundValue(object? Value, SourceLocation Location, bool ExplicitlySet);
}

/// <summary>A nested plugin (e.g. the formatter of a <c>&lt;format&gt;</c>) chosen and validated at bind time.</summary>
public sealed record BoundPlugin(Plugins.PluginDescriptor Descriptor, SectionConfig Config, object Options);
