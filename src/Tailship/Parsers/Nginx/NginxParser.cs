using Tailship.Parsers.Regexp;
using Tailship.Plugins;

namespace Tailship.Parsers.Nginx;

/// <summary>
/// <c>@type nginx</c>: nginx's default <c>combined</c> access log (plus an optional trailing
/// <c>http_x_forwarded_for</c>). Unlike apache2 every field stays a string and <c>-</c> is kept, as in Fluentd.
/// </summary>
internal static class NginxParser
{
    public const string Expression =
        """/^(?<remote>[^ ]*) (?<host>[^ ]*) (?<user>[^ ]*) \[(?<time>[^\]]*)\] "(?<method>\S+)(?: +(?<path>[^\"]*?)(?: +\S*)?)?" (?<code>[^ ]*) (?<size>[^ ]*)(?: "(?<referer>[^\"]*)" "(?<agent>[^\"]*)"(?:\s+(?<http_x_forwarded_for>[^ ]+))?)?$/""";

    public const string TimeFormat = "%d/%b/%Y:%H:%M:%S %z";

    public static readonly PluginDescriptor Descriptor = RegexpParser.CreateDescriptor(
        "nginx",
        "Parses nginx access logs (combined format); fields stay strings.",
        Expression,
        TimeFormat);
}
