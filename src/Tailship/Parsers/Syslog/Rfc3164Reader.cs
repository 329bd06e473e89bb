using Tailship.Events;
using Tailship.Text;

namespace Tailship.Parsers.Syslog;

/// <summary>
/// Fluentd's hand-written RFC 3164 reader (<c>parser_type string</c>): fixed 15-byte timestamp (or longer with a
/// fraction), host up to the next space, then <c>ident[pid]:</c> and the message. Field order: host, pri, ident,
/// pid, message, then time when kept.
/// </summary>
internal static class Rfc3164Reader
{
    private const int TimeSize = 15;

    public static bool TryParse(ReadOnlySpan<byte> text, SyslogParserOptions options, EventTime readTime, out EventTime time, out Record? record)
    {
        time = readTime;
        record = null;
        var line = text.ToArray();
        var cursor = 0;
        long? pri = null;
        if (options.WithPriority)
        {
            var close = line.Length > 1 ? line.AsSpan(1).IndexOf((byte)'>') + 1 : 0;
            if (line.Length == 0 || line[0] != '<' || close < 2)
            {
                return false;
            }

            pri = RubyNumbers.ToI(line.AsSpan(1, close - 1));
            cursor = close + 1;
        }

        if (cursor + TimeSize >= line.Length)
        {
            return false;
        }

        int timeStart = cursor, timeLength;
        if (line[cursor + TimeSize] == ' ')
        {
            timeLength = TimeSize;
            cursor += TimeSize + 1;
        }
        else if (line[cursor + TimeSize] == '.')
        {
            var space = line.AsSpan(cursor + TimeSize).IndexOf((byte)' ');
            if (space < 0)
            {
                return false;
            }

            timeLength = TimeSize + space;
            cursor += timeLength + 1;
        }
        else
        {
            return false;
        }

        var hostEnd = line.AsSpan(cursor).IndexOf((byte)' ');
        if (hostEnd < 0)
        {
            return false;
        }

        var result = new Record(6);
        result.Append("host", RecordValue.FromUtf8(line, cursor, hostEnd));
        cursor += hostEnd + 1;
        if (pri is { } p)
        {
            result.Append("pri", p);
        }

        var rel = line.AsSpan(cursor).IndexOf((byte)' ');
        int messageStart;
        if (rel < 0)
        {
            messageStart = cursor;
        }
        else
        {
            var i = cursor + rel;
            var colon = i - 1 >= cursor && line[i - 1] == ':';
            if (colon || options.SupportColonlessIdent)
            {
                var identEnd = colon ? i - 1 : i;
                if (identEnd - 1 >= cursor && line[identEnd - 1] == ']')
                {
                    var open = line.AsSpan(cursor, identEnd - cursor).IndexOf((byte)'[');
                    if (open < 0)
                    {
                        return false;
                    }

                    result.Append("ident", RecordValue.FromUtf8(line, cursor, open));
                    result.Append("pid", RecordValue.FromUtf8(line, cursor + open + 1, identEnd - 1 - (cursor + open + 1)));
                }
                else
                {
                    result.Append("ident", RecordValue.FromUtf8(line, cursor, identEnd - cursor));
                }

                messageStart = i + 1;
            }
            else
            {
                messageStart = cursor;
            }
        }

        result.Append("message", RecordValue.FromUtf8(line, messageStart, SyslogParser.Chomp(line.AsSpan(messageStart))));
        if (!options.Rfc3164Time.TryParse(line.AsSpan(timeStart, timeLength), readTime, out time))
        {
            return false;
        }

        if (options.Core.KeepTimeKey)
        {
            result.Append("time", RecordValue.FromUtf8(line, timeStart, timeLength));
        }

        record = result;
        return true;
    }
}
