using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Tailship.Outputs.S3;

/// <summary>
/// The rendered <c>s3_metadata</c> as one chunk annotation: a JSON object of strings (written with
/// <see cref="Utf8JsonWriter"/>, read with <see cref="JsonDocument"/>: no reflection, AOT-safe).
/// </summary>
internal static class S3MetadataAnnotation
{
    public static string Encode(IReadOnlyDictionary<string, string> metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in metadata)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static Dictionary<string, string> Decode(string annotation)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(annotation);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            result[property.Name] = property.Value.GetString() ?? string.Empty;
        }

        return result;
    }
}
