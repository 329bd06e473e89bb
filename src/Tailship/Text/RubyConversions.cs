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

    private static Encoding CreateScrubbingUtf8()
    {
        var encoding = (Encoding)new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).Clone();
        encoding.DecoderFallback = new DecoderReplacementFallback("?");
        return encoding;
    }
}
