using System.Globalization;

namespace Tailship.Formatters.Json;

/// <summary>
/// Ruby's <c>Float#to_s</c> written as UTF-8 bytes without allocating (the string form is
/// <see cref="Events.RubyFloat"/>): shortest round-trip digits, fixed notation when the decimal exponent is in
/// (-4, 16], else <c>d.ddde+XX</c>; a whole number keeps <c>.0</c>; <c>-0.0</c> keeps its sign.
/// </summary>
internal static class RubyFloatWriter
{
    /// <summary>Enough for any double: 17 digits, sign, point, padding zeros of fixed notation, exponent.</summary>
    public const int MaxLength = 32;

    /// <summary>Writes <paramref name="value"/> into <paramref name="destination"/> (at least <see cref="MaxLength"/> bytes).</summary>
    public static int Write(double value, Span<byte> destination)
    {
        if (double.IsNaN(value))
        {
            return Copy("NaN"u8, destination);
        }

        if (double.IsInfinity(value))
        {
            return Copy(value > 0 ? "Infinity"u8 : "-Infinity"u8, destination);
        }

        if (value == 0)
        {
            return Copy(double.IsNegative(value) ? "-0.0"u8 : "0.0"u8, destination);
        }

        Span<byte> r = stackalloc byte[MaxLength];
        if (!value.TryFormat(r, out var rn, "R", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("a double's round-trip form did not fit in 32 bytes");
        }

        // Split "R" output ("-1.2345E-07", "123.45", "1E+16") into digits and the decimal point position.
        Span<byte> digits = stackalloc byte[MaxLength];
        var nd = 0;
        var intDigits = 0;
        var seenPoint = false;
        var exponent = 0;
        var negative = false;
        for (var i = 0; i < rn; i++)
        {
            var c = r[i];
            if (c == (byte)'-')
            {
                negative = true;
            }
            else if (c == (byte)'.')
            {
                seenPoint = true;
            }
            else if (c is (byte)'E' or (byte)'e')
            {
                exponent = int.Parse(r[(i + 1)..rn], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                break;
            }
            else
            {
                digits[nd++] = c;
                if (!seenPoint)
                {
                    intDigits++;
                }
            }
        }

        var lead = 0;
        while (lead < nd - 1 && digits[lead] == (byte)'0')
        {
            lead++;
        }

        var decpt = intDigits + exponent - lead;
        var d = digits[lead..nd];
        var len = d.Length;
        while (len > 1 && d[len - 1] == (byte)'0')
        {
            len--;
        }

        d = d[..len];
        var w = 0;
        if (negative)
        {
            destination[w++] = (byte)'-';
        }

        if (decpt > 0 && decpt <= 16)
        {
            if (d.Length <= decpt)
            {
                d.CopyTo(destination[w..]);
                w += d.Length;
                destination.Slice(w, decpt - d.Length).Fill((byte)'0');
                w += decpt - d.Length;
                destination[w++] = (byte)'.';
                destination[w++] = (byte)'0';
            }
            else
            {
                d[..decpt].CopyTo(destination[w..]);
                w += decpt;
                destination[w++] = (byte)'.';
                d[decpt..].CopyTo(destination[w..]);
                w += d.Length - decpt;
            }
        }
        else if (decpt <= 0 && decpt > -4)
        {
            destination[w++] = (byte)'0';
            destination[w++] = (byte)'.';
            destination.Slice(w, -decpt).Fill((byte)'0');
            w += -decpt;
            d.CopyTo(destination[w..]);
            w += d.Length;
        }
        else
        {
            destination[w++] = d[0];
            destination[w++] = (byte)'.';
            if (d.Length > 1)
            {
                d[1..].CopyTo(destination[w..]);
                w += d.Length - 1;
            }
            else
            {
                destination[w++] = (byte)'0';
            }

            var exp = decpt - 1;
            destination[w++] = (byte)'e';
            destination[w++] = exp < 0 ? (byte)'-' : (byte)'+';
            exp = Math.Abs(exp);
            if (exp >= 100)
            {
                destination[w++] = (byte)('0' + (exp / 100));
            }

            destination[w++] = (byte)('0' + (exp / 10 % 10));
            destination[w++] = (byte)('0' + (exp % 10));
        }

        return w;
    }

    private static int Copy(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        text.CopyTo(destination);
        return text.Length;
    }
}
