using System.Globalization;
using System.Text;

namespace Tailship.Benchmarks;

/// <summary>
/// Deterministic sample lines, as realistic as the e2e harness's (scripts/bench): the same Apache vocabulary, a fixed
/// seed, varied lengths. Each generator returns UTF-8 lines without their line ending.
/// </summary>
internal static class SampleLogs
{
    private static readonly string[] Methods = ["GET", "GET", "GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "HEAD"];
    private static readonly string[] Paths = ["/", "/index.html", "/api/v1/items", "/api/v1/orders", "/static/app.js", "/static/site.css", "/images/logo.png", "/login", "/search", "/healthz"];
    private static readonly string[] Statuses = ["200", "200", "200", "200", "200", "200", "304", "301", "404", "500", "201", "204"];
    private static readonly string[] Referers = ["-", "https://www.example.com/", "https://www.example.com/search?q=tail", "https://news.example.org/article/42"];
    private static readonly string[] Agents =
    [
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
        "curl/8.4.0",
        "kube-probe/1.29",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    ];

    private static readonly string[] Levels = ["info", "info", "info", "warn", "error", "debug"];
    private static readonly string[] Words = ["request", "served", "cache", "miss", "user", "session", "renewed", "upstream", "timeout", "retry", "queue", "flushed", "order", "created", "payment", "accepted"];

    /// <summary>The e2e harness's <c>tail-null</c> line: an 8-digit number and 90 <c>x</c> (100 bytes with the LF).</summary>
    public static string Plain(int i) => i.ToString("D8", CultureInfo.InvariantCulture) + " " + new string('x', 90);

    /// <summary>An Apache combined line as the e2e harness's <c>web-null</c> input (about 190 bytes).</summary>
    public static string Apache(Random r, int i) =>
        string.Create(CultureInfo.InvariantCulture, $"10.{r.Next(256)}.{r.Next(256)}.{r.Next(256)} - {(r.NextDouble() < 0.1 ? "alice" : "-")} [26/Nov/2026:01:{i / 60 % 60:D2}:{i % 60:D2} +0000] \"{Pick(r, Methods)} {Pick(r, Paths)}?n={i} HTTP/1.1\" {Pick(r, Statuses)} {r.Next(50000)} \"{Pick(r, Referers)}\" \"{Pick(r, Agents)}\"");

    /// <summary>Nginx's default combined format: remote, host, user, time, request, status, size, referer, agent.</summary>
    public static string Nginx(Random r, int i) =>
        string.Create(CultureInfo.InvariantCulture, $"10.{r.Next(256)}.{r.Next(256)}.{r.Next(256)} 192.168.0.1 - [26/Nov/2026:01:{i / 60 % 60:D2}:{i % 60:D2} +0000] \"{Pick(r, Methods)} {Pick(r, Paths)}?n={i} HTTP/1.1\" {Pick(r, Statuses)} {r.Next(50000)} \"{Pick(r, Referers)}\" \"{Pick(r, Agents)}\"");

    public static string ApacheError(Random r, int i) =>
        string.Create(CultureInfo.InvariantCulture, $"[Thu Nov 26 01:{i / 60 % 60:D2}:{i % 60:D2} 2026] [{Pick(r, ["error", "notice", "warn"])}] [client 10.0.{r.Next(256)}.{r.Next(256)}] {Sentence(r)}");

    public static string Message(Random r) => Sentence(r);

    /// <summary>A structured application log line.</summary>
    public static string Json(Random r, int i) =>
        string.Create(CultureInfo.InvariantCulture, $"{{\"level\":\"{Pick(r, Levels)}\",\"msg\":\"{Sentence(r)}\",\"request_id\":\"{r.NextInt64():x16}\",\"status\":{Pick(r, Statuses)},\"latency_ms\":{r.Next(1, 5000) / 10.0},\"path\":\"{Pick(r, Paths)}?n={i}\"}}");

    /// <summary>A Docker json-file line (the log text ends in an escaped newline).</summary>
    public static string Docker(Random r, int i) =>
        string.Create(CultureInfo.InvariantCulture, $"{{\"log\":\"{Sentence(r)} n={i}\\n\",\"stream\":\"{(r.Next(4) == 0 ? "stderr" : "stdout")}\",\"time\":\"2026-11-26T01:{i / 60 % 60:D2}:{i % 60:D2}.{r.Next(1_000_000_000):D9}Z\"}}");

    /// <summary>A containerd / CRI-O line, full (<c>F</c>).</summary>
    public static string Cri(Random r, int i) =>
        string.Create(CultureInfo.InvariantCulture, $"2026-11-26T01:{i / 60 % 60:D2}:{i % 60:D2}.{r.Next(1_000_000_000):D9}Z {(r.Next(4) == 0 ? "stderr" : "stdout")} F {Sentence(r)} n={i}");

    public static string Regexp(Random r, int i) =>
        string.Create(CultureInfo.InvariantCulture, $"web{r.Next(10)} [2026-11-26 01:{i / 60 % 60:D2}:{i % 60:D2}.{r.Next(1000):D3} +0000] {Pick(r, Levels).ToUpperInvariant()} id={r.Next():x8} {Sentence(r)}");

    public static string Ltsv(Random r, int i) =>
        string.Create(CultureInfo.InvariantCulture, $"time:26/Nov/2026:01:{i / 60 % 60:D2}:{i % 60:D2} +0000\thost:10.0.{r.Next(256)}.{r.Next(256)}\tmethod:{Pick(r, Methods)}\tpath:{Pick(r, Paths)}?n={i}\tstatus:{Pick(r, Statuses)}\tsize:{r.Next(50000)}\tua:{Pick(r, Agents)}");

    public static string Csv(Random r, int i) =>
        string.Create(CultureInfo.InvariantCulture, $"2026-11-26 01:{i / 60 % 60:D2}:{i % 60:D2},10.0.{r.Next(256)}.{r.Next(256)},{Pick(r, Methods)},{Pick(r, Paths)}?n={i},{Pick(r, Statuses)},{r.Next(50000)},\"{Sentence(r)}, quoted\"");

    public static string Tsv(Random r, int i) =>
        string.Create(CultureInfo.InvariantCulture, $"2026-11-26 01:{i / 60 % 60:D2}:{i % 60:D2}\t10.0.{r.Next(256)}.{r.Next(256)}\t{Pick(r, Methods)}\t{Pick(r, Paths)}?n={i}\t{Pick(r, Statuses)}\t{r.Next(50000)}\t{Sentence(r)}");

    public static string Syslog3164(Random r, int i) =>
        string.Create(CultureInfo.InvariantCulture, $"Nov 26 01:{i / 60 % 60:D2}:{i % 60:D2} host{r.Next(10)} {Pick(r, ["sshd", "kernel", "cron", "app"])}[{r.Next(1, 65536)}]: {Sentence(r)}");

    public static string Syslog5424(Random r, int i) =>
        string.Create(CultureInfo.InvariantCulture, $"<{r.Next(8, 192)}>1 2026-11-26T01:{i / 60 % 60:D2}:{i % 60:D2}.{r.Next(1000):D3}Z host{r.Next(10)} app {r.Next(1, 65536)} ID{r.Next(100)} [meta@1 seq=\"{i}\"] {Sentence(r)}");

    /// <summary>A Java error with a stack trace: the first line, then three continuation lines.</summary>
    public static string[] JavaError(Random r, int i) =>
    [
        string.Create(CultureInfo.InvariantCulture, $"2026-11-26 01:{i / 60 % 60:D2}:{i % 60:D2} ERROR {Sentence(r)}"),
        "java.lang.IllegalStateException: " + Sentence(r),
        "\tat com.example.orders.OrderService.place(OrderService.java:" + r.Next(10, 500).ToString(CultureInfo.InvariantCulture) + ")",
        "\tat com.example.Main.main(Main.java:5)",
    ];

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static string Sentence(Random r)
    {
        var sb = new StringBuilder();
        var words = r.Next(4, 12);
        for (var w = 0; w < words; w++)
        {
            sb.Append(w == 0 ? string.Empty : " ").Append(Pick(r, Words));
        }

        return sb.ToString();
    }

    private static string Pick(Random r, string[] values) => values[r.Next(values.Length)];
}
