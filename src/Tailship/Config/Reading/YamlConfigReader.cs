using YamlDotNet.RepresentationModel;

namespace Tailship.Config.Reading;

/// <summary>
/// Reads Fluentd's YAML configuration format into the same <see cref="ConfigSection"/> tree as fluent.conf:
/// top-level <c>system:</c> and <c>config:</c> (a list of <c>source</c>, <c>match</c>, <c>filter</c>, <c>label</c> and
/// <c>worker</c> entries), <c>$type</c>/<c>$tag</c>/<c>$label</c>/<c>$id</c>/<c>$log_level</c>/<c>$name</c>/<c>$arg</c>,
/// nested sections as mappings or lists of mappings, <c>&lt;&lt;</c> merges, and the tags <c>!include</c>,
/// <c>!fluent/s</c> and <c>!fluent/json</c>. Uses YamlDotNet's representation model only (no reflection).
/// </summary>
internal sealed partial class YamlConfigReader
{
    private const string IncludeTag = "!include";
    private const string StringTag = "!fluent/s";
    private const string JsonTag = "!fluent/json";

    private static readonly string[] TopLevelKeys = ["system", "config"];
    private static readonly string[] EntryKeys = ["source", "match", "filter", "label", "worker"];

    private readonly ConfigReadContext _context;

    private YamlConfigReader(ConfigReadContext context)
    {
        _context = context;
    }

    /// <summary>
    /// The file a node was read from: its full path (to resolve includes), its display name, and the files that
    /// included it, outermost first, ending with itself (to catch include cycles).
    /// </summary>
    private readonly record struct Origin(string FullPath, string Display, IReadOnlyList<string> Chain);

    public static void Read(SourceText source, string fullPath, ConfigSection root, ConfigReadContext context)
    {
        using var scope = context.Enter(fullPath);
        var reader = new YamlConfigReader(context);
        var origin = new Origin(fullPath, source.File, [fullPath]);
        if (reader.Parse(source, origin, out var document) && document is not null)
        {
            reader.ReadRoot(document, origin, root);
        }
    }

    private void ReadRoot(YamlNode node, Origin origin, ConfigSection root)
    {
        if (node is not YamlMappingNode mapping)
        {
            if (!IsNull(node))
            {
                _context.Error(At(node, origin), $"expected a mapping with 'system' and 'config' at the top of a YAML configuration, found {Kind(node)}");
            }

            return;
        }

        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = KeyText(keyNode, origin);
            switch (key)
            {
                case null:
                    break;
                case "system":
                    AddSection(root, BuildSection("system", keyNode, value, origin, argKey: null));
                    break;
                case "config":
                    ReadConfigList(value, origin, root);
                    break;
                default:
                    _context.Warning(At(keyNode, origin), $"unknown top-level key '{key}' is ignored: Fluentd's YAML format reads 'system' and 'config'{DidYouMean(key, TopLevelKeys)}");
                    break;
            }
        }
    }

    /// <summary>A <c>config:</c> list: entries, or <c>!include</c> items that bring more entries.</summary>
    private void ReadConfigList(YamlNode node, Origin origin, ConfigSection target)
    {
        if (HasTag(node, IncludeTag))
        {
            ReadIncludedEntries(node, origin, target);
            return;
        }

        if (node is YamlSequenceNode sequence)
        {
            foreach (var item in sequence.Children)
            {
                ReadConfigEntry(item, origin, target);
            }
        }
        else if (!IsNull(node))
        {
            _context.Error(At(node, origin), $"expected a list of source, match, filter, label or worker entries, found {Kind(node)}");
        }
    }

    private void ReadConfigEntry(YamlNode node, Origin origin, ConfigSection target)
    {
        if (HasTag(node, IncludeTag))
        {
            ReadIncludedEntries(node, origin, target);
            return;
        }

        if (node is not YamlMappingNode mapping)
        {
            _context.Error(At(node, origin), $"expected a config entry such as '- source:' or '- match:', found {Kind(node)}");
            return;
        }

        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = KeyText(keyNode, origin);
            var section = key switch
            {
                null => null,
                "source" => BuildSection(key, keyNode, value, origin, argKey: null),
                "match" or "filter" => BuildSection(key, keyNode, value, origin, argKey: "$tag"),
                "label" => BuildContainer(key, keyNode, value, origin, argKey: "$name"),
                "worker" => BuildContainer(key, keyNode, value, origin, argKey: "$arg"),
                _ => UnknownEntry(key, keyNode, origin),
            };
            AddSection(target, section);
        }
    }

    private ConfigSection? UnknownEntry(string key, YamlNode keyNode, Origin origin)
    {
        _context.Error(At(keyNode, origin), $"unknown config entry '{key}': expected source, match, filter, label or worker{DidYouMean(key, EntryKeys)}");
        return null;
    }

    /// <summary><c>label</c> and <c>worker</c>: an argument and a nested <c>config:</c> list.</summary>
    private ConfigSection? BuildContainer(string name, YamlNode keyNode, YamlNode value, Origin origin, string argKey)
    {
        if (!Resolve(ref value, ref origin))
        {
            return null;
        }

        if (value is not YamlMappingNode mapping)
        {
            _context.Error(At(value, origin), $"expected a mapping with '{argKey}' and 'config' for '{name}', found {Kind(value)}");
            return null;
        }

        var section = new ConfigSection(name, ArgumentOf(mapping, argKey, origin), At(keyNode, origin));
        if (section.Argument.Length == 0)
        {
            _context.Error(At(keyNode, origin), $"expected '{argKey}' in '{name}' (e.g. {(name == "label" ? "$name: '@NAME'" : "$arg: 0")}), found none");
        }

        foreach (var (childKey, childValue) in mapping.Children)
        {
            var key = KeyText(childKey, origin);
            if (key == "config")
            {
                ReadConfigList(childValue, origin, section);
            }
            else if (key is not null && key != argKey)
            {
                _context.Error(At(childKey, origin), $"unexpected key '{key}' in '{name}': expected '{argKey}' and 'config'");
            }
        }

        return section;
    }

    private static void AddSection(ConfigSection target, ConfigSection? section)
    {
        if (section is not null)
        {
            target.Sections.Add(section);
        }
    }
}
