using System.Buffers;
using System.Globalization;
using System.Text;
using Tailship.Events;

namespace Tailship.Text;

/// <summary>
/// Ruby's views of a record value, which Fluentd's plugins expose: <c>to_s</c> (what a placeholder or grep
/// sees), <c>inspect</c> (how a nested hash or array turns into text, Ruby 3.1 layout) and <c>to_f</c>.
/// </summary>
internal static class RubyText
{
    /// <summary>UTF-8 that turns each invalid sequence into <c>?</c>, as Ruby's <c>String#scrub('?')</c> does.</summary>
    public static readonly Encoding ScrubbingUtf8 = CreateScrubbingUtf8();

    /// <summary>Appends <c>value.to_s</c> as UTF-8; a byte-held string is copied unchanged (invalid bytes kept).</summary>
    public static void AppendToS(RecordValue value, IBufferWriter<byte> output)
    {
        switch (value.Kind)
        {
            case RecordValueKind.Null:
                return;
            case RecordValueKind.String when value.IsUtf8Bytes:
                output.Write(value.Utf8);
                return;
            default:
                AppendUtf8(ToS(value), output);
                return;
        }
    }

    /// <summary><c>value.to_s</c>: nil is empty, strings are themselves, hashes and arrays are inspected.</summary>
    public static string ToS(RecordValue value) => value.Kind switch
    {
        RecordValueKind.Null => string.Empty,
        RecordValueKind.String => value.AsString!,
        RecordValueKind.Array or RecordValueKind.Map => Inspect(value),
        _ => value.ToString(),
    };

    /// <summary><c>value.inspect</c> in Ruby 3.1's layout: <c>{"k"=>"v", "n"=>nil}</c>, <c>[1, "a"]</c>.</summary>
    public static string Inspect(RecordValue value)
    {
        var sb = new StringBuilder();
        AppendInspect(value, sb);
        return sb.ToString();
    }

    private static void AppendInspect(RecordValue value, StringBuilder sb)
    {
        switch (value.Kind)
        {
            case RecordValueKind.Null:
                sb.Append("nil");
                break;
            case RecordValueKind.String:
                AppendInspectString(value, sb);
                break;
            case RecordValueKind.Array:
                sb.Append('[');
                var items = value.AsArray;
                for (var i = 0; i < items.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    AppendInspect(items[i], sb);
                }

                sb.Append(']');
                break;
            case RecordValueKind.Map:
                sb.Append('{');
                var map = value.AsMap;
                for (var i = 0; i < map.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    AppendInspectString(RecordValue.From(map.KeyAt(i)), sb);
                    sb.Append("=>");
                    AppendInspect(map.ValueAt(i), sb);
                }

                sb.Append('}');
                break;
            default:
                sb.Append(value.ToString());
                break;
        }
    }

    // String#inspect for a UTF-8 string: quotes, backslash escapes, \uXXXX for other control characters,
    // \xHH for each byte of an invalid sequence, and "#{", "#$", "#@" escaped so the text reads back as the string.
    private static void AppendInspectString(RecordValue value, StringBuilder sb)
    {
        var bytes = value.IsUtf8Bytes ? value.Utf8 : Encoding.UTF8.GetBytes(value.AsString!);
        sb.Append('"');
        while (!bytes.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(bytes, out var rune, out var consumed);
            if (status != OperationStatus.Done)
            {
                for (var i = 0; i < consumed; i++)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"\\x{bytes[i]:X2}");
                }

                bytes = bytes[consumed..];
                continue;
            }

            bytes = bytes[consumed..];
            var c = rune.Value;
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '\f':
                    sb.Append("\\f");
                    break;
                case '\v':
                    sb.Append("\\v");
                    break;
                case '\b':
                    sb.Append("\\b");
                    break;
                case '\a':
                    sb.Append("\\a");
                    break;
                case 0x1B:
                    sb.Append("\\e");
                    break;
                case '#' when !bytes.IsEmpty && bytes[0] is (byte)'{' or (byte)'$' or (byte)'@':
                    sb.Append("\\#");
                    break;
                case < 0x20 or 0x7F or (>= 0x80 and < 0xA0):
                    sb.Append(CultureInfo.InvariantCulture, $"\\u{c:X4}");
                    break;
                default:
                    sb.Append(rune.ToString());
                    break;
            }
        }

        sb.Append('"');
    }

    /// <summary>
    /// Ruby's <c>to_f</c> for the values a record holds; false when Ruby would raise (true/false, hashes,
    /// arrays have no <c>to_f</c>). Strings follow <c>String#to_f</c>: the leading number, else 0.0.
    /// </summary>
    public static bool TryToF(RecordValue value, out double result)
    {
        switch (value.Kind)
        {
            case RecordValueKind.Null:
                result = 0;
                return true;
            case RecordValueKind.Integer:
                result = value.BigIntegerDigits is { } digits
                    ? double.Parse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
                    : value.AsInteger;
                return true;
            case RecordValueKind.Float:
                result = value.AsFloat;
                return true;
            case RecordValueKind.String:
                result = StringToF(value.AsString!);
                return true;
            default:
                result = 0;
                return false;
        }
    }

    /// <summary><c>String#to_f</c>: leading spaces, sign, digits with single underscores, fraction, exponent.</summary>
    public static double StringToF(string s)
    {
        var i = 0;
        while (i < s.Length && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))
        {
            i++;
        }

        var sb = new StringBuilder();
        if (i < s.Length && s[i] is '+' or '-')
        {
            sb.Append(s[i++]);
        }

        var intDigits = ReadDigits(s, ref i, sb);
        var fracDigits = 0;
        if (i + 1 < s.Length && s[i] == '.' && char.IsAsciiDigit(s[i + 1]))
        {
            sb.Append('.');
            i++;
            fracDigits = ReadDigits(s, ref i, sb);
        }

        if (intDigits + fracDigits == 0)
        {
            return 0;
        }

        if (i < s.Length && s[i] is 'e' or 'E')
        {
            var j = i + 1;
            var exp = new StringBuilder("e");
            if (j < s.Length && s[j] is '+' or '-')
            {
                exp.Append(s[j++]);
            }

            if (ReadDigits(s, ref j, exp) > 0)
            {
                sb.Append(exp);
            }
        }

        return double.Parse(sb.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private static int ReadDigits(string s, ref int i, StringBuilder sb)
    {
        var count = 0;
        while (i < s.Length)
        {
            if (char.IsAsciiDigit(s[i]))
            {
                sb.Append(s[i++]);
                count++;
            }
            else if (s[i] == '_' && count > 0 && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1]))
            {
                i++;
            }
            else
            {
                break;
            }
        }

        return count;
    }

    private static void AppendUtf8(string text, IBufferWriter<byte> output)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private static Encoding CreateScrubbingUtf8()
    {
        var encoding = (Encoding)new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).Clone();
        encoding.DecoderFallback = new DecoderReplacementFallback("?");
        return encoding;
    }
}
