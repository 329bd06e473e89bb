using System.Globalization;
using System.Text;

namespace Tailship.Events;

public enum RecordValueKind : byte
{
    Null,
    Bool,
    Integer,
    Float,
    String,
    Array,
    Map,
}

/// <summary>
/// A value in a record, the JSON-like model Fluentd uses. Strings are held either as a .NET string or as raw
/// UTF-8 bytes (a slice of a read buffer): bytes that are not valid UTF-8 are kept and written back unchanged,
/// as Fluentd does, and the hot path never decodes a line it only passes on.
/// </summary>
public readonly struct RecordValue : IEquatable<RecordValue>
{
    private readonly object? _ref;
    private readonly long _bits;
    private readonly int _offset;
    private readonly int _length;

    private RecordValue(RecordValueKind kind, object? reference, long bits, int offset, int length)
    {
        Kind = kind;
        _ref = reference;
        _bits = bits;
        _offset = offset;
        _length = length;
    }

    public RecordValueKind Kind { get; }

    public static RecordValue Null => default;

    public bool IsNull => Kind == RecordValueKind.Null;

    public static RecordValue From(bool value) => new(RecordValueKind.Bool, null, value ? 1 : 0, 0, 0);

    public static RecordValue From(long value) => new(RecordValueKind.Integer, null, value, 0, 0);

    public static RecordValue From(double value) => new(RecordValueKind.Float, null, BitConverter.DoubleToInt64Bits(value), 0, 0);

    public static RecordValue From(string? value) => value is null ? Null : new(RecordValueKind.String, value, 0, 0, value.Length);

    /// <summary>A string held as UTF-8 bytes; the array must not change while the value is in use.</summary>
    public static RecordValue FromUtf8(byte[] bytes, int offset, int length) => new(RecordValueKind.String, bytes, 0, offset, length);

    public static RecordValue FromUtf8(byte[] bytes) => FromUtf8(bytes, 0, bytes.Length);

    public static RecordValue FromArray(List<RecordValue> items) => new(RecordValueKind.Array, items, 0, 0, 0);

    public static RecordValue FromMap(Record map) => new(RecordValueKind.Map, map, 0, 0, 0);

    /// <summary>An integer too large for 64 bits, kept as its decimal digits (written exactly, as Ruby does).</summary>
    public static RecordValue FromBigInteger(string digits) => new(RecordValueKind.Integer, digits, 0, 0, 0);

    public static implicit operator RecordValue(string? value) => From(value);

    public static implicit operator RecordValue(long value) => From(value);

    public static implicit operator RecordValue(bool value) => From(value);

    public static implicit operator RecordValue(double value) => From(value);

    public bool AsBool => _bits != 0;

    public long AsInteger => _bits;

    /// <summary>Decimal digits of an integer beyond 64 bits, else null.</summary>
    public string? BigIntegerDigits => Kind == RecordValueKind.Integer ? _ref as string : null;

    public double AsFloat => BitConverter.Int64BitsToDouble(_bits);

    public List<RecordValue> AsArray => (List<RecordValue>)_ref!;

    public Record AsMap => (Record)_ref!;

    /// <summary>True when the string is held as UTF-8 bytes (see <see cref="Utf8"/>).</summary>
    public bool IsUtf8Bytes => Kind == RecordValueKind.String && _ref is byte[];

    /// <summary>The UTF-8 bytes of a byte-held string; empty for other values.</summary>
    public ReadOnlySpan<byte> Utf8 => _ref is byte[] bytes ? bytes.AsSpan(_offset, _length) : default;

    /// <summary>The .NET string of a string value (decoding bytes, invalid sequences become U+FFFD); null otherwise.</summary>
    public string? AsString => Kind != RecordValueKind.String ? null
        : _ref as string ?? Encoding.UTF8.GetString((byte[])_ref!, _offset, _length);

    /// <summary>The value as text the way Ruby's <c>to_s</c> shows it (used by placeholders and grep).</summary>
    public override string ToString() => Kind switch
    {
        RecordValueKind.Null => string.Empty,
        RecordValueKind.Bool => AsBool ? "true" : "false",
        RecordValueKind.Integer => BigIntegerDigits ?? _bits.ToString(CultureInfo.InvariantCulture),
        RecordValueKind.Float => RubyFloat.ToString(AsFloat),
        RecordValueKind.String => AsString!,
        RecordValueKind.Array => "[" + string.Join(", ", AsArray.Select(v => v.ToString())) + "]",
        RecordValueKind.Map => AsMap.ToString(),
        _ => string.Empty,
    };

    public bool Equals(RecordValue other)
    {
        if (Kind != other.Kind)
        {
            return false;
        }

        return Kind switch
        {
            RecordValueKind.Null => true,
            RecordValueKind.Bool or RecordValueKind.Float => _bits == other._bits,
            RecordValueKind.Integer => _bits == other._bits && BigIntegerDigits == other.BigIntegerDigits,
            RecordValueKind.String => StringEquals(other),
            RecordValueKind.Array => AsArray.SequenceEqual(other.AsArray),
            RecordValueKind.Map => AsMap.Equals(other.AsMap),
            _ => false,
        };
    }

    private bool StringEquals(RecordValue other)
    {
        if (_ref is string a && other._ref is string b)
        {
            return a == b;
        }

        return ToUtf8Bytes().AsSpan().SequenceEqual(other.ToUtf8Bytes());
    }

    /// <summary>The UTF-8 bytes of a string value (copying when it is held as a .NET string).</summary>
    public byte[] ToUtf8Bytes() => _ref switch
    {
        byte[] bytes => bytes.AsSpan(_offset, _length).ToArray(),
        string s => Encoding.UTF8.GetBytes(s),
        _ => Encoding.UTF8.GetBytes(ToString()),
    };

    public override bool Equals(object? obj) => obj is RecordValue other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Kind, _bits, AsString);

    public static bool operator ==(RecordValue left, RecordValue right) => left.Equals(right);

    public static bool operator !=(RecordValue left, RecordValue right) => !left.Equals(right);
}
