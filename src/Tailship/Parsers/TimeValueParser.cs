using System.Text;
using Tailship.Events;
using Tailship.Text;

namespace Tailship.Parsers;

/// <summary>
/// Turns a time field into an <see cref="EventTime"/> the way Fluentd's time parsers do, for one <c>time_type</c>:
/// <c>string</c> (strptime with <c>time_format</c>, <c>%iso8601</c>, or Ruby's <c>Time.parse</c> when there is no
/// format), <c>unixtime</c> (Ruby <c>to_i</c> of the value), <c>float</c> (seconds and up to nine fraction digits, split
/// at the dot) and <c>mixed</c> (<c>time_format</c> then each of <c>time_format_fallbacks</c>, where <c>unixtime</c> and
/// <c>float</c> apply only to values that are numbers).
/// </summary>
internal sealed class TimeValueParser
{
    private readonly Attempt[] _attempts;
    private readonly TimeZoneSpec _zone;

    private TimeValueParser(Attempt[] attempts, TimeZoneSpec zone)
    {
        _attempts = attempts;
        _zone = zone;
    }

    private enum Kind : byte
    {
        Strptime,
        Iso8601,
        RubyParse,
        Unixtime,
        Float,
    }

    /// <summary>Builds a parser; <paramref name="error"/> names the bad format or fallback.</summary>
    public static TimeValueParser? Create(string timeType, string? format, IReadOnlyList<string> fallbacks, TimeZoneSpec zone, out string? error)
    {
        error = null;
        switch (timeType)
        {
            case "unixtime":
                return new TimeValueParser([new Attempt(Kind.Unixtime, null)], zone);
            case "float":
                return new TimeValueParser([new Attempt(Kind.Float, null)], zone);
            case "string":
                {
                    var attempt = StringAttempt(format, out error);
                    return attempt is null ? null : new TimeValueParser([attempt.Value], zone);
                }

            default:
                {
                    var attempts = new List<Attempt>();
                    foreach (var f in (string?[])[format, .. fallbacks])
                    {
                        if (f is null)
                        {
                            continue;
                        }

                        var attempt = f switch
                        {
                            "unixtime" => new Attempt(Kind.Unixtime, null),
                            "float" => new Attempt(Kind.Float, null),
                            _ => StringAttempt(f, out error),
                        };
                        if (attempt is null)
                        {
                            return null;
                        }

                        attempts.Add(attempt.Value);
                    }

                    if (attempts.Count == 0)
                    {
                        error = "time_type mixed needs time_format or time_format_fallbacks";
                        return null;
                    }

                    return new TimeValueParser([.. attempts], zone);
                }
        }
    }

    private static Attempt? StringAttempt(string? format, out string? error)
    {
        error = null;
        if (format is null)
        {
            return new Attempt(Kind.RubyParse, null);
        }

        if (format == "%iso8601")
        {
            return new Attempt(Kind.Iso8601, null);
        }

        return Strptime.TryCreate(format, out var p, out error) ? new Attempt(Kind.Strptime, p) : null;
    }

    /// <summary>Parses a record value (a string, or a number for the numeric types).</summary>
    public bool TryParse(in RecordValue value, EventTime now, out EventTime time)
    {
        time = default;
        switch (value.Kind)
        {
            case RecordValueKind.String when value.IsUtf8Bytes:
                return TryParse(value.Utf8, now, out time);
            case RecordValueKind.String:
                {
                    var s = value.AsString!;
                    var max = Encoding.UTF8.GetMaxByteCount(s.Length);
                    Span<byte> buffer = max <= 256 ? stackalloc byte[max] : new byte[max];
                    var n = Encoding.UTF8.GetBytes(s, buffer);
                    return TryParse(buffer[..n], now, out time);
                }

            case RecordValueKind.Integer or RecordValueKind.Float:
                {
                    Span<byte> digits = stackalloc byte[64];
                    var text = value.ToString();
                    if (text.Length > digits.Length)
                    {
                        return false;
                    }

                    var n = Encoding.ASCII.GetBytes(text, digits);
                    foreach (var attempt in _attempts)
                    {
                        if (attempt.Kind is Kind.Unixtime or Kind.Float && TryNumeric(attempt.Kind, digits[..n], out time))
                        {
                            return true;
                        }
                    }

                    // "value must be string": a number cannot be read with a strptime format.
                    return false;
                }

            default:
                return false;
        }
    }

    /// <summary>Parses the UTF-8 text of a time field.</summary>
    public bool TryParse(ReadOnlySpan<byte> text, EventTime now, out EventTime time)
    {
        var mixed = _attempts.Length > 1;
        foreach (var attempt in _attempts)
        {
            var ok = attempt.Kind switch
            {
                Kind.Strptime => attempt.Strptime!.TryParse(text, _zone, now, out time),
                Kind.Iso8601 => RubyTimeParse.TryParseIso8601(text, _zone, out time),
                Kind.RubyParse => RubyTimeParse.TryParse(text, _zone, now, out time),
                _ when mixed && !RubyNumbers.IsStrictFloat(text) => Fail(out time),
                _ => TryNumeric(attempt.Kind, text, out time),
            };
            if (ok)
            {
                return true;
            }
        }

        time = default;
        return false;
    }

    private static bool Fail(out EventTime time)
    {
        time = default;
        return false;
    }

    /// <summary>Fluentd's NumericTimeParser: never fails on text, <c>"abc"</c> reads as 0 like Ruby's <c>to_i</c>.</summary>
    private static bool TryNumeric(Kind kind, ReadOnlySpan<byte> text, out EventTime time)
    {
        if (kind == Kind.Unixtime)
        {
            time = EventTime.FromSeconds(RubyNumbers.ToI(text));
            return true;
        }

        var dot = text.IndexOf((byte)'.');
        var seconds = RubyNumbers.ToI(dot < 0 ? text : text[..dot]);
        long nanos = 0;
        if (dot >= 0)
        {
            var frac = text[(dot + 1)..];
            var second = frac.IndexOf((byte)'.');
            if (second >= 0)
            {
                frac = frac[..second];
            }

            // Up to nine digits are read; fewer are padded on the right ("5" is 500 ms).
            frac = frac[..Math.Min(frac.Length, 9)];
            Span<byte> padded = stackalloc byte[9];
            padded.Fill((byte)'0');
            frac.CopyTo(padded);
            nanos = RubyNumbers.ToI(padded);
        }

        // A negative epoch with a fraction keeps Ruby's sign handling: the fraction adds to the (negative) seconds.
        time = new EventTime((seconds * 1_000_000_000) + nanos);
        return true;
    }

    private readonly record struct Attempt(Kind Kind, Strptime? Strptime);
}
