using System.Globalization;
using System.Text;

namespace Tailship.Buffers;

/// <summary>
/// Fluentd's buffer placeholders in an output parameter (a path, an S3 key): <c>${tag}</c>, <c>${tag[N]}</c>
/// (negative N counts from the end), <c>${key}</c> / <c>${$.a.b}</c> for record chunk keys, and strftime fields
/// rendered from the chunk's time slice. Outputs call <see cref="Expand"/> with the metadata of the chunk they write.
/// </summary>
public static class BufferPlaceholders
{
    /// <summary>
    /// Checks at config time that every placeholder of <paramref name="template"/> can be filled by the chunk keys;
    /// returns a message naming the missing chunk key, or null.
    /// </summary>
    public static string? Validate(string template, ChunkKeys keys)
    {
        foreach (var name in Names(template))
        {
            if ((name == "tag" || name.StartsWith("tag[", StringComparison.Ordinal)) && !keys.Tag)
            {
                return $"placeholder ${{{name}}} needs chunk key 'tag' in <buffer>";
            }

            if (name != "tag" && !name.StartsWith("tag[", StringComparison.Ordinal) && !keys.RecordKeys.Contains(name))
            {
                return $"placeholder ${{{name}}} needs chunk key '{name}' in <buffer>";
            }
        }

        return HasStrftime(template) && !keys.Time ? "strftime placeholders (such as %Y) need chunk key 'time' in <buffer>" : null;
    }

    /// <summary>True when the template holds a strftime field (<c>%Y</c>, <c>%H</c>...).</summary>
    public static bool HasStrftime(string template)
    {
        for (var i = 0; i + 1 < template.Length; i++)
        {
            if (template[i] == '%' && template[i + 1] != '{')
            {
                if (template[i + 1] == '%')
                {
                    i++;
                    continue;
                }

                return true;
            }
        }

        return false;
    }

    /// <summary>Fills the placeholders of <paramref name="template"/> from a chunk's metadata.</summary>
    public static string Expand(string template, ChunkMetadata metadata, TimeZoneInfo zone)
    {
        var text = template.Contains("${", StringComparison.Ordinal) ? ExpandNames(template, metadata) : template;
        return metadata.TimeKey is { } timekey ? BufferStrftime.Format(text, timekey, zone) : text;
    }

    private static string ExpandNames(string template, ChunkMetadata metadata)
    {
        var sb = new StringBuilder(template.Length + 32);
        var i = 0;
        while (i < template.Length)
        {
            var start = template.IndexOf("${", i, StringComparison.Ordinal);
            var end = start < 0 ? -1 : template.IndexOf('}', start + 2);
            if (end < 0)
            {
                sb.Append(template, i, template.Length - i);
                break;
            }

            sb.Append(template, i, start - i);
            var name = template[(start + 2)..end];
            sb.Append(Resolve(name, metadata) ?? template[start..(end + 1)]);
            i = end + 1;
        }

        return sb.ToString();
    }

    private static string? Resolve(string name, ChunkMetadata metadata)
    {
        if (name == "tag")
        {
            return metadata.Tag;
        }

        if (name.StartsWith("tag[", StringComparison.Ordinal) && name.EndsWith(']')
            && int.TryParse(name.AsSpan(4, name.Length - 5), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            && metadata.Tag is { } tag)
        {
            var parts = tag.Split('.');
            var index = n < 0 ? parts.Length + n : n;
            return (uint)index < (uint)parts.Length ? parts[index] : null;
        }

        return metadata.Variables.TryGetValue(name, out var value) ? value : null;
    }

    private static IEnumerable<string> Names(string template)
    {
        var i = 0;
        while ((i = template.IndexOf("${", i, StringComparison.Ordinal)) >= 0)
        {
            var end = template.IndexOf('}', i + 2);
            if (end < 0)
            {
                yield break;
            }

            yield return template[(i + 2)..end];
            i = end + 1;
        }
    }
}
