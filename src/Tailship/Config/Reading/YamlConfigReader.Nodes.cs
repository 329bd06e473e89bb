using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Tailship.Config.Reading;

/// <summary>YAML nodes: parsing, tags, includes, scalars, locations.</summary>
internal sealed partial class YamlConfigReader
{
    private bool Parse(SourceText source, Origin origin, out YamlNode? root)
    {
        root = null;
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(source.Text));
        }
        catch (YamlException ex)
        {
            var location = new SourceLocation(origin.Display, (int)ex.Start.Line, (int)ex.Start.Column);
            var reason = ex.InnerException is { } inner and not YamlException ? $"{Clean(ex.Message)} ({inner.Message})" : Clean(ex.Message);
            _context.Error(location, $"invalid YAML: {reason}");
            return false;
        }

        if (stream.Documents.Count == 0)
        {
            return true;
        }

        if (stream.Documents.Count > 1)
        {
            _context.Warning(At(stream.Documents[1].RootNode, origin), "only the first YAML document of a file is read; this one is ignored");
        }

        // An unknown tag is reported, and the node is read as if untagged so that later errors are found too.
        root = stream.Documents[0].RootNode;
        foreach (var node in root.AllNodes)
        {
            if (!node.Tag.IsEmpty && node.Tag.Value is not (IncludeTag or StringTag or JsonTag or "!") &&
                !node.Tag.Value.StartsWith("tag:yaml.org,2002:", StringComparison.Ordinal))
            {
                _context.Error(At(node, origin), $"unknown YAML tag '{node.Tag.Value}': expected !include, !fluent/s or !fluent/json");
            }
        }

        return true;
    }

    /// <summary>
    /// Replaces a node tagged <c>!include</c> by the root of the one YAML file it names (a value-position include).
    /// False after reporting why it cannot.
    /// </summary>
    private bool Resolve(ref YamlNode node, ref Origin origin)
    {
        var depth = 0;
        while (HasTag(node, IncludeTag))
        {
            var location = At(node, origin);
            var files = ResolveInclude(node, origin);
            if (files.Count != 1)
            {
                if (files.Count > 1)
                {
                    _context.Error(location, $"expected one file for this !include, found {files.Count}; a glob may only be used for '- !include' items of a 'config' list");
                }

                return false;
            }

            var file = files[0];
            if (!ConfigLoader.IsYaml(file) || ++depth > 64)
            {
                _context.Error(location, $"expected a YAML file (.yaml, .yml) for this !include, found '{_context.DisplayName(file)}'; a fluent.conf file may only be included as a '- !include' item of a 'config' list");
                return false;
            }

            var source = _context.ReadFile(file, location);
            if (source is null)
            {
                return false;
            }

            var included = new Origin(file, source.File, [.. origin.Chain, file]);
            if (!Parse(source, included, out var root))
            {
                return false;
            }

            node = root ?? new YamlScalarNode(string.Empty);
            origin = included;
        }

        return true;
    }

    /// <summary>An <c>!include</c> item of a config list: each file (a glob expands) brings entries, YAML or fluent.conf.</summary>
    private void ReadIncludedEntries(YamlNode node, Origin origin, ConfigSection target)
    {
        var location = At(node, origin);
        foreach (var file in ResolveInclude(node, origin))
        {
            var source = _context.ReadFile(file, location);
            if (source is null)
            {
                continue;
            }

            if (!ConfigLoader.IsYaml(file))
            {
                FluentConfReader.Read(source, file, target, _context, included: true);
                continue;
            }

            using var scope = _context.Enter(file);
            var included = new Origin(file, source.File, [.. origin.Chain, file]);
            if (Parse(source, included, out var root) && root is not null)
            {
                if (root is YamlSequenceNode)
                {
                    ReadConfigList(root, included, target);
                }
                else
                {
                    ReadConfigEntry(root, included, target);
                }
            }
        }
    }

    private List<string> ResolveInclude(YamlNode node, Origin origin)
    {
        var location = At(node, origin);
        if (node is not YamlScalarNode { Value: var target })
        {
            _context.Error(location, $"expected a file path or glob after !include, found {Kind(node)}");
            return [];
        }

        var files = IncludeResolver.Resolve(target ?? string.Empty, origin.FullPath, location, _context);
        var result = new List<string>(files.Count);
        foreach (var file in files)
        {
            if (origin.Chain.Contains(file, StringComparer.Ordinal))
            {
                var cycle = origin.Chain.SkipWhile(f => f != file).Append(file).Select(_context.DisplayName);
                _context.Error(location, $"include cycle: {string.Join(" -> ", cycle)}");
                continue;
            }

            result.Add(file);
        }

        return result;
    }

    private string? KeyText(YamlNode keyNode, Origin origin)
    {
        if (keyNode is YamlScalarNode { Value: { } key })
        {
            return key;
        }

        _context.Error(At(keyNode, origin), $"expected a plain key, found {Kind(keyNode)}");
        return null;
    }

    private static bool HasTag(YamlNode node, string tag) => !node.Tag.IsEmpty && node.Tag.Value == tag;

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode scalar && scalar.Style == ScalarStyle.Plain && IsNullText(scalar.Value);

    private static bool IsNullText(string? text) => text is null or "" or "~" or "null" or "Null" or "NULL";

    /// <summary>A scalar as written; YAML's null (empty, ~, null) is the empty value, as Ruby's nil.to_s.</summary>
    private static string ScalarText(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && IsNullText(scalar.Value) ? string.Empty : scalar.Value ?? string.Empty;

    private static string Kind(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar => $"the value '{scalar.Value}'",
        _ => "an alias",
    };

    private static SourceLocation At(YamlNode node, Origin origin) =>
        new(origin.Display, (int)node.Start.Line, (int)node.Start.Column);

    private static string DidYouMean(string input, IEnumerable<string> candidates) =>
        Suggest.Closest(input, candidates) is { } best ? $" (did you mean '{best}'?)" : string.Empty;

    /// <summary>YAML to JSON for <c>!fluent/json</c> and lists of values: plain scalars keep YAML's null, booleans and numbers.</summary>
    private static void WriteJson(YamlNode node, StringBuilder sb)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                sb.Append('{');
                var first = true;
                foreach (var (key, value) in mapping.Children)
                {
                    sb.Append(first ? string.Empty : ",");
                    first = false;
                    CompactJson.WriteString(key is YamlScalarNode k ? k.Value ?? string.Empty : string.Empty, sb);
                    sb.Append(':');
                    WriteJson(value, sb);
                }

                sb.Append('}');
                break;
            case YamlSequenceNode sequence:
                sb.Append('[');
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    sb.Append(i == 0 ? string.Empty : ",");
                    WriteJson(sequence.Children[i], sb);
                }

                sb.Append(']');
                break;
            case YamlScalarNode scalar when scalar.Style == ScalarStyle.Plain:
                var text = scalar.Value ?? string.Empty;
                if (IsNullText(text))
                {
                    sb.Append("null");
                }
                else if (text is "true" or "false" || JsonNumber().IsMatch(text))
                {
                    sb.Append(text);
                }
                else
                {
                    CompactJson.WriteString(text, sb);
                }

                break;
            case YamlScalarNode scalar:
                CompactJson.WriteString(scalar.Value ?? string.Empty, sb);
                break;
        }
    }

    // YamlDotNet prefixes messages with "(Line: 1, Col: 2, Idx: 3) - (Line: ...): "; the location is shown already.
    private static string Clean(string message) => MarkPrefix().Replace(message, string.Empty);

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")]
    private static partial Regex JsonNumber();

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex MarkPrefix();
}
