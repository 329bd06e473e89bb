using System.Text;
using Tailship.Config;
using Tailship.Plugins;

namespace Tailship.Hosting;

/// <summary>
/// Renders a read configuration tree back to fluent.conf text, as Fluentd prints it at start
/// (<c>&lt;ROOT&gt;</c> ... <c>&lt;/ROOT&gt;</c>), with every secret value replaced by <c>xxxxxx</c>. A value is
/// secret when its plugin declares it <see cref="ParamSpec.Secret"/> (found through the registry by the section's
/// <c>@type</c>, or through the enclosing plugin's section declarations), or when its key plainly names a secret.
/// </summary>
internal static class ConfigDump
{
    public const string Mask = "xxxxxx";

    /// <summary>Which plugin kind a section holds when no enclosing declaration says so.</summary>
    private static readonly Dictionary<string, PluginKind> KindBySectionName = new(StringComparer.Ordinal)
    {
        ["source"] = PluginKind.Input,
        ["match"] = PluginKind.Output,
        ["filter"] = PluginKind.Filter,
        ["store"] = PluginKind.Output,
        ["parse"] = PluginKind.Parser,
        ["format"] = PluginKind.Formatter,
        ["buffer"] = PluginKind.Buffer,
    };

    /// <summary>Keys masked whatever plugin they belong to (fluent-plugin-s3's, out_forward's, common HTTP ones).</summary>
    private static readonly string[] SecretKeys = ["aws_key_id", "aws_sec_key", "access_key_id", "access_key", "shared_key", "ca_private_key_passphrase"];

    private static readonly string[] SecretKeyParts = ["password", "passwd", "passphrase", "secret", "token", "api_key", "apikey", "private_key", "sec_key"];

    public static string Render(ConfigSection root, PluginRegistry registry)
    {
        var text = new StringBuilder();
        WriteSection(text, root, null, 0, registry);
        return text.ToString().TrimEnd('\n');
    }

    public static bool IsObviouslySecret(string key) =>
        SecretKeys.Contains(key, StringComparer.OrdinalIgnoreCase)
        || SecretKeyParts.Any(part => key.Contains(part, StringComparison.OrdinalIgnoreCase));

    private static void WriteSection(StringBuilder text, ConfigSection section, SectionSpec? spec, int depth, PluginRegistry registry)
    {
        var indent = new string(' ', depth * 2);
        text.Append(indent).Append('<').Append(section.Name);
        if (section.Argument.Length > 0)
        {
            text.Append(' ').Append(section.Argument);
        }

        text.Append(">\n");
        foreach (var param in section.Params)
        {
            text.Append(indent).Append("  ").Append(param.Key);
            var secret = IsObviouslySecret(param.Key) || FindParam(spec, param.Key)?.Secret == true;
            var value = secret ? Mask : Quote(param);
            if (value.Length > 0)
            {
                text.Append(' ').Append(value);
            }

            text.Append('\n');
        }

        foreach (var child in section.Sections)
        {
            WriteSection(text, child, ChildSpec(spec, child, registry), depth + 1, registry);
        }

        text.Append(indent).Append("</").Append(section.Name).Append(">\n");
    }

    /// <summary>The declaration of a child section: the enclosing plugin's, else the plugin its <c>@type</c> names.</summary>
    private static SectionSpec? ChildSpec(SectionSpec? parent, ConfigSection child, PluginRegistry registry)
    {
        var declared = parent?.Sections.FirstOrDefault(s => s.Name == child.Name);
        if (declared is not null && declared.PluginKind is null)
        {
            return declared;
        }

        var kind = declared?.PluginKind ?? (KindBySectionName.TryGetValue(child.Name, out var k) ? k : (PluginKind?)null);
        var type = child.Type ?? declared?.DefaultType;
        return kind is { } pluginKind && type is not null ? registry.Find(pluginKind, type)?.Spec.Root : null;
    }

    private static ParamSpec? FindParam(SectionSpec? spec, string key) =>
        spec?.Params.FirstOrDefault(p => p.Name == key || p.Aliases.Contains(key));

    /// <summary>
    /// A value as it can be read back: bare and JSON values as written; a quoted one in single quotes when it needs
    /// no escape, else in double quotes with <c>\\</c>, <c>\"</c>, <c>\n</c>, <c>\r</c> and <c>\t</c> escaped.
    /// </summary>
    private static string Quote(ConfigParam param)
    {
        var value = param.Value;
        if (param.Style is ConfigValueStyle.Bare or ConfigValueStyle.Json)
        {
            return value;
        }

        if (value.AsSpan().IndexOfAny("'\\\n\r\t") < 0)
        {
            return $"'{value}'";
        }

        var quoted = new StringBuilder(value.Length + 8).Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => quoted.Append(@"\\"),
                '"' => quoted.Append("\\\""),
                '\n' => quoted.Append(@"\n"),
                '\r' => quoted.Append(@"\r"),
                '\t' => quoted.Append(@"\t"),
                _ => quoted.Append(c),
            };
        }

        return quoted.Append('"').ToString();
    }
}
