using System.Buffers;
using System.Text;

namespace Tailship.Text;

/// <summary>
/// Ruby's <c>Time#strftime</c>, compiled once and rendered as UTF-8 bytes without allocating. Used for
/// <c>time_format</c>, out_file and S3 paths, time slices and buffer placeholders.
/// Supports every common directive (<c>%Y %C %y %m %d %e %j %H %k %I %l %M %S %L %N %z %:z %::z %Z %a %A
/// %b %h %B %p %P %u %w %U %W %V %G %g %s %n %t %%</c> and the composites <c>%F %T %D %R %r %c %x %X %v</c>), the
/// flags <c>-</c> (no padding), <c>0</c> and <c>_</c> (pad with zeros / spaces), <c>^</c> (upper case), <c>#</c>
/// (change case), and a width (<c>%3N</c>, <c>%10Y</c>). As in Ruby, an unknown directive is written as it stands.
/// </summary>
internal sealed partial class Strftime
{
    private const int MaxWidth = 1024;

    private readonly Segment[] _segments;

    private Strftime(string pattern, Segment[] segments)
    {
        Pattern = pattern;
        _segments = segments;
        var max = 0;
        foreach (var s in segments)
        {
            max += s.Literal?.Length ?? Math.Max(s.Width, 32);
            UsesSubseconds |= s.Directive is (byte)'N' or (byte)'L';
        }

        MaxLength = max;
        FinestPeriod = ComputeFinestPeriod(segments);
    }

    public string Pattern { get; }

    /// <summary>An upper bound on the bytes one rendering writes.</summary>
    public int MaxLength { get; }

    /// <summary>True when the output shows fractions of a second (<c>%N</c>, <c>%L</c>), so it changes within a second.</summary>
    public bool UsesSubseconds { get; }

    /// <summary>
    /// The smallest calendar unit the pattern shows (1 s for <c>%S</c>, 1 min for <c>%M</c>, 1 h for <c>%H</c>, 1 day
    /// for <c>%d</c>); null when it shows none of these. Used to derive a timekey from a v0.12 time_slice_format.
    /// </summary>
    public TimeSpan? FinestPeriod { get; }

    public static Strftime Compile(string pattern)
    {
        var segments = new List<Segment>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            if (c != '%' || i + 1 >= pattern.Length)
            {
                literal.Append(c);
                i++;
                continue;
            }

            var start = i++;
            var flags = Flags.None;
            while (i < pattern.Length && FlagOf(pattern[i]) is var f && f != Flags.None)
            {
                flags |= f;
                i++;
            }

            var width = -1;
            while (i < pattern.Length && char.IsAsciiDigit(pattern[i]))
            {
                width = Math.Min(MaxWidth, (Math.Max(width, 0) * 10) + (pattern[i] - '0'));
                i++;
            }

            var colons = 0;
            while (i < pattern.Length && pattern[i] == ':' && colons < 3)
            {
                colons++;
                i++;
            }

            if (i >= pattern.Length)
            {
                literal.Append(pattern, start, i - start);
                break;
            }

            var d = pattern[i++];
            if ((colons > 0 && d != 'z') || !AddDirective(d, flags, width, colons, segments, literal))
            {
                literal.Append(pattern, start, i - start);
            }
        }

