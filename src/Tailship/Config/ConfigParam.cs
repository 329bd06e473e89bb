namespace Tailship.Config;

/// <summary>How a parameter value was written in the file; typed readers use it (a quoted value is never JSON).</summary>
public enum ConfigValueStyle
{
    Bare,
    SingleQuoted,
    DoubleQuoted,
    Json,
}

/// <summary>One <c>key value</c> line of a section, as written, with where it was written.</summary>
public sealed record ConfigParam(string Key, string Value, SourceLocation Location, SourceLocation ValueLocation, ConfigValueStyle Style = ConfigValueStyle.Bare);
