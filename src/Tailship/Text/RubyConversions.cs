using System.Buffers;
using System.Globalization;
using System.Text;
using Tailship.Events;
using RubyText = Tailship.Formatters.RubyText;

namespace Tailship.Text;

/// <summary>
/// Ruby conversions of record values that filters need: <c>to_s</c> as text (through the formatters'
/// <see cref="RubyText"/>), <c>String#scrub('?')</c> and <c>to_f</c>.
/// </summary>
internal static class RubyConversions
{
    /// <summary>UTF-8 that turns each invalid sequence into <c>?</c>, as Ruby's <c>String#scrub('?')</c> does.</summary>
    public static readonly Encoding ScrubbingUtf8 = CreateScrubbingUtf8();

    private const int StackLimit = 512;

    /// <summary><c>value.to_s</c> as a .NET string (invalid UTF-8 read as <c>?</c>).</summary>
    public static string ToS(RecordValue value)
    {
        if (value.Kind == RecordValueKind.String && !value.IsUtf8Bytes)
        {
            return value.AsString!;
        }

        var buffer = new ArrayBufferWriter<byte>(64);
        RubyText.WriteToS(value, buffer);
        return ScrubbingUtf8.GetString(buffer.WrittenSpan);
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
                result = value.IsUtf8Bytes ? RubyNumbers.ToF(value.Utf8) : StringToF(value.AsString!);
                return true;
            default:
                result = 0;
                return false;
        }
    }

    /// <summary><c>String#to_f</c> of a .NET string: <see cref="RubyNumbers.ToF"/> on its UTF-8 bytes.</summary>
    public static double StringToF(string s)
    {
        var max = Encoding.UTF8.GetMaxByteCount(s.Length);
        byte[]? rented = null;
        var utf8 = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            return RubyNumbers.ToF(utf8[..Encoding.UTF8.GetBytes(s, utf8)]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static Encoding CreateScrubbingUtf8()
    {
        var encoding = (Encoding)new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).Clone();
        encoding.DecoderFallback = new DecoderReplacementFallback("?");
        return encoding;
    }
}
