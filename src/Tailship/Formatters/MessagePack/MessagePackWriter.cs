using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Tailship.Events;

namespace Tailship.Formatters.MessagePack;

/// <summary>
/// Writes record values as MessagePack the way msgpack-ruby does: integers in the smallest form (unsigned forms
/// for non-negative values), floats as float64, strings as str (fixstr/str8/16/32; byte-held strings copied
/// unchanged), arrays and maps with the smallest header. An integer beyond 64 bits that fits in uint64 is written as
/// uint64; a larger one (which msgpack-ruby refuses) is written as the str of its digits, so no value is lost.
/// </summary>
internal static class MessagePackWriter
{
    public static void WriteRecord(Record record, IBufferWriter<byte> output)
    {
        WriteHeader(output, record.Count, 0x80, 15, 0xde, 0xdf);
        for (var i = 0; i < record.Count; i++)
        {
            WriteString(record.KeyAt(i), output);
            WriteValue(record.ValueAt(i), output);
        }
    }

    public static void WriteValue(in RecordValue value, IBufferWriter<byte> output)
    {
        switch (value.Kind)
        {
            case RecordValueKind.Null:
                output.WriteByte(0xc0);
                break;
            case RecordValueKind.Bool:
                output.WriteByte(value.AsBool ? (byte)0xc3 : (byte)0xc2);
                break;
            case RecordValueKind.Integer when value.BigIntegerDigits is { } digits:
                if (ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var big))
                {
                    WriteUInt64(big, output);
                }
                else
                {
                    WriteString(digits, output);
                }

                break;
            case RecordValueKind.Integer:
                WriteInteger(value.AsInteger, output);
                break;
            case RecordValueKind.Float:
                var f = output.GetSpan(9);
                f[0] = 0xcb;
                BinaryPrimitives.WriteDoubleBigEndian(f[1..], value.AsFloat);
                output.Advance(9);
                break;
            case RecordValueKind.String when value.IsUtf8Bytes:
                WriteStringHeader(value.Utf8.Length, output);
                output.Write(value.Utf8);
                break;
            case RecordValueKind.String:
                WriteString(value.AsString!, output);
                break;
            case RecordValueKind.Array:
                var items = value.AsArray;
                WriteHeader(output, items.Count, 0x90, 15, 0xdc, 0xdd);
                foreach (var item in items)
                {
                    WriteValue(item, output);
                }

                break;
            case RecordValueKind.Map:
                WriteRecord(value.AsMap, output);
                break;
        }
    }

    public static void WriteString(string value, IBufferWriter<byte> output)
    {
        WriteStringHeader(Encoding.UTF8.GetByteCount(value), output);
        output.WriteUtf8(value);
    }

    public static void WriteInteger(long value, IBufferWriter<byte> output)
    {
        if (value >= 0)
        {
            WriteUInt64((ulong)value, output);
            return;
        }

        var s = output.GetSpan(9);
        if (value >= -32)
        {
            s[0] = unchecked((byte)(sbyte)value);
            output.Advance(1);
        }
        else if (value >= sbyte.MinValue)
        {
            s[0] = 0xd0;
            s[1] = unchecked((byte)(sbyte)value);
            output.Advance(2);
        }
        else if (value >= short.MinValue)
        {
            s[0] = 0xd1;
            BinaryPrimitives.WriteInt16BigEndian(s[1..], (short)value);
            output.Advance(3);
        }
        else if (value >= int.MinValue)
        {
            s[0] = 0xd2;
            BinaryPrimitives.WriteInt32BigEndian(s[1..], (int)value);
            output.Advance(5);
        }
        else
        {
            s[0] = 0xd3;
            BinaryPrimitives.WriteInt64BigEndian(s[1..], value);
            output.Advance(9);
        }
    }

    private static void WriteUInt64(ulong value, IBufferWriter<byte> output)
    {
        var s = output.GetSpan(9);
        if (value <= 0x7f)
        {
            s[0] = (byte)value;
            output.Advance(1);
        }
        else if (value <= byte.MaxValue)
        {
            s[0] = 0xcc;
            s[1] = (byte)value;
            output.Advance(2);
        }
        else if (value <= ushort.MaxValue)
        {
            s[0] = 0xcd;
            BinaryPrimitives.WriteUInt16BigEndian(s[1..], (ushort)value);
            output.Advance(3);
        }
        else if (value <= uint.MaxValue)
        {
            s[0] = 0xce;
            BinaryPrimitives.WriteUInt32BigEndian(s[1..], (uint)value);
            output.Advance(5);
        }
        else
        {
            s[0] = 0xcf;
            BinaryPrimitives.WriteUInt64BigEndian(s[1..], value);
            output.Advance(9);
        }
    }

    private static void WriteStringHeader(int length, IBufferWriter<byte> output)
    {
        var s = output.GetSpan(5);
        if (length <= 31)
        {
            s[0] = (byte)(0xa0 | length);
            output.Advance(1);
        }
        else if (length <= byte.MaxValue)
        {
            s[0] = 0xd9;
            s[1] = (byte)length;
            output.Advance(2);
        }
        else if (length <= ushort.MaxValue)
        {
            s[0] = 0xda;
            BinaryPrimitives.WriteUInt16BigEndian(s[1..], (ushort)length);
            output.Advance(3);
        }
        else
        {
            s[0] = 0xdb;
            BinaryPrimitives.WriteUInt32BigEndian(s[1..], (uint)length);
            output.Advance(5);
        }
    }

    /// <summary>An array or map header: the fix form up to <paramref name="fixMax"/>, then the 16- and 32-bit forms.</summary>
    private static void WriteHeader(IBufferWriter<byte> output, int count, byte fix, int fixMax, byte code16, byte code32)
    {
        var s = output.GetSpan(5);
        if (count <= fixMax)
        {
            s[0] = (byte)(fix | count);
            output.Advance(1);
        }
        else if (count <= ushort.MaxValue)
        {
            s[0] = code16;
            BinaryPrimitives.WriteUInt16BigEndian(s[1..], (ushort)count);
            output.Advance(3);
        }
        else
        {
            s[0] = code32;
            BinaryPrimitives.WriteUInt32BigEndian(s[1..], (uint)count);
            output.Advance(5);
        }
    }
}
