using System.Buffers.Binary;
using System.Text;
using Tailship.Events;

namespace Tailship.Parsers.Msgpack;

/// <summary>
/// A small MessagePack decoder into <see cref="RecordValue"/>s: nil, bool, integers, floats, str and bin (both as
/// byte strings, as Ruby's msgpack gives them), arrays and maps. Extension values become null, except Fluentd's
/// EventTime (type 0), which becomes its integer seconds as Fluentd's JSON shows it. Unsigned values beyond
/// 64-bit signed range keep their exact digits.
/// </summary>
internal ref struct MsgpackReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly byte[] _owner;
    private int _pos;

    public MsgpackReader(byte[] data)
    {
        _owner = data;
        _data = data;
        _pos = 0;
    }

    public readonly bool AtEnd => _pos >= _data.Length;

    public bool TryRead(out RecordValue value, int depth = 0)
    {
        value = default;
        if (_pos >= _data.Length || depth > 256)
        {
            return false;
        }

        var b = _data[_pos++];
        switch (b)
        {
            case <= 0x7f:
                value = RecordValue.From((long)b);
                return true;
            case >= 0xe0:
                value = RecordValue.From((long)(sbyte)b);
                return true;
            case >= 0x80 and <= 0x8f:
                return TryReadMap(b & 0x0f, out value, depth);
            case >= 0x90 and <= 0x9f:
                return TryReadArray(b & 0x0f, out value, depth);
            case >= 0xa0 and <= 0xbf:
                return TryReadBytes(b & 0x1f, out value);
            case 0xc0:
                value = RecordValue.Null;
                return true;
            case 0xc2:
                value = RecordValue.From(false);
                return true;
            case 0xc3:
                value = RecordValue.From(true);
                return true;
            case 0xc4 or 0xd9:
                return TryLength(1, out var l8) && TryReadBytes(l8, out value);
            case 0xc5 or 0xda:
                return TryLength(2, out var l16) && TryReadBytes(l16, out value);
            case 0xc6 or 0xdb:
                return TryLength(4, out var l32) && TryReadBytes(l32, out value);
            case 0xc7:
                return TryLength(1, out var e8) && TryReadExt(e8, out value);
            case 0xc8:
                return TryLength(2, out var e16) && TryReadExt(e16, out value);
            case 0xc9:
                return TryLength(4, out var e32) && TryReadExt(e32, out value);
            case 0xca:
                if (!Has(4))
                {
                    return false;
                }

                value = RecordValue.From((double)BinaryPrimitives.ReadSingleBigEndian(_data[_pos..]));
                _pos += 4;
                return true;
            case 0xcb:
                if (!Has(8))
                {
                    return false;
                }

                value = RecordValue.From(BinaryPrimitives.ReadDoubleBigEndian(_data[_pos..]));
                _pos += 8;
                return true;
            case 0xcc:
                return TryLength(1, out var u8) && Set((long)u8, out value);
            case 0xcd:
                return TryLength(2, out var u16) && Set((long)u16, out value);
            case 0xce:
                return TryLength(4, out var u32) && Set((long)u32, out value);
            case 0xcf:
                {
                    if (!Has(8))
                    {
                        return false;
                    }

                    var u64 = BinaryPrimitives.ReadUInt64BigEndian(_data[_pos..]);
                    _pos += 8;
                    value = u64 <= long.MaxValue ? RecordValue.From((long)u64) : RecordValue.FromBigInteger(u64.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    return true;
                }

            case 0xd0:
                return Has(1) && Set((long)(sbyte)_data[_pos++], out value);
            case 0xd1:
                return Has(2) && Set(BinaryPrimitives.ReadInt16BigEndian(Take(2)), out value);
            case 0xd2:
                return Has(4) && Set(BinaryPrimitives.ReadInt32BigEndian(Take(4)), out value);
            case 0xd3:
                return Has(8) && Set(BinaryPrimitives.ReadInt64BigEndian(Take(8)), out value);
            case 0xd4:
                return TryReadExt(1, out value);
            case 0xd5:
                return TryReadExt(2, out value);
            case 0xd6:
                return TryReadExt(4, out value);
            case 0xd7:
                return TryReadExt(8, out value);
            case 0xd8:
                return TryReadExt(16, out value);
            case 0xdc:
                return TryLength(2, out var a16) && TryReadArray(a16, out value, depth);
            case 0xdd:
                return TryLength(4, out var a32) && TryReadArray(a32, out value, depth);
            case 0xde:
                return TryLength(2, out var m16) && TryReadMap(m16, out value, depth);
            case 0xdf:
                return TryLength(4, out var m32) && TryReadMap(m32, out value, depth);
            default:
                return false; // 0xc1 is never used.
        }
    }

    private static bool Set(long v, out RecordValue value)
    {
        value = RecordValue.From(v);
        return true;
    }

    private readonly bool Has(int n) => _data.Length - _pos >= n;

    private ReadOnlySpan<byte> Take(int n)
    {
        var s = _data.Slice(_pos, n);
        _pos += n;
        return s;
    }

    private bool TryLength(int size, out int length)
    {
        length = 0;
        if (!Has(size))
        {
            return false;
        }

        var v = size switch
        {
            1 => _data[_pos],
            2 => BinaryPrimitives.ReadUInt16BigEndian(_data[_pos..]),
            _ => BinaryPrimitives.ReadUInt32BigEndian(_data[_pos..]),
        };
        _pos += size;
        if (v > int.MaxValue)
        {
            return false;
        }

        length = (int)v;
        return true;
    }

    private bool TryReadBytes(int length, out RecordValue value)
    {
        value = default;
        if (!Has(length))
        {
            return false;
        }

        value = RecordValue.FromUtf8(_owner, _pos, length);
        _pos += length;
        return true;
    }

    private bool TryReadExt(int length, out RecordValue value)
    {
        value = RecordValue.Null;
        if (!Has(length + 1))
        {
            return false;
        }

        var type = (sbyte)_data[_pos];
        var payload = _data.Slice(_pos + 1, length);
        _pos += length + 1;
        if (type == 0 && length == 8)
        {
            value = RecordValue.From((long)BinaryPrimitives.ReadUInt32BigEndian(payload));
        }

        return true;
    }

    private bool TryReadArray(int count, out RecordValue value, int depth)
    {
        value = default;
        if (count > _data.Length - _pos)
        {
            return false; // Every element takes at least one byte.
        }

        var list = new List<RecordValue>(count);
        for (var i = 0; i < count; i++)
        {
            if (!TryRead(out var item, depth + 1))
            {
                return false;
            }

            list.Add(item);
        }

        value = RecordValue.FromArray(list);
        return true;
    }

    private bool TryReadMap(int count, out RecordValue value, int depth)
    {
        value = default;
        if (count > (_data.Length - _pos) / 2)
        {
            return false;
        }

        var record = new Record(Math.Max(count, 1));
        for (var i = 0; i < count; i++)
        {
            if (!TryRead(out var key, depth + 1) || !TryRead(out var item, depth + 1))
            {
                return false;
            }

            var name = key.Kind == RecordValueKind.String
                ? (key.IsUtf8Bytes ? Encoding.UTF8.GetString(key.Utf8) : key.AsString!)
                : key.ToString();
            record.Set(name, item);
        }

        value = RecordValue.FromMap(record);
        return true;
    }
}
