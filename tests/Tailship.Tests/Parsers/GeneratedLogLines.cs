using System.Text;

namespace Tailship.Tests.Parsers;

/// <summary>
/// Random access-log, error-log and syslog lines for the property tests: mostly well-formed, many bent out of shape
/// (spaces, quotes, brackets, backslashes, TABs, CR, LF, non-ASCII and invalid UTF-8 inserted, removed or replaced;
/// lines cut short). Seeded, so a failure repeats.
/// </summary>
internal static class GeneratedLogLines
{
    private static readonly string[] Hosts = ["192.168.0.1", "::1", "-", "", "10.0.0.254", "host-é.example", "a b"];
    private static readonly string[] Users = ["-", "bob", "", "al\"ice", "[x]", "ü"];
    private static readonly string[] Times =
        ["28/Feb/2013:12:00:00 +0900", "26/Nov/2026:01:20:00 +0000", "31/Dec/1999:23:59:59 -0500", "bad time", "", "28/Feb/2013:12:00:00", "99/Foo/2013:12:00:00 +0000"];

    private static readonly string[] Methods = ["GET", "POST", "HEAD", "-", "", "G\"T", "PUT\\", "\u00e9"];
    private static readonly string[] Paths =
        ["/", "/index.html", "/a?b=c&d=e", "/a b", "/with\\\"quote", "/x\"y", "", "/trailing ", "/ünï", "/a\\\\b", "/p  q"];

    private static readonly string[] Protocols = ["HTTP/1.1", "HTTP/1.0", "", "HTTP/2.0 extra", "\"", "HTTP/1.1 "];
    private static readonly string[] Codes = ["200", "404", "-", "", "0", "5xx", "301"];
    private static readonly string[] Sizes = ["777", "-", "0", "", "12a", "1 2"];
    private static readonly string[] Referers = ["-", "http://example.com/", "", "a \"b\" c", "x\\\"y", "http://ü/"];
    private static readonly string[] Agents = ["Opera/12.0", "curl/8.0", "Mozilla/5.0 (X11; Linux x86_64)", "-", "", "q\\\"uote\\\"d", "bad\"quote"];
    private static readonly string[] Inserts = [" ", "  ", "\"", "[", "]", "\\", "\t", "\r", "\n", "\u00e9", "\\\"", "-", ":", "<", ">"];

    private static readonly string[] Idents = ["fluentd", "sshd", "", "kernel", "app.x"];
    private static readonly string[] Levels = ["error", "notice", "warn", ""];

    /// <summary><paramref name="count"/> lines as bytes, every kind mixed.</summary>
    public static List<byte[]> Create(int count, int seed)
    {
        var random = new Random(seed);
        var lines = new List<byte[]>(count);
        for (var i = 0; i < count; i++)
        {
            var text = (i % 4) switch
            {
                0 or 1 => Access(random),
                2 => random.Next(2) == 0 ? Syslog(random) : Rfc5424(random),
                _ => ApacheError(random),
            };
            var bytes = Encoding.UTF8.GetBytes(text);
            lines.Add(Bend(random, bytes));
        }

        return lines;
    }

    private static string Pick(Random r, string[] items) => items[r.Next(items.Length)];

    private static string Access(Random r)
    {
        var sb = new StringBuilder();
        if (r.Next(4) == 0)
        {
            sb.Append(Pick(r, Hosts)).Append(' '); // nginx: a remote address first
        }

        sb.Append(Pick(r, Hosts)).Append(' ').Append(r.Next(5) == 0 ? "ident" : "-").Append(' ').Append(Pick(r, Users));
        sb.Append(" [").Append(Pick(r, Times)).Append("] \"").Append(Pick(r, Methods));
        if (r.Next(6) != 0)
        {
            sb.Append(new string(' ', 1 + r.Next(2))).Append(Pick(r, Paths));
            if (r.Next(5) != 0)
            {
                sb.Append(new string(' ', 1 + r.Next(2))).Append(Pick(r, Protocols));
            }
        }

        sb.Append("\" ").Append(Pick(r, Codes)).Append(' ').Append(Pick(r, Sizes));
        if (r.Next(5) != 0)
        {
            sb.Append(" \"").Append(Pick(r, Referers)).Append("\" \"").Append(Pick(r, Agents)).Append('"');
            if (r.Next(5) == 0)
            {
                sb.Append(' ').Append(Pick(r, Hosts)); // nginx: http_x_forwarded_for
            }
        }

        return sb.ToString();
    }

    private static string Syslog(Random r)
    {
        var pri = r.Next(3) == 0 ? $"<{r.Next(200)}>" : string.Empty;
        var pid = r.Next(2) == 0 ? $"[{r.Next(99999)}]" : string.Empty;
        var colon = r.Next(4) == 0 ? string.Empty : ":";
        return $"{pri}{Pick(r, ["Feb 28 12:00:00", "Feb  1 02:03:04", "Nov 26 01:20:00.123", "bad"])} {Pick(r, Hosts)} {Pick(r, Idents)}{pid}{colon} {Pick(r, ["hello", "[error] Syslog test", "", "a: b", "x\\y"])}";
    }

    private static string Rfc5424(Random r)
    {
        var pri = r.Next(3) == 0 ? string.Empty : $"<{r.Next(200)}>1 ";
        var sd = Pick(r, ["-", "[exampleSDID@20224 iut=\"3\"]", "[a x=\"]\"][b y=\"\\]\"]", "[unclosed"]);
        return $"{pri}{Pick(r, ["2017-02-06T13:14:15.003Z", "2017-02-06T13:14:15Z", "bad"])} {Pick(r, Hosts)} {Pick(r, Idents)} {r.Next(99999)} ID{r.Next(99)} {sd}{Pick(r, [" Hi", "", " multi\nline", " é"])}";
    }

    private static string ApacheError(Random r)
    {
        var pid = r.Next(2) == 0 ? $" [pid {r.Next(9999)}]" : string.Empty;
        var client = r.Next(2) == 0 ? $" [client {Pick(r, Hosts)}]" : string.Empty;
        return $"[{Pick(r, ["Wed Oct 11 14:32:52 2000", "Wed Oct 11 14:32:52.123456 2000", "bad"])}] [{Pick(r, Levels)}]{pid}{client} {Pick(r, ["client denied", "", "x ] y"])}";
    }

    /// <summary>Leaves about half the lines alone; bends the others in one to three places.</summary>
    private static byte[] Bend(Random r, byte[] line)
    {
        if (r.Next(2) == 0)
        {
            return line;
        }

        var bytes = new List<byte>(line);
        var edits = 1 + r.Next(3);
        for (var e = 0; e < edits; e++)
        {
            var at = r.Next(bytes.Count + 1);
            switch (r.Next(5))
            {
                case 0:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Pick(r, Inserts)));
                    break;
                case 1 when at < bytes.Count:
                    bytes.RemoveAt(at);
                    break;
                case 2 when at < bytes.Count:
                    bytes[at] = Encoding.UTF8.GetBytes(Pick(r, Inserts))[0];
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at); // cut short
                    break;
                default:
                    bytes.Insert(at, (byte)(0x80 + r.Next(0x80))); // invalid UTF-8
                    break;
            }
        }

        return [.. bytes];
    }
}
