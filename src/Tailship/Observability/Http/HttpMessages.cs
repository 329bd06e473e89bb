using System.Text;

namespace Tailship.Observability.Http;

/// <summary>A parsed request head: method, path (without the query) and raw query string (without <c>?</c>).</summary>
internal sealed record HttpRequest(string Method, string Path, string Query)
{
    /// <summary>The first value of a query parameter, or null. Keys and values are percent-decoded.</summary>
    public string? QueryValue(string key)
    {
        foreach (var pair in Query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
            if (name == key)
            {
                // '+' is a space in a query; replaced before decoding so that %2B stays a plus.
                return eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            }
        }

        return null;
    }
}

/// <summary>A complete response; the server adds Content-Length and <c>Connection: close</c>.</summary>
internal sealed record HttpResponse(int Status, string ContentType, byte[] Body)
{
    public const string TextPlain = "text/plain; charset=utf-8";

    public static HttpResponse Text(int status, string text) => new(status, TextPlain, Encoding.UTF8.GetBytes(text));

    public static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    };
}
