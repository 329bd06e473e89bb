using Tailship.Config;

namespace Tailship.Filters.RecordTransformer;

/// <summary>One <c>&lt;record&gt;</c> entry: its key and value, both templates.</summary>
internal sealed record RecordEntry(Template.StringTemplate Key, Template Value);

/// <summary>The validated configuration of <c>@type record_transformer</c>.</summary>
public sealed record RecordTransformerOptions
{
    internal IReadOnlyList<RecordEntry> Entries { get; init; } = [];

    internal IReadOnlyList<RecordAccessor> RemoveKeys { get; init; } = [];

    public IReadOnlyList<string> KeepKeys { get; init; } = [];

    public bool RenewRecord { get; init; }

    public string? RenewTimeKey { get; init; }

    public bool AutoTypecast { get; init; } = true;

    /// <summary>Whether any template uses <c>${time}</c> (the text is then made once per event).</summary>
    internal bool UsesTime { get; init; }

    internal static RecordTransformerOptions? Validate(SectionConfig cfg, DiagnosticBag diagnostics)
    {
        if (cfg.GetBool("enable_ruby"))
        {
            diagnostics.Error(
                cfg.LocationOf("enable_ruby"),
                $"enable_ruby: Tailship does not run Ruby, so ${{...}} cannot hold Ruby expressions; remove enable_ruby and use the placeholders Tailship supports: {Placeholder.Supported}");
        }

        var keepKeys = cfg.GetArray("keep_keys");
        var renew = cfg.GetBool("renew_record");
        if (cfg.IsSet("keep_keys") && !renew)
        {
            diagnostics.Error(cfg.LocationOf("keep_keys"), "`renew_record` must be true to use `keep_keys`");
        }

        var removeKeys = new List<RecordAccessor>();
        foreach (var key in cfg.GetArray("remove_keys"))
        {
            if (RecordAccessor.TryParse(key, out var accessor, out var error))
            {
                removeKeys.Add(accessor!);
            }
            else
            {
                diagnostics.Error(cfg.LocationOf("remove_keys"), $"parameter 'remove_keys': {error}");
            }
        }

        var autoTypecast = cfg.GetBool("auto_typecast");
        var entries = new List<RecordEntry>();
        foreach (var section in cfg.GetSections("record"))
        {
            foreach (var p in section.OpenParams)
            {
                var value = Template.ParseValue(p.Value, autoTypecast, out var jsonError);
                if (jsonError is not null)
                {
                    diagnostics.Warning(p.ValueLocation, $"'{p.Key}': the value starts like JSON but is not valid JSON ({jsonError}); it is used as a string, as Fluentd does");
                }

                var entry = new RecordEntry(Template.StringTemplate.Parse(p.Key, autoTypecast: false), value);
                foreach (var unknown in entry.Key.Placeholders.Concat(value.Placeholders).Where(x => x.Kind == PlaceholderKind.Unknown).DistinctBy(x => x.Text))
                {
                    diagnostics.Warning(p.Location, UnknownMessage(unknown.Text));
                }

                entries.Add(entry);
            }
        }

        if (diagnostics.HasErrors)
        {
            return null;
        }

        return new RecordTransformerOptions
        {
            Entries = entries,
            RemoveKeys = removeKeys,
            KeepKeys = keepKeys,
            RenewRecord = renew,
            RenewTimeKey = cfg.GetString("renew_time_key"),
            AutoTypecast = autoTypecast,
            UsesTime = entries.Exists(e => e.Key.Placeholders.Concat(e.Value.Placeholders).Any(x => x.Kind == PlaceholderKind.Time)),
        };
    }

    private static string UnknownMessage(string text)
    {
        var hint = text.StartsWith("${", StringComparison.Ordinal) && !text.Contains('[', StringComparison.Ordinal)
            ? $" (for a record value write ${{record[\"{text[2..^1]}\"]}})"
            : string.Empty;
        return $"unknown placeholder `{text}`: it expands to nothing, as in Fluentd v1 without enable_ruby{hint}; supported: {Placeholder.Supported}";
    }
}
