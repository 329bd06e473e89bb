using Tailship.Config;

namespace Tailship.Outputs;

/// <summary>
/// Fluentd's compat layer for outputs written in the v0.12 style: formatter and buffer parameters written at the
/// top of a <c>&lt;match&gt;</c> move into a <c>&lt;format&gt;</c> or <c>&lt;buffer&gt;</c> section, renamed to their
/// v1 names, keeping where they were written so that errors point at them. Runs before binding.
/// </summary>
internal static class OutputCompat
{
    /// <summary>v0.12 formatter parameters and their names inside <c>&lt;format&gt;</c>.</summary>
    public static readonly IReadOnlyList<(string Old, string New)> FormatterParams =
    [
        ("format", "@type"), ("delimiter", "delimiter"), ("force_quotes", "force_quotes"), ("keys", "keys"),
        ("fields", "fields"), ("json_parser", "json_parser"), ("label_delimiter", "label_delimiter"),
        ("output_time", "output_time"), ("output_tag", "output_tag"), ("localtime", "localtime"), ("utc", "utc"),
        ("timezone", "timezone"), ("message_key", "message_key"), ("add_newline", "add_newline"), ("output_type", "output_type"),
    ];

    /// <summary>
    /// Makes sure the section has a <c>&lt;format&gt;</c>: when none is written, one is added (so that the output's
    /// default formatter is bound) holding the v0.12 formatter parameters found at the top. When one is written,
    /// such top-level parameters are ignored with a warning, as Fluentd ignores them.
    /// </summary>
    public static void EnsureFormat(ConfigSection section, DiagnosticBag diagnostics)
    {
        var found = FormatterParams.Where(p => section.Find(p.Old) is not null).ToList();
        if (section.Sections.Exists(s => s.Name == "format"))
        {
            foreach (var (old, _) in found)
            {
                var p = section.Find(old)!;
                diagnostics.Warning(p.Location, $"v0.12 parameter '{old}' is ignored because a <format> section is written; set it inside <format>", section);
                section.Params.RemoveAll(x => x.Key == old);
            }

            return;
        }

        var format = new ConfigSection("format", string.Empty, section.Location);
        foreach (var (old, @new) in found)
        {
            var p = section.Find(old)!;
            format.Params.Add(p with { Key = @new });
            section.Params.RemoveAll(x => x.Key == old);
        }

        section.Sections.Add(format);
    }
}
