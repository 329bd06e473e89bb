using System.Text;

namespace Tailship.Observability.Http;

/// <summary>
/// Parses an HTTP/1.x request head (request line and header lines, up to the empty line). Strict on purpose: the
/// endpoints only serve GET, so anything unusual is answered with 400 rather than guessed at.
/// </summary>
internal static class HttpRequestParser
{
    /// <summary>Index just after the <c>CRLF CRLF</c> that ends the head in <paramref name="data"/>, or -1.</summary>
    public static int FindHeadEnd(ReadOnlySpan<byte> data)
    {
        var i = data.IndexOf("\r\n\r\n"u8);
        return i < 0 ? -1 : i + 4;
    }

    /// <summary>Parses a complete head; false (with a reason) when it is malformed.</summary>
    public static bool TryParse(ReadOnlySpan<byte> head, out HttpRequest? request, out string? error)
    {
        request = null;
        var lineEnd = head.IndexOf("\r\n"u8);
        var line = head[..lineEnd];
        var firstSpace = line.IndexOf((byte)' ');
        var lastSpace = line.LastIndexOf((byte)' ');
        if (firstSpace <= 0 || lastSpace <= firstSpace + 1)
        {
            error = "malformed request line";
            return false;
        }

        var method = line[..firstSpace];
        var target = line[(firstSpace + 1)..lastSpace];
        var version = line[(lastSpace + 1)..];
        if (!IsToken(method))
        {
            error = "malformed method";
            return false;
        }

        if (!version.SequenceEqual("HTTP/1.1"u8) && !version.SequenceEqual("HTTP/1.0"u8))
        {
            error = "unsupported HTTP version";
            return false;
        }

        if (target.Length == 0 || target[0] != (byte)'/' || !IsVisibleAscii(target))
        {
            error = "malformed request target";
            return false;
        }

        var rest = head[(lineEnd + 2)..];
        while (rest.Length > 2)
        {
            var end = rest.IndexOf("\r\n"u8);
            var header = rest[..end];
            var colon = header.IndexOf((byte)':');
            if (colon <= 0 || !IsToken(header[..colon]))
            {
                error = "malformed header line";
                return false;
            }

            rest = rest[(end + 2)..];
        }

        var targetText = Encoding.ASCII.GetString(target);
        var q = targetText.IndexOf('?', StringComparison.Ordinal);
        request = new HttpRequest(
            Encoding.ASCII.GetString(method),
            q < 0 ? targetText : targetText[..q],
            q < 0 ? string.Empty : targetText[(q + 1)..]);
        error = null;
        return true;
    }

    private static bool IsToken(ReadOnlySpan<byte> text)
    {
        foreach (var b in text)
        {
            if (b <= 0x20 || b >= 0x7F || "()<>@,;:\\\"/[]?={}"u8.Contains(b))
            {
                return false;
            }
        }

        return text.Length > 0;
    }

    private static bool IsVisibleAscii(ReadOnlySpan<byte> text)
    {
        foreach (var b in text)
        {
            if (b <= 0x20 || b >= 0x7F)
            {
                return false;
            }
        }

        return true;
    }
}
