using System.Buffers;
using System.Globalization;

namespace Tailship.Text;

/// <summary>
/// Ruby's lenient <c>String#to_i</c> and <c>String#to_f</c> on UTF-8 bytes: leading whitespace and a sign are skipped,
/// digits may be separated by single underscores, and parsing stops at the first byte that does not fit, so
/// <c>"12abc"</c> gives 12, <c>"abc"</c> gives 0 and <c>"0x1A"</c> gives 0. Fluentd's <c>types</c> and numeric time
/// values follow these rules.
/// </summary>
internal static class RubyNumbers
{
    private const int StackLimit = 128;

    /// <summary><c>to_i</c>; saturates at the 64-bit range instead of growing into a big integer.</summary>
    public static long ToI(ReadOnlySpan<byte> s)
    {
        var i = SkipSpace(s, 0);
        var negative = false;
        if (i < s.Length && (s[i] == '+' || s[i] == '-'))
        {
            negative = s[i] == '-';
            i++;
        }

        long value = 0;
        var end = DigitsEnd(s, i);
        for (; i < end; i++)
        {
            if (s[i] == '_')
            {
                continue;
            }

            var d = s[i] - '0';
            value = value > (long.MaxValue - d) / 10 ? long.MaxValue : (value * 10) + d;
        }

        return negative ? -value : value;
    }

    /// <summary><c>to_f</c>: digits, an optional fraction and an optional exponent; 0.0 when nothing parses.</summary>
    public static double ToF(ReadOnlySpan<byte> s)
    {
        // The number copied out is never longer than the input plus a leading '0' (".5" -> "0.5").
        char[]? rented = null;
        var buffer = s.Length + 1 <= StackLimit ? stackalloc char[StackLimit] : (rented = ArrayPool<char>.Shared.Rent(s.Length + 1));
        try
        {
            var n = CopyNumber(s, buffer);
            return n > 0 && double.TryParse(buffer[..n], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : 0.0;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>True when the whole text is a number Ruby's <c>Float()</c> accepts (used by <c>time_type mixed</c>).</summary>
    public static bool IsStrictFloat(ReadOnlySpan<byte> s)
    {
        var t = s.Trim((byte)' ');
        Span<char> chars = stackalloc char[64];
        if (t.Length == 0 || t.Length > chars.Length)
        {
            return false;
        }

        for (var i = 0; i < t.Length; i++)
        {
            chars[i] = (char)t[i];
        }

        return double.TryParse(chars[..t.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out _);
    }

    /// <summary>Copies the leading number of <paramref name="s"/> as .NET parses it (underscores dropped); 0 when there is none.</summary>
    private static int CopyNumber(ReadOnlySpan<byte> s, Span<char> buffer)
    {
        var i = SkipSpace(s, 0);
        var n = 0;
        if (i < s.Length && (s[i] == '+' || s[i] == '-'))
        {
            buffer[n++] = (char)s[i++];
        }

        var intEnd = DigitsEnd(s, i);
        n = CopyDigits(s, i, intEnd, buffer, n);
        var hasDigits = intEnd > i;
        i = intEnd;
        if (i + 1 < s.Length && s[i] == '.' && IsDigit(s[i + 1]))
        {
            var fracEnd = DigitsEnd(s, i + 1);
            if (!hasDigits)
            {
                buffer[n++] = '0';
            }

            buffer[n++] = '.';
            n = CopyDigits(s, i + 1, fracEnd, buffer, n);
            hasDigits = true;
            i = fracEnd;
        }

        if (!hasDigits)
        {
            return 0;
        }

        if (i + 1 < s.Length && (s[i] == 'e' || s[i] == 'E'))
        {
            var j = i + 1;
            var sign = j < s.Length && (s[j] == '+' || s[j] == '-') ? s[j++] : (byte)0;
            var expEnd = DigitsEnd(s, j);
            if (expEnd > j)
            {
                buffer[n++] = 'e';
                if (sign != 0)
                {
                    buffer[n++] = (char)sign;
                }

                n = CopyDigits(s, j, expEnd, buffer, n);
            }
        }

        return n;
    }

    private static int SkipSpace(ReadOnlySpan<byte> s, int i)
    {
        while (i < s.Length && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))
        {
            i++;
        }

        return i;
    }

    /// <summary>End of a run of digits in which single underscores may sit between two digits.</summary>
    private static int DigitsEnd(ReadOnlySpan<byte> s, int i)
    {
        var end = i;
        while (end < s.Length)
        {
            if (IsDigit(s[end]))
            {
                end++;
            }
            else if (s[end] == '_' && end > i && end + 1 < s.Length && IsDigit(s[end + 1]))
            {
                end++;
            }
            else
            {
                break;
            }
        }

        return end;
    }

    private static int CopyDigits(ReadOnlySpan<byte> s, int from, int to, Span<char> buffer, int n)
    {
        for (var i = from; i < to; i++)
        {
            if (s[i] != '_')
            {
                buffer[n++] = (char)s[i];
            }
        }

        return n;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;
}
