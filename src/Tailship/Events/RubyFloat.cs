using System.Globalization;
using System.Text;

namespace Tailship.Events;

/// <summary>
/// Renders a double the way Ruby's <c>Float#to_s</c> does (Fluentd's JSON shows floats this way): the shortest
/// digits that round-trip, fixed notation when the decimal exponent is in (-4, 16], else <c>d.ddde+XX</c>;
/// a whole number keeps <c>.0</c>.
/// </summary>
internal static class RubyFloat
{
    public static string ToString(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        if (value == 0)
        {
            return double.IsNegative(value) ? "-0.0" : "0.0";
        }

        var (negative, digits, decpt) = Decompose(value);
        var sb = new StringBuilder(32);
        if (negative)
        {
            sb.Append('-');
        }

        if (decpt > 0 && decpt <= 16)
        {
            if (digits.Length <= decpt)
            {
                sb.Append(digits).Append('0', decpt - digits.Length).Append(".0");
            }
            else
            {
                sb.Append(digits, 0, decpt).Append('.').Append(digits, decpt, digits.Length - decpt);
            }
        }
        else if (decpt <= 0 && decpt > -4)
        {
            sb.Append("0.").Append('0', -decpt).Append(digits);
        }
        else
        {
            sb.Append(digits[0]).Append('.');
            sb.Append(digits.Length > 1 ? digits.AsSpan(1) : "0");
            var exp = decpt - 1;
            sb.Append('e').Append(exp < 0 ? '-' : '+').Append(Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    /// <summary>Shortest round-trip digits (no leading or trailing zeros) and the decimal point position.</summary>
    private static (bool Negative, string Digits, int DecimalPoint) Decompose(double value)
    {
        var r = value.ToString("R", CultureInfo.InvariantCulture);

        // "R" gives the shortest round-trip form, either plain ("123.45") or exponent ("1E-07").
        var negative = r[0] == '-';
        if (negative)
        {
            r = r[1..];
        }

        var exponent = 0;
        var e = r.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }

        var dot = r.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot >= 0 ? r[..dot] : r;
        var fracPart = dot >= 0 ? r[(dot + 1)..] : string.Empty;
        var all = intPart + fracPart;
        var decpt = intPart.Length + exponent;
        var lead = 0;
        while (lead < all.Length - 1 && all[lead] == '0')
        {
            lead++;
        }

        all = all[lead..];
        decpt -= lead;
        all = all.TrimEnd('0');
        return (negative, all.Length == 0 ? "0" : all, decpt);
    }
}
