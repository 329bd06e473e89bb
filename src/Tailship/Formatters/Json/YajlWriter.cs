using System.Buffers;
using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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

    /// <summary>Records whose one-reservation bound exceeds this are written piece by piece.</summary>
    private const int LineReservationLimit = 64 * 1024;

    /// <summary>.NET strings up to this many chars are transcoded on the stack by the one-reservation path.</summary>
    private const int StackTranscodeLimit = 1024;

    /// <summary>
    /// <paramref name="prefix"/>, the record as JSON and <paramref name="suffix"/> (a formatter's line): with one
    /// buffer reservation when the record is flat (strings, numbers, booleans, null) and not huge, which is nearly
    /// every log line; otherwise piece by piece. The bytes are the same either way.
    /// </summary>
    public static void WriteLine(ReadOnlySpan<byte> prefix, Record record, ReadOnlySpan<byte> suffix, IBufferWriter<byte> output)
    {
        var bound = FlatBound(record);
        if (bound >= 0 && bound <= LineReservationLimit)
        {
            var span = output.GetSpan(prefix.Length + bound + suffix.Length);
            prefix.CopyTo(span);
            var n = prefix.Length;
            n += WriteFlat(record, span[n..]);
            suffix.CopyTo(span[n..]);
            output.Advance(n + suffix.Length);
            return;
        }

        output.Write(prefix);
        WriteRecord(record, output);
        output.Write(suffix);
    }

    /// <summary>
    /// The most bytes <see cref="WriteFlat"/> can write for this record, or -1 when a value is an array, a map or a
    /// long .NET string. A character or byte becomes at most 6 bytes (an escape like <c>\u001F</c>; a UTF-16 char
    /// becomes at most 3 UTF-8 bytes, and those are never escaped).
    /// </summary>
    private static int FlatBound(Record record)
    {
        long bound = 2;
        for (var i = 0; i < record.Count; i++)
        {
            var key = record.KeyAt(i);
            if (key.Length > StackTranscodeLimit)
            {
                return -1;
            }

            bound += (6L * key.Length) + 4; // quotes, colon, comma
            var value = record.ValueAt(i);
            switch (value.Kind)
            {
                case RecordValueKind.Null:
                case RecordValueKind.Bool:
                    bound += 5;
                    break;
                case RecordValueKind.Integer:
                    bound += value.BigIntegerDigits is { } digits ? digits.Length : 20;
                    break;
                case RecordValueKind.Float:
                    bound += RubyFloatWriter.MaxLength;
                    break;
                case RecordValueKind.String when value.IsUtf8Bytes:
                    bound += (6L * value.Utf8.Length) + 2;
                    break;
                case RecordValueKind.String when value.AsString!.Length <= StackTranscodeLimit:
                    bound += (6L * value.AsString!.Length) + 2;
                    break;
                default:
                    return -1;
            }
        }

        return bound > int.MaxValue / 2 ? -1 : (int)bound;
    }

    /// <summary>A flat record (see <see cref="FlatBound"/>) into a span that holds its bound; returns the bytes written.</summary>
    private static int WriteFlat(Record record, Span<byte> destination)
    {
        var count = record.Count;
        var keys = KeyCache.Slots;
        destination[0] = (byte)'{';
        var n = 1;
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                destination[n++] = (byte)',';
            }

            var key = KeyCache.Get(keys, record.KeyAt(i), i);
            key.CopyTo(destination[n..]);
            n += key.Length;
            n += WriteFlatValue(record.ValueAt(i), destination[n..]);
        }

        destination[n++] = (byte)'}';
        return n;
    }

    private static int WriteFlatValue(in RecordValue value, Span<byte> destination)
    {
        switch (value.Kind)
        {
            case RecordValueKind.Null:
                "null"u8.CopyTo(destination);
                return 4;
            case RecordValueKind.Bool:
                var literal = value.AsBool ? "true"u8 : "false"u8;
                literal.CopyTo(destination);
                return literal.Length;
            case RecordValueKind.Integer:
                if (value.BigIntegerDigits is { } digits)
                {
                    return Encoding.UTF8.GetBytes(digits, destination);
                }

                Utf8Formatter.TryFormat(value.AsInteger, destination, out var written);
                return written;
            case RecordValueKind.Float:
                if (!double.IsFinite(value.AsFloat))
                {
                    "null"u8.CopyTo(destination);
                    return 4;
                }

                return RubyFloatWriter.Write(value.AsFloat, destination);
            default:
                return value.IsUtf8Bytes ? WriteQuoted(value.Utf8, destination) : WriteQuoted(value.AsString!, destination);
        }
    }

    /// <summary>A quoted, escaped .NET string of at most <see cref="StackTranscodeLimit"/> chars into a span.</summary>
    private static int WriteQuoted(string value, Span<byte> destination)
    {
        Span<byte> utf8 = stackalloc byte[StackTranscodeLimit * 3];
        System.Text.Unicode.Utf8.FromUtf16(value, utf8, out _, out var length, replaceInvalidSequences: true, isFinalBlock: true);
        return WriteQuoted(utf8[..length], destination);
    }

    /// <summary>A quoted, escaped UTF-8 string into a span of at least 6 × length + 2 bytes.</summary>
    private static int WriteQuoted(ReadOnlySpan<byte> utf8, Span<byte> destination)
    {
        destination[0] = (byte)'"';
        var n = 1;
        if (utf8.Length >= Vector128<byte>.Count && Vector128.IsHardwareAccelerated)
        {
            // The usual log line needs no escape: copy it 16 bytes at a time while checking those bytes, one pass
            // instead of a scan and then a copy. Stops at the first block holding a byte to escape; the loop below
            // writes the rest.
            var copied = CopyUntilEscape(utf8, destination[1..]);
            n += copied;
            if (copied == utf8.Length)
            {
                destination[n++] = (byte)'"';
                return n;
            }

            utf8 = utf8[copied..];
        }

        while (true)
        {
            var i = utf8.IndexOfAny(NeedsEscape);
            if (i < 0)
            {
                utf8.CopyTo(destination[n..]);
                n += utf8.Length;
                break;
            }

            utf8[..i].CopyTo(destination[n..]);
            n += i;
            n += WriteEscape(utf8[i], destination[n..]);
            utf8 = utf8[(i + 1)..];
        }

        destination[n++] = (byte)'"';
        return n;
    }

    /// <summary>
    /// Copies whole 16-byte blocks of <paramref name="utf8"/> (at least 16 bytes) that need no escape, and the last
    /// block too when it needs none (overlapping the one before); returns the bytes copied: all of them, or the
    /// start of the block holding the first byte to escape.
    /// </summary>
    private static int CopyUntilEscape(ReadOnlySpan<byte> utf8, Span<byte> destination)
    {
        var length = utf8.Length;
        if (destination.Length < length)
        {
            throw new ArgumentException("destination too small", nameof(destination));
        }

        ref var source = ref MemoryMarshal.GetReference(utf8);
        ref var target = ref MemoryMarshal.GetReference(destination);
        var space = Vector128.Create((byte)0x20);
        var quote = Vector128.Create((byte)'"');
        var backslash = Vector128.Create((byte)'\\');
        var last = (nuint)(length - Vector128<byte>.Count);
        nuint i = 0;
        while (true)
        {
            // The last block may overlap the one before: the bytes it shares were checked and are written the same.
            var at = i < last ? i : last;
            var block = Vector128.LoadUnsafe(ref source, at);
            var escape = Vector128.LessThan(block, space) | Vector128.Equals(block, quote) | Vector128.Equals(block, backslash);
            if (escape != Vector128<byte>.Zero)
            {
                return (int)at;
            }

            block.StoreUnsafe(ref target, at);
            if (at == last)
            {
                return length;
            }

            i += (nuint)Vector128<byte>.Count;
        }
    }

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

    private static void WriteEscape(byte b, IBufferWriter<byte> output) => output.Advance(WriteEscape(b, output.GetSpan(6)));

    /// <summary>The escape of one byte (2 or 6 bytes) into a span of at least 6.</summary>
    private static int WriteEscape(byte b, Span<byte> span)
    {
        ReadOnlySpan<byte> hex = "0123456789ABCDEF"u8;
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

        return n;
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

    /// <summary>
    /// Keys as their quoted JSON form with the colon (<c>"message":</c>), remembered per thread: records of one
    /// source repeat the same few key strings, in the same order. A key is looked up first in the slot of its
    /// position in the record (one reference comparison, the usual hit), then in a small table hashed by reference;
    /// a miss (another string with the same text, a collision, a record with other keys) only costs an encoding.
    /// </summary>
    internal static class KeyCache
    {
        private const int Positions = 8;
        private const int HashSlots = 16; // a power of two

        [ThreadStatic]
        private static Slot[]? t_slots;

        /// <summary>The slots of this thread: <see cref="Positions"/> positional ones, then the hashed ones.</summary>
        public static Slot[] Slots => t_slots ??= new Slot[Positions + HashSlots];

        /// <summary>The JSON of <paramref name="key"/> (the key at <paramref name="position"/> of its record).</summary>
        public static byte[] Get(Slot[] slots, string key, int position)
        {
            if (position < Positions)
            {
                ref var slot = ref slots[position];
                if (ReferenceEquals(slot.Key, key))
                {
                    return slot.Json;
                }

                var json = Hashed(slots, key);
                slot = new Slot(key, json);
                return json;
            }

            return Hashed(slots, key);
        }

        private static byte[] Hashed(Slot[] slots, string key)
        {
            ref var slot = ref slots[Positions + (System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(key) & (HashSlots - 1))];
            if (!ReferenceEquals(slot.Key, key))
            {
                slot = new Slot(key, Encode(key));
            }

            return slot.Json;
        }

        private static byte[] Encode(string key)
        {
            Span<byte> scratch = stackalloc byte[(StackTranscodeLimit * 6) + 3];
            var n = WriteQuoted(key, scratch);
            scratch[n++] = (byte)':';
            return scratch[..n].ToArray();
        }

        internal readonly record struct Slot(string? Key, byte[] Json);
    }

    private static void WriteByte(byte b, IBufferWriter<byte> output)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
    }
}
