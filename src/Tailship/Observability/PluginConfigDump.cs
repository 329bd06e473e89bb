using Tailship.Config;

namespace Tailship.Observability;

/// <summary>
/// A plugin section's parameters as written, for the monitor API's <c>config</c> field: values of parameters the
/// spec declares secret, and of keys that look like credentials, are replaced by <c>xxxxxx</c> (Fluentd's mask).
/// Nested sections are left out, as in Fluentd's output.
/// </summary>
internal static class PluginConfigDump
{
    public const string Mask = "xxxxxx";

    private static readonly string[] SecretWords = ["secret", "password", "passwd", "sec_key", "token", "credential", "private_key"];

    public static IReadOnlyList<KeyValuePair<string, string>> From(ConfigSection section, SectionSpec spec)
    {
        var dump = new List<KeyValuePair<string, string>>(section.Params.Count);
        foreach (var p in section.Params)
        {
            dump.Add(new(p.Key, IsSecret(p.Key, spec) ? Mask : p.Value));
        }

        return dump;
    }

    private static bool IsSecret(string key, SectionSpec spec)
    {
        foreach (var param in spec.Params)
        {
            if (param.Secret && (param.Name == key || param.Aliases.Contains(key)))
            {
                return true;
            }
        }

        foreach (var word in SecretWords)
        {
            if (key.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
