using System.Text.Json;

namespace Tailship.Buffers;

/// <summary>JSON for a chunk's metadata frame and its annotation file (Utf8JsonWriter/JsonDocument: AOT-safe).</summary>
internal static class ChunkMetadataJson
{
    public static byte[] Write(ChunkMetadata metadata, DateTimeOffset createdAt)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            if (metadata.Tag is { } tag)
            {
                w.WriteString("tag", tag);
            }

            if (metadata.TimeKey is { } timekey)
            {
                w.WriteNumber("timekey", timekey);
            }

            w.WriteStartObject("variables");
            foreach (var (k, v) in metadata.Variables)
            {
                w.WriteString(k, v);
            }

            w.WriteEndObject();
            w.WriteNumber("created", createdAt.ToUnixTimeMilliseconds());
            w.WriteEndObject();
        }

        return ms.ToArray();
    }

    public static (ChunkMetadata Metadata, DateTimeOffset CreatedAt) Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var doc = JsonDocument.ParseValue(ref reader);
        var root = doc.RootElement;
        var tag = root.TryGetProperty("tag", out var t) ? t.GetString() : null;
        long? timekey = root.TryGetProperty("timekey", out var k) ? k.GetInt64() : null;
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("variables", out var vars))
        {
            foreach (var p in vars.EnumerateObject())
            {
                variables[p.Name] = p.Value.GetString() ?? string.Empty;
            }
        }

        var created = DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("created").GetInt64());
        return (new ChunkMetadata(tag, timekey, variables), created);
    }

    public static byte[] WriteAnnotations(IReadOnlyDictionary<string, string> annotations)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            foreach (var (k, v) in annotations)
            {
                w.WriteString(k, v);
            }

            w.WriteEndObject();
        }

        return ms.ToArray();
    }

    public static Dictionary<string, string> ReadAnnotations(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var doc = JsonDocument.ParseValue(ref reader);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            result[p.Name] = p.Value.GetString() ?? string.Empty;
        }

        return result;
    }
}
