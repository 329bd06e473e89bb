using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Tailship.Events;
using Tailship.Formatters.Json;

namespace Tailship.Formatters;

/// <summary>
/// Ruby's text forms of record values as UTF-8 bytes: <c>to_s</c> (what ltsv, csv and single_value write) and
/// Ruby 3.1's <c>inspect</c> (what the hash formatter writes: <c>{"k"=>"v", "n"=>nil}</c>).
/// A byte-held string is a binary string in Fluentd (in_tail reads lines as ASCII-8BIT), so its inspect shows every
/// byte outside printable ASCII as <c>\xHH</c>; a .NET string is a UTF-8 string, whose printable characters stay raw.
/// </summary>
internal static class RubyText
{
    /// <summary><c>value.to_s</c>: strings as they are, nil as nothing, arrays and maps as inspect.</summary>
    public static void WriteToS(in RecordValue value, IBufferWriter<byte> output)
    {
        switch (value.Kind)
        {
            case RecordValueKind.Null:
                return;
            case RecordValueKind.String when value.IsUtf8Bytes:
                output.Write(value.Utf8);
                return;
            case RecordValueKind.String:
                output.WriteUtf8(value.AsString!);
                return;
            default:
                WriteInspect(value, output);
                return;
        }
    }

    public static void WriteInspect(in RecordValue value, IBufferWriter<byte> output)
    {
        switch (value.Kind)
        {
            case RecordValueKind.Null:
                output.Write("nil"u8);
                break;
            case RecordValueKind.Bool:
                output.Write(value.AsBool ? "true"u8 : "false"u8);
                break;
            case RecordValueKind.Integer when value.BigIntegerDigits is { } digits:
                output.WriteUtf8(digits);
                break;
            case RecordValueKind.Integer:
                Utf8Formatter.TryFormat(value.AsInteger, output.GetSpan(20), out var n);
                output.Advance(n);
                break;
            case RecordValueKind.Float:
                output.Advance(RubyFloatWriter.Write(value.AsFloat, output.GetSpan(RubyFloatWriter.MaxLength)));
                break;
            case RecordValueKind.String when value.IsUtf8Bytes:
                WriteBinaryStringInspect(value.Utf8, output);
                break;
            case RecordValueKind.String:
                WriteStringInspect(value.AsString!, output);
                break;
            case RecordValueKind.Array:
                output.WriteByte((byte)'[');
                var items = value.AsArray;
                for (var i = 0; i < items.Count; i++)
                {
                    if (i > 0)
                    {
                        output.Write(", "u8);
                    }

                    WriteInspect(items[i], output);
                }

                output.WriteByte((byte)']');
                break;
            case RecordValueKind.Map:
                WriteHashInspect(value.AsMap, output);
                break;
        }
    }

    /// <summary>Ruby 3.1 <c>Hash#inspect</c>: <c>{"k"=>"v", "n"=>nil}</c>; an empty hash is <c>{}</c>.</summary>
    public static void WriteHashInspect(Record record, IBufferWriter<byte> output)
    {
        output.WriteByte((byte)'{');
        for (var i = 0; i < record.Count; i++)
        {
            if (i > 0)
            {
                output.Write(", "u8);
            }

            WriteStringInspect(record.KeyAt(i), output);
            output.Write("=>"u8);
            WriteInspect(record.ValueAt(i), output);
        }

        output.WriteByte((byte)'}');
    }

    /// <summary><c>String#inspect</c> of a UTF-8 string under a UTF-8 locale.</summary>
    public static void WriteStringInspect(string value, IBufferWriter<byte> output)
    {
        output.WriteByte((byte)'"');
        Span<byte> utf8 = stackalloc byte[4];
        var span = value.AsSpan();
        var i = 0;
        while (i < span.Length)
        {
            if (Rune.DecodeFromUtf16(span[i..], out var rune, out var used) != OperationStatus.Done)
            {
                rune = Rune.ReplacementChar;
            }

            var next = i + used < span.Length ? span[i + used] : '\0';
            i += used;
            if (WriteCommonEscape(rune.Value, next, output))
            {
                continue;
            }

            if (IsPrintable(rune))
            {
                output.Write(utf8[..rune.EncodeToUtf8(utf8)]);
            }
            else if (rune.Value < 0x10000)
            {
                WriteAscii(output, $"\\u{rune.Value:X4}");
            }
            else
            {
                WriteAscii(output, $"\\u{{{rune.Value:X}}}");
            }
        }

        output.WriteByte((byte)'"');
    }

    /// <summary><c>String#inspect</c> of a binary (ASCII-8BIT) string: bytes outside printable ASCII as <c>\xHH</c>.</summary>
    public static void WriteBinaryStringInspect(ReadOnlySpan<byte> bytes, IBufferWriter<byte> output)
    {
        output.WriteByte((byte)'"');
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            var next = i + 1 < bytes.Length ? (char)bytes[i + 1] : '\0';
            if (WriteCommonEscape(b, next, output))
            {
                continue;
            }

            if (b is >= 0x20 and < 0x7F)
            {
                output.WriteByte(b);
            }
            else
            {
                var s = output.GetSpan(4);
                s[0] = (byte)'\\';
                s[1] = (byte)'x';
                s[2] = (byte)"0123456789ABCDEF"[b >> 4];
                s[3] = (byte)"0123456789ABCDEF"[b & 0xF];
                output.Advance(4);
            }
        }

        output.WriteByte((byte)'"');
    }

    /// <summary>The escapes both string kinds share: quote, backslash, <c>#{ #$ #@</c> and the short control forms.</summary>
    private static bool WriteCommonEscape(int c, char next, IBufferWriter<byte> output)
    {
        ReadOnlySpan<byte> escape = c switch
        {
            '"' => "\\\""u8,
            '\\' => "\\\\"u8,
            '#' when next is '{' or '$' or '@' => "\\#"u8,
            '\n' => "\\n"u8,
            '\r' => "\\r"u8,
            '\t' => "\\t"u8,
            '\f' => "\\f"u8,
            '\v' => "\\v"u8,
            '\b' => "\\b"u8,
            '\a' => "\\a"u8,
            0x1B => "\\e"u8,
            _ => default,
        };
        if (escape.IsEmpty)
        {
            return false;
        }

        output.Write(escape);
        return true;
    }

    /// <summary>Onigmo's print class: everything but controls, surrogates, unassigned code points and the line/paragraph separators.</summary>
    private static bool IsPrintable(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => false,
        _ => true,
    };

    private static void WriteAscii(IBufferWriter<byte> output, string ascii)
    {
        var span = output.GetSpan(ascii.Length);
        for (var i = 0; i < ascii.Length; i++)
        {
            span[i] = (byte)ascii[i];
        }

        output.Advance(ascii.Length);
    }
}
