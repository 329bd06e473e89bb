using System.Text.Json;
using Tailship.Events;

namespace Tailship.Parsers.Json;

/// <summary>
/// Reads JSON text into records without decoding strings that need no unescaping: such strings are slices of
/// the line copy. Numbers follow Ruby: an integer stays exact (beyond 64 bits as its digits), anything with a
/// fraction or exponent is a float. Duplicate keys: the last one wins.
/// </summary>
internal static class JsonRecordReader
{
    private static readonly JsonReaderOptions Options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = false,
        MaxDepth = 256,
    };

    /// <summary>
    /// Parses one JSON document. On success <paramref name="value"/> is its top-level value; false when the text is not
    /// exactly one JSON value (truncated, trailing garbage, invalid).
    /// </summary>
    public static bool TryRead(byte[] line, KeyCache? keys, out RecordValue value)
    {
        value = default;
        var reader = new Utf8JsonReader(line, Options);
        try
        {
            if (!reader.Read())
            {
                return false;
            }

            value = ReadValue(ref reader, line, keys);

            // Anything after the value (other than whitespace and comments) makes the whole text invalid.
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            // Invalid UTF-8 inside an escaped string, or a number no double can hold.
            return false;
        }
    }

    private static RecordValue ReadValue(ref Utf8JsonReader reader, byte[] line, KeyCache? keys)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                {
                    var record = new Record();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                    {
                        // Top-level keys repeat from line to line: reuse their strings (nested ones are decoded).
                        var key = keys is not null && !reader.ValueIsEscaped && !reader.HasValueSequence
                            ? keys.Get(reader.ValueSpan, record.Count)
                            : reader.GetString()!;
                        reader.Read();
                        var item = ReadValue(ref reader, line, null);
                        if (record.IndexOf(key) >= 0)
                        {
                            record.Set(key, item);
                        }
                        else
                        {
                            record.Append(key, item);
                        }
                    }

                    return RecordValue.FromMap(record);
                }

            case JsonTokenType.StartArray:
                {
                    var list = new List<RecordValue>();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        list.Add(ReadValue(ref reader, line, keys));
                    }

                    return RecordValue.FromArray(list);
                }

            case JsonTokenType.String:
                if (!reader.ValueIsEscaped && !reader.HasValueSequence)
                {
                    // The token starts at the opening quote; the value is the bytes up to the closing one.
                    return RecordValue.FromUtf8(line, (int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
                }

                return RecordValue.From(reader.GetString());
            case JsonTokenType.Number:
                return ReadNumber(ref reader);
            case JsonTokenType.True:
                return RecordValue.From(true);
            case JsonTokenType.False:
                return RecordValue.From(false);
            default:
                return RecordValue.Null;
        }
    }

    private static RecordValue ReadNumber(ref Utf8JsonReader reader)
    {
        var span = reader.ValueSpan;
        if (span.IndexOfAny((byte)'.', (byte)'e', (byte)'E') >= 0)
        {
            return RecordValue.From(reader.GetDouble());
        }

        if (reader.TryGetInt64(out var l))
        {
            return RecordValue.From(l);
        }

        // An integer beyond 64 bits: Ruby keeps it exact, so keep its digits ("-0" cannot reach here).
        return RecordValue.FromBigInteger(System.Text.Encoding.ASCII.GetString(span));
    }
}