        Flush(literal, segments);
        return new Strftime(pattern, [.. segments]);
    }

    /// <summary>Renders <paramref name="value"/> in <paramref name="zone"/>.</summary>
    public string Format(DateTimeOffset value, TimeZoneSpec zone) => Format(CivilTime.From(value, zone));

    /// <summary>Renders <paramref name="value"/> with its own offset (<c>%Z</c> empty).</summary>
    public string Format(DateTimeOffset value) => Format(CivilTime.From(value));

    public string Format(in CivilTime time)
    {
        var rented = ArrayPool<byte>.Shared.Rent(MaxLength);
        try
        {
            var n = Format(time, rented);
            return Encoding.UTF8.GetString(rented, 0, n);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public void Format(in CivilTime time, IBufferWriter<byte> output)
    {
        var n = Format(time, output.GetSpan(MaxLength));
        output.Advance(n);
    }

    /// <summary>Writes the rendering into <paramref name="destination"/> (at least <see cref="MaxLength"/> bytes); returns the bytes written.</summary>
    public int Format(in CivilTime time, Span<byte> destination)
    {
        if (destination.Length < MaxLength)
        {
            throw new ArgumentException($"the destination holds {destination.Length} bytes; '{Pattern}' needs up to {MaxLength}", nameof(destination));
        }

        var w = new SpanWriter(destination);
        foreach (ref readonly var s in _segments.AsSpan())
        {
            if (s.Literal is not null)
            {
                w.Write(s.Literal);
            }
            else
            {
                WriteDirective(ref w, s, time);
            }
        }

        return w.Position;
    }

    private static Flags FlagOf(char c) => c switch
    {
        '-' => Flags.NoPad,
        '0' => Flags.Zero,
        '_' => Flags.Space,
        '^' => Flags.Upper,
        '#' => Flags.ChangeCase,
        _ => Flags.None,
    };

    private static void Flush(StringBuilder literal, List<Segment> segments)
    {
        if (literal.Length > 0)
        {
            segments.Add(new Segment(0, Flags.None, -1, 0, Encoding.UTF8.GetBytes(literal.ToString())));
            literal.Clear();
        }
    }

    private static bool AddDirective(char d, Flags flags, int width, int colons, List<Segment> segments, StringBuilder literal)
    {
        switch (d)
        {
            case 'n':
                literal.Append('\n');
                return true;
            case 't':
                literal.Append('\t');
                return true;
            case '%':
                literal.Append('%');
                return true;
            case 'F':
                return Expand("%Y-%m-%d", flags, segments, literal);
            case 'T' or 'X':
                return Expand("%H:%M:%S", flags, segments, literal);
            case 'D' or 'x':
                return Expand("%m/%d/%y", flags, segments, literal);
            case 'R':
                return Expand("%H:%M", flags, segments, literal);
            case 'r':
                return Expand("%I:%M:%S %p", flags, segments, literal);
            case 'c':
                return Expand("%a %b %e %H:%M:%S %Y", flags, segments, literal);
            case 'v':
                return Expand("%e-%^b-%4Y", flags, segments, literal);
        }

        if (!IsKnown(d))
        {
            return false;
        }

        Flush(literal, segments);
        segments.Add(new Segment((byte)d, flags, width, (byte)colons, null));
        return true;
    }

    /// <summary>A composite directive becomes its parts; an upper-case flag on it applies to each part.</summary>
    private static bool Expand(string composite, Flags flags, List<Segment> segments, StringBuilder literal)
    {
        foreach (var s in Compile(composite)._segments)
        {
            if (s.Literal is not null)
            {
                literal.Append(Encoding.UTF8.GetString(s.Literal));
            }
            else
            {
                Flush(literal, segments);
                segments.Add(s with { Flags = s.Flags | (flags & Flags.Upper) });
            }
        }

        return true;
    }

    private static bool IsKnown(char d) => "YCymdejHkIlMSLNzZaAbhBpPuwUWVGgs".Contains(d, StringComparison.Ordinal);

    private static TimeSpan? ComputeFinestPeriod(Segment[] segments)
    {
        TimeSpan? finest = null;
        foreach (var s in segments)
        {
            TimeSpan? p = s.Directive switch
            {
                (byte)'S' or (byte)'s' or (byte)'L' or (byte)'N' => TimeSpan.FromSeconds(1),
                (byte)'M' => TimeSpan.FromMinutes(1),
                (byte)'H' or (byte)'k' or (byte)'I' or (byte)'l' => TimeSpan.FromHours(1),
                (byte)'d' or (byte)'e' or (byte)'j' or (byte)'a' or (byte)'A' or (byte)'u' or (byte)'w' => TimeSpan.FromDays(1),
                _ => null,
            };
            if (p is { } v && (finest is null || v < finest))
            {
                finest = v;
            }
        }

        return finest;
    }

    [Flags]
    private enum Flags : byte
    {
        None = 0,
        NoPad = 1,
        Zero = 2,
        Space = 4,
        Upper = 8,
        ChangeCase = 16,
    }

    /// <summary>A literal run of UTF-8 bytes (<see cref="Literal"/> set) or one directive.</summary>
    private readonly record struct Segment(byte Directive, Flags Flags, int Width, byte Colons, byte[]? Literal);
}
