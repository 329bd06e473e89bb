using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Tailship.Config.Reading;

/// <summary>Plugin sections and their parameters.</summary>
internal sealed partial class YamlConfigReader
{
    private static readonly Dictionary<string, string> SpecialKeys = new(StringComparer.Ordinal)
    {
        ["$type"] = "@type",
        ["$label"] = "@label",
        ["$id"] = "@id",
        ["$log_level"] = "@log_level",
    };

    /// <summary>
    /// A section from a mapping: <c>$</c> keys become <c>@</c> parameters, scalars parameters, mappings and lists of
    /// mappings nested sections (their <c>$arg</c> is the argument), lists of scalars JSON arrays.
    /// </summary>
    private ConfigSection? BuildSection(string name, YamlNode keyNode, YamlNode value, Origin origin, string? argKey)
    {
        if (!Resolve(ref value, ref origin))
        {
            return null;
        }

        if (IsNull(value))
        {
            return new ConfigSection(name, string.Empty, At(keyNode, origin));
        }

        if (value is not YamlMappingNode mapping)
        {
            _context.Error(At(value, origin), $"expected a mapping of parameters for '{name}', found {Kind(value)}");
            return null;
        }

        var argument = argKey is null ? string.Empty : ArgumentOf(mapping, argKey, origin);
        var section = new ConfigSection(name, argument, At(keyNode, origin));
        FillSection(section, mapping, origin, argKey);
        return section;
    }

    private void FillSection(ConfigSection section, YamlMappingNode mapping, Origin origin, string? argKey)
    {
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = KeyText(keyNode, origin);
            if (key is null || key == argKey)
            {
                continue;
            }

            if (key == "<<")
            {
                Merge(section, value, origin);
                continue;
            }

            if (key.StartsWith('$'))
            {
                if (!SpecialKeys.TryGetValue(key, out var reserved))
                {
                    var expected = string.Join(", ", argKey is null ? SpecialKeys.Keys : SpecialKeys.Keys.Append(argKey));
                    _context.Error(At(keyNode, origin), $"unknown key '{key}' in '{section.Name}': expected one of {expected}{DidYouMean(key, SpecialKeys.Keys)}");
                    continue;
                }

                key = reserved;
            }

            AddValue(section, key, keyNode, value, origin);
        }
    }

    /// <summary><c>&lt;&lt;: mapping</c> (often <c>&lt;&lt;: !include file.yaml</c>): its keys join the section at this point.</summary>
    private void Merge(ConfigSection section, YamlNode value, Origin origin)
    {
        if (!Resolve(ref value, ref origin))
        {
            return;
        }

        switch (value)
        {
            case YamlMappingNode mapping:
                FillSection(section, mapping, origin, argKey: null);
                break;
            case YamlSequenceNode sequence when sequence.Children.All(c => c is YamlMappingNode):
                foreach (var item in sequence.Children)
                {
                    FillSection(section, (YamlMappingNode)item, origin, argKey: null);
                }

                break;
            default:
                _context.Error(At(value, origin), $"expected a mapping to merge with '<<', found {Kind(value)}");
                break;
        }
    }

    private void AddValue(ConfigSection section, string key, YamlNode keyNode, YamlNode value, Origin origin)
    {
        var keyLocation = At(keyNode, origin);
        if (!Resolve(ref value, ref origin))
        {
            return;
        }

        var valueLocation = At(value, origin);
        if (HasTag(value, JsonTag))
        {
            var json = new StringBuilder();
            WriteJson(value, json);
            section.Params.Add(new ConfigParam(key, json.ToString(), keyLocation, valueLocation, ConfigValueStyle.Json));
            return;
        }

        switch (value)
        {
            case YamlScalarNode scalar when HasTag(scalar, StringTag):
                var text = new StringBuilder();
                DoubleQuotedText.Read(scalar.Value ?? string.Empty, 0, toEnd: true, _ => valueLocation, _context, text, out var failed);
                if (!failed)
                {
                    section.Params.Add(new ConfigParam(key, text.ToString(), keyLocation, valueLocation, ConfigValueStyle.DoubleQuoted));
                }

                break;
            case YamlScalarNode scalar:
                section.Params.Add(new ConfigParam(key, ScalarText(scalar), keyLocation, valueLocation, StyleOf(scalar)));
                break;
            case YamlMappingNode:
                AddSection(section, BuildSection(key, keyNode, value, origin, argKey: "$arg"));
                break;
            case YamlSequenceNode sequence when sequence.Children.Count > 0 && sequence.Children.All(c => c is YamlMappingNode || HasTag(c, IncludeTag)):
                foreach (var item in sequence.Children)
                {
                    AddSection(section, BuildSection(key, keyNode, item, origin, argKey: "$arg"));
                }

                break;
            case YamlSequenceNode sequence when sequence.Children.All(c => c is YamlScalarNode):
                var array = new StringBuilder();
                WriteJson(sequence, array);
                section.Params.Add(new ConfigParam(key, array.ToString(), keyLocation, valueLocation, ConfigValueStyle.Json));
                break;
            default:
                _context.Error(valueLocation, $"expected a value, a mapping (a section) or a list for '{key}', found a list mixing sections and values");
                break;
        }
    }

    /// <summary>The argument of a section: a scalar, or a list joined by commas (as Fluentd joins <c>$tag</c> lists).</summary>
    private string ArgumentOf(YamlMappingNode mapping, string argKey, Origin origin)
    {
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: var key } || key != argKey)
            {
                continue;
            }

            var node = value;
            var from = origin;
            if (!Resolve(ref node, ref from))
            {
                return string.Empty;
            }

            switch (node)
            {
                case YamlScalarNode scalar when HasTag(scalar, StringTag):
                    var text = new StringBuilder();
                    DoubleQuotedText.Read(scalar.Value ?? string.Empty, 0, toEnd: true, _ => At(node, from), _context, text, out _);
                    return text.ToString();
                case YamlScalarNode scalar:
                    return ScalarText(scalar);
                case YamlSequenceNode sequence when sequence.Children.All(c => c is YamlScalarNode):
                    return string.Join(",", sequence.Children.Cast<YamlScalarNode>().Select(ScalarText));
                default:
                    _context.Error(At(node, from), $"expected a value or a list of values for '{argKey}', found {Kind(node)}");
                    return string.Empty;
            }
        }

        return string.Empty;
    }

    private static ConfigValueStyle StyleOf(YamlScalarNode scalar) => scalar.Style switch
    {
        ScalarStyle.SingleQuoted => ConfigValueStyle.SingleQuoted,
        ScalarStyle.DoubleQuoted => ConfigValueStyle.DoubleQuoted,
        _ => ConfigValueStyle.Bare,
    };
}
