namespace Tailship.Config;

/// <summary>The value types of Fluentd's config language.</summary>
public enum ParamType
{
    String,
    Integer,
    Float,
    Bool,

    /// <summary>Bytes, written <c>10</c>, <c>8k</c>, <c>256m</c>, <c>1g</c>, <c>1t</c> (powers of 1024).</summary>
    Size,

    /// <summary>Seconds, written <c>30</c>, <c>1.5</c>, <c>10s</c>, <c>5m</c>, <c>1h</c>, <c>1d</c>.</summary>
    Time,

    /// <summary>One of <see cref="ParamSpec.EnumValues"/>.</summary>
    Enum,

    /// <summary><c>a,b,c</c> or a JSON array.</summary>
    Array,

    /// <summary><c>k:v,k2:v2</c> or a JSON object.</summary>
    Hash,
}

/// <summary>
/// The one declaration of a plugin parameter. It drives reading and type checking, the unknown-key check with
/// its did-you-mean, <c>tailship --help PLUGIN</c> and the generated reference in <c>docs/plugins/</c>.
/// </summary>
public sealed record ParamSpec(string Name, ParamType Type, string Description)
{
    /// <summary>The typed default (string, long, double, bool, TimeSpan, string[] or dictionary); null when none.</summary>
    public object? Default { get; init; }

    public bool Required { get; init; }

    /// <summary>Masked as <c>xxxxxx</c> wherever configuration is echoed.</summary>
    public bool Secret { get; init; }

    public IReadOnlyList<string> EnumValues { get; init; } = [];

    /// <summary>
    /// False for a parameter Fluentd has and Tailship does not implement yet: setting it is an error that says so.
    /// </summary>
    public bool Implemented { get; init; } = true;

    /// <summary>Other names accepted for this parameter (old spellings).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>Element type of an array value.</summary>
    public ParamType ElementType { get; init; } = ParamType.String;

    public static ParamSpec String(string name, string? @default, string description) =>
        new(name, ParamType.String, description) { Default = @default };

    public static ParamSpec Integer(string name, long? @default, string description) =>
        new(name, ParamType.Integer, description) { Default = @default };

    public static ParamSpec Float(string name, double? @default, string description) =>
        new(name, ParamType.Float, description) { Default = @default };

    public static ParamSpec Bool(string name, bool @default, string description) =>
        new(name, ParamType.Bool, description) { Default = @default };

    public static ParamSpec Size(string name, long? @default, string description) =>
        new(name, ParamType.Size, description) { Default = @default };

    public static ParamSpec Time(string name, double? defaultSeconds, string description) =>
        new(name, ParamType.Time, description) { Default = defaultSeconds is { } s ? TimeSpan.FromSeconds(s) : null };

    public static ParamSpec Enum(string name, string? @default, IReadOnlyList<string> values, string description) =>
        new(name, ParamType.Enum, description) { Default = @default, EnumValues = values };

    public static ParamSpec Array(string name, IReadOnlyList<string>? @default, string description) =>
        new(name, ParamType.Array, description) { Default = @default };

    public static ParamSpec Hash(string name, string description) =>
        new(name, ParamType.Hash, description);

    /// <summary>A parameter Fluentd has that Tailship rejects with a clear "not implemented yet" error.</summary>
    public static ParamSpec NotImplemented(string name, string description) =>
        new(name, ParamType.String, description) { Implemented = false };
}
