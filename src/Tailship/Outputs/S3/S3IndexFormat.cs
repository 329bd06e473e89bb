using System.Globalization;
using System.Text;

namespace Tailship.Outputs.S3;

/// <summary>
/// <c>index_format</c>: the subset of Ruby's <c>sprintf</c> that makes sense for a counter: text around one
/// <c>%[0|-][width](d|i|u|x|X|o|b|s)</c>, and <c>%%</c>.
/// </summary>
internal sealed class S3IndexFormat
{
    private readonly string _prefix;
    private readonly string _suffix;
    private readonly char _conversion;
    private readonly int _width;
    private readonly bool _zeroPad;
    private readonly bool _leftAlign;

    private S3IndexFormat(string prefix, string suffix, char conversion, int width, bool zeroPad, bool leftAlign)
    {
        _prefix = prefix;
        _suffix = suffix;
        _conversion = conversion;
        _width = width;
        _zeroPad = zeroPad;
        _leftAlign = leftAlign;
    }

    public static S3IndexFormat Default { get; } = new(string.Empty, string.Empty, 'd', 0, zeroPad: false, leftAlign: false);

    public static bool TryParse(string format, out S3IndexFormat result, out string? error)
    {
        result = Default;
        error = null;
        var prefix = new StringBuilder();
        var i = 0;
        while (i < format.Length)
        {
            if (format[i] == '%' && i + 1 < format.Length && format[i + 1] == '%')
            {
                prefix.Append('%');
                i += 2;
                continue;
            }

            if (format[i] == '%')
            {
                break;
            }

            prefix.Append(format[i++]);
        }

        if (i >= format.Length)
        {
            error = $"index_format '{format}' has no conversion such as %d or %03d";
            return false;
        }

        i++;
        bool zero = false, left = false;
        while (i < format.Length && format[i] is '0' or '-')
        {
            zero |= format[i] == '0';
            left |= format[i] == '-';
            i++;
        }

        var width = 0;
        while (i < format.Length && char.IsAsciiDigit(format[i]))
        {
            width = Math.Min(64, (width * 10) + (format[i++] - '0'));
        }

        if (i >= format.Length || format[i] is not ('d' or 'i' or 'u' or 'x' or 'X' or 'o' or 'b' or 's'))
        {
            error = $"index_format '{format}': expected a conversion d, x, X, o, b or s after '%'";
            return false;
        }

        var conversion = format[i++];
        var suffix = format[i..];
        if (suffix.Replace("%%", string.Empty, StringComparison.Ordinal).Contains('%', StringComparison.Ordinal))
        {
            error = $"index_format '{format}' may hold only one conversion";
            return false;
        }

        result = new S3IndexFormat(prefix.ToString(), suffix.Replace("%%", "%", StringComparison.Ordinal), conversion, width, zero && !left, left);
        return true;
    }

    public string Format(long index)
    {
        var digits = _conversion switch
        {
            'x' => index.ToString("x", CultureInfo.InvariantCulture),
            'X' => index.ToString("X", CultureInfo.InvariantCulture),
            'o' => Convert.ToString(index, 8),
            'b' => Convert.ToString(index, 2),
            _ => index.ToString(CultureInfo.InvariantCulture),
        };
        if (digits.Length < _width)
        {
            digits = _leftAlign ? digits.PadRight(_width) : digits.PadLeft(_width, _zeroPad && _conversion != 's' ? '0' : ' ');
        }

        return _prefix + digits + _suffix;
    }
}
