using System.Text;
using Tailship.Buffers;
using Tailship.Text;

namespace Tailship.Outputs.S3;

/// <summary>The values of one object key's <c>%{...}</c> placeholders (fixed when the chunk is first uploaded).</summary>
/// <remarks>
/// <c>HmsSlice</c>, <c>%{hms_slice}</c>: the time of the chunk's first upload as <c>%H%M%S</c> in UTC, as fluent-plugin-s3 renders it
/// (its wall clock at the write; its <c>localtime</c> switch is read from a variable no v1 parameter sets, so UTC).
/// <c>%{date_slice}</c> is fluent-plugin-s3's older name of <c>%{time_slice}</c>.
/// </remarks>
internal sealed record S3KeyValues(
    string Path,
    string TimeSlice,
    string Index,
    string FileExtension,
    string UuidFlush,
    string HexRandom,
    string Hostname,
    string ChunkId,
    string HmsSlice = "");

/// <summary>
/// <c>s3_object_key_format</c>, parsed once: literal text (where buffer placeholders <c>${tag}</c>, <c>${tag[N]}</c>,
/// <c>${key}</c> and strftime directives of the chunk's time key apply) and fluent-plugin-s3's <c>%{...}</c> values.
/// An unknown <c>%{name}</c> is kept as written, as fluent-plugin-s3 does.
/// </summary>
internal sealed class S3KeyTemplate
{
    private static readonly string[] Known = ["path", "time_slice", "index", "file_extension", "uuid_flush", "hex_random", "hostname", "hms_slice", "date_slice"];

    private readonly Segment[] _segments;

    private S3KeyTemplate(string format, Segment[] segments)
    {
        Format = format;
        _segments = segments;
        UsesIndex = segments.Any(s => s.Token == "index");
        UniquePerChunk = segments.Any(s => s.Token is "uuid_flush" or "hex_random" or "chunk_id");
        UsesHmsSlice = segments.Any(s => s.Token == "hms_slice");
    }

    public string Format { get; }

    /// <summary>True when the key holds <c>%{index}</c>, so each chunk of a time slice needs its own index.</summary>
    public bool UsesIndex { get; }

    /// <summary>True when the key holds a value unique to each chunk (uuid, hex_random, chunk id).</summary>
    public bool UniquePerChunk { get; }

    /// <summary>True when the key holds <c>%{hms_slice}</c> (the upload's time of day).</summary>
    public bool UsesHmsSlice { get; }

    public static S3KeyTemplate Parse(string format)
    {
        var segments = new List<Segment>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < format.Length)
        {
            string? token = null;
            int length = 0;
            if (format[i] == '%' && i + 1 < format.Length && format[i + 1] == '{')
            {
                var end = format.IndexOf('}', i + 2);
                var name = end < 0 ? null : format[(i + 2)..end];
                if (name is not null && Known.Contains(name))
                {
                    token = name;
                    length = end - i + 1;
                }
            }
            else if (string.CompareOrdinal(format, i, "${chunk_id}", 0, 11) == 0)
            {
                token = "chunk_id";
                length = 11;
            }

            if (token is null)
            {
                literal.Append(format[i++]);
                continue;
            }

            if (literal.Length > 0)
            {
                segments.Add(new Segment(literal.ToString(), null));
                literal.Clear();
            }

            segments.Add(new Segment(null, token));
            i += length;
        }

        if (literal.Length > 0)
        {
            segments.Add(new Segment(literal.ToString(), null));
        }

        return new S3KeyTemplate(format, [.. segments]);
    }

    public string Render(S3KeyValues values, ChunkMetadata metadata, TimeZoneSpec zone)
    {
        var key = new StringBuilder();
        foreach (var s in _segments)
        {
            key.Append(s.Token switch
            {
                null => S3Placeholders.Apply(s.Literal!, metadata, zone),
                "path" => values.Path,
                "time_slice" or "date_slice" => values.TimeSlice,
                "hms_slice" => values.HmsSlice,
                "index" => values.Index,
                "file_extension" => values.FileExtension,
                "uuid_flush" => values.UuidFlush,
                "hex_random" => values.HexRandom,
                "hostname" => values.Hostname,
                "chunk_id" => values.ChunkId,
                _ => throw new InvalidOperationException($"unknown key token {s.Token}"),
            });
        }

        return key.ToString();
    }

    private sealed record Segment(string? Literal, string? Token);
}

/// <summary>Buffer placeholders as Fluentd's <c>extract_placeholders</c> renders them from a chunk's metadata.</summary>
internal static class S3Placeholders
{
    public static string Apply(string text, ChunkMetadata metadata, TimeZoneSpec zone)
    {
        if (metadata.TimeKey is { } timeKey && text.Contains('%', StringComparison.Ordinal))
        {
            text = Strftime.Compile(text).Format(DateTimeOffset.FromUnixTimeSeconds(timeKey), zone);
        }

        if (!text.Contains("${", StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var start = text.IndexOf("${", i, StringComparison.Ordinal);
            var end = start < 0 ? -1 : text.IndexOf('}', start + 2);
            if (end < 0)
            {
                result.Append(text, i, text.Length - i);
                break;
            }

            result.Append(text, i, start - i);
            var name = text[(start + 2)..end];
            result.Append(Resolve(name, metadata) ?? text[start..(end + 1)]);
            i = end + 1;
        }

        return result.ToString();
    }

    private static string? Resolve(string name, ChunkMetadata metadata)
    {
        if (name == "tag")
        {
            return metadata.Tag;
        }

        if (name.StartsWith("tag[", StringComparison.Ordinal) && name.EndsWith(']') && metadata.Tag is { } tag
            && int.TryParse(name.AsSpan(4, name.Length - 5), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n))
        {
            var parts = tag.Split('.');
            var at = n < 0 ? parts.Length + n : n;
            return at >= 0 && at < parts.Length ? parts[at] : null;
        }

        return metadata.Variables.TryGetValue(name, out var value) ? value : null;
    }
}
