using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Tailship.Events;

namespace Tailship.Formatters.Json;

/// <summary>
/// Writes records as JSON exactly as Fluentd's Yajl does (<c>Yajl.dump</c>), into an
/// <see cref="IBufferWriter{T}"/> without allocating:
/// <list type="bullet">
/// <item>no spaces; keys in insertion order; nested maps and arrays;</item>
/// <item>only <c>"</c>, <c>\</c> and U+0000–U+001F are escaped: <c>\b \f \n \r \t</c> in short form, the other
/// controls as upper-case <c>\u001B</c>; DEL, <c>/</c>, <c>&lt;</c>, <c>&amp;</c>, U+2028/9 and all non-ASCII are raw;</item>
/// <item>byte-held strings are copied as they are, invalid UTF-8 included (no U+FFFD, no escape);</item>
/// <item>integers exact (beyond 64 bits as their digits); floats as Ruby's <c>Float#to_s</c>.</item>
/// </list>
/// Yajl refuses NaN and Infinity (Fluentd then fails the chunk); they are written as <c>null</c> so one bad value
/// does not make the whole output unreadable JSON.
/// </summary>
internal static class YajlWriter
{
    private static readonly SearchValues<byte> NeedsEscape = SearchValues.Create(
        "\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000B\f\r\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\"\\"u8);

    /// <summary>Strings up to this many bytes are written with one buffer reservation when nothing needs escaping.</summary>
    private const int FastPathLimit = 4096;

    public static void WriteRecord(Record record, IBufferWriter<byte> output)
    {
        var count = record.Count;
        if (count == 0)
        {
            output.Write("{}"u8);
            return;
        }

        WriteByte((byte)'{', output);
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                WriteByte((byte)',', output);
            }

            WriteString(record.KeyAt(i), output);
            WriteByte((byte)':', output);
            WriteValue(record.ValueAt(i), output);
        }

        WriteByte((byte)'}', output);
    }

    public static void WriteValue(in RecordValue value, IBufferWriter<byte> output)
    {
        switch (value.Kind)
        {
            case RecordValueKind.Null:
                output.Write("null"u8);
                break;
            case RecordValueKind.Bool:
                output.Write(value.AsBool ? "true"u8 : "false"u8);
                break;
            case RecordValueKind.Integer:
                WriteInteger(value, output);
                break;
            case RecordValueKind.Float:
                WriteFloat(value.AsFloat, output);
                break;
            case RecordValueKind.String:
                if (value.IsUtf8Bytes)
                {
                    WriteString(value.Utf8, output);
                }
                else
                {
                    WriteString(value.AsString!, output);
                }

                break;
            case RecordValueKind.Array:
                WriteArray(value.AsArray, output);
                break;
            case RecordValueKind.Map:
                WriteRecord(value.AsMap, output);
                break;
        }
    }

    /// <summary>A quoted, escaped string from UTF-8 bytes (invalid sequences copied unchanged).</summary>
    public static void WriteString(ReadOnlySpan<byte> utf8, IBufferWriter<byte> output)
    {
        // Fast path, the usual case: nothing to escape, so quote and copy with one reservation.
        if (utf8.Length <= FastPathLimit && utf8.IndexOfAny(NeedsEscape) < 0)
        {
            var span = output.GetSpan(utf8.Length + 2);
            span[0] = (byte)'"';
            utf8.CopyTo(span[1..]);
            span[utf8.Length + 1] = (byte)'"';
            output.Advance(utf8.Length + 2);
            return;
        }

        WriteByte((byte)'"', output);
        WriteEscaped(utf8, output);
        WriteByte((byte)'"', output);
    }

    /// <summary>A quoted, escaped string from .NET text (a lone surrogate becomes U+FFFD: Ruby strings have none).</summary>
    public static void WriteString(string value, IBufferWriter<byte> output)
    {
        // Fast path for keys and short values: encode straight into the output; keep it only when nothing needs escaping.
        if (value.Length <= FastPathLimit / 3)
        {
            var span = output.GetSpan((value.Length * 3) + 2);
            var n = Encoding.UTF8.GetBytes(value, span[1..]);
            if (span.Slice(1, n).IndexOfAny(NeedsEscape) < 0)
            {
                span[0] = (byte)'"';
                span[n + 1] = (byte)'"';
                output.Advance(n + 2);
                return;
            }
        }

        WriteByte((byte)'"', output);
        var rest = value.AsSpan();
        Span<byte> chunk = stackalloc byte[768];
        while (!rest.IsEmpty)
        {
            var status = System.Text.Unicode.Utf8.FromUtf16(rest, chunk, out var read, out var written, replaceInvalidSequences: true, isFinalBlock: true);
            WriteEscaped(chunk[..written], output);
            rest = rest[read..];
            if (status == OperationStatus.Done)
            {
                break;
            }
        }

        WriteByte((byte)'"', output);
    }

    /// <summary>The escaped body of a string, without quotes (also used where JSON text is embedded).</summary>
    public static void WriteEscaped(ReadOnlySpan<byte> utf8, IBufferWriter<byte> output)
    {
        while (!utf8.IsEmpty)
        {
            var i = utf8.IndexOfAny(NeedsEscape);
            if (i < 0)
            {
                output.Write(utf8);
                return;
            }

            if (i > 0)
            {
                output.Write(utf8[..i]);
            }

            WriteEscape(utf8[i], output);
            utf8 = utf8[(i + 1)..];
        }
    }

    private static void WriteEscape(byte b, IBufferWriter<byte> output)
    {
        ReadOnlySpan<byte> hex = "0123456789ABCDEF"u8;
        var span = output.GetSpan(6);
        span[0] = (byte)'\\';
        var n = 2;
        switch (b)
        {
            case (byte)'"':
                span[1] = (byte)'"';
                break;
            case (byte)'\\':
                span[1] = (byte)'\\';
                break;
            case (byte)'\b':
                span[1] = (byte)'b';
                break;
            case (byte)'\f':
                span[1] = (byte)'f';
                break;
            case (byte)'\n':
                span[1] = (byte)'n';
                break;
            case (byte)'\r':
                span[1] = (byte)'r';
                break;
            case (byte)'\t':
                span[1] = (byte)'t';
                break;
            default:
                span[1] = (byte)'u';
                span[2] = (byte)'0';
                span[3] = (byte)'0';
                span[4] = hex[b >> 4];
                span[5] = hex[b & 0xF];
                n = 6;
                break;
        }

        output.Advance(n);
    }

    private static void WriteArray(List<RecordValue> items, IBufferWriter<byte> output)
    {
        WriteByte((byte)'[', output);
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                WriteByte((byte)',', output);
            }

            WriteValue(items[i], output);
        }

        WriteByte((byte)']', output);
    }

    private static void WriteInteger(in RecordValue value, IBufferWriter<byte> output)
    {
        if (value.BigIntegerDigits is { } digits)
        {
            var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(digits.Length));
            output.Advance(Encoding.UTF8.GetBytes(digits, span));
            return;
        }

        var s = output.GetSpan(20);
        Utf8Formatter.TryFormat(value.AsInteger, s, out var n);
        output.Advance(n);
    }

    private static void WriteFloat(double value, IBufferWriter<byte> output)
    {
        if (!double.IsFinite(value))
        {
            output.Write("null"u8);
            return;
        }

        var span = output.GetSpan(RubyFloatWriter.MaxLength);
        output.Advance(RubyFloatWriter.Write(value, span));
    }

    private static void WriteByte(byte b, IBufferWriter<byte> output)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
    }
}
