using Tailship.Parsers.Regexp;
using Tailship.Plugins;

namespace Tailship.Parsers.Apache;

/// <summary>
/// <c>@type apache</c>: Fluentd's older Apache access-log preset. Unlike apache2 it is a plain regexp parser: the
/// fields stay strings, <c>-</c> is kept, and <c>types</c> applies.
/// </summary>
internal static class ApacheParser
{
    public const string Expression =
        """/^(?<host>[^ ]*) [^ ]* (?<user>[^ ]*) \[(?<time>[^\]]*)\] "(?<method>\S+)(?: +(?<path>[^ ]*) +\S*)?" (?<code>[^ ]*) (?<size>[^ ]*)(?: "(?<referer>[^\"]*)" "(?<agent>[^\"]*)")?$/""";

    public static readonly PluginDescriptor Descriptor = RegexpParser.CreateDescriptor(
        "apache",
        "Parses Apache access logs (common or combined); fields stay strings.",
        Expression,
        "%d/%b/%Y:%H:%M:%S %z");
}
