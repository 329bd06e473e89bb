using Tailship.Parsers.Regexp;
using Tailship.Plugins;

namespace Tailship.Parsers.ApacheError;

/// <summary>
/// <c>@type apache_error</c>: Apache's error log (<c>[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] msg</c>);
/// gives <c>level</c>, <c>pid</c>, <c>client</c>, <c>message</c>, omitting <c>pid</c>/<c>client</c> when absent. The time
/// has no time_format, so it is read like Ruby's <c>Time.parse</c>.
/// </summary>
internal static class ApacheErrorParser
{
    public const string Expression =
        """/^\[[^ ]* (?<time>[^\]]*)\] \[(?<level>[^\]]*)\](?: \[pid (?<pid>[^\]]*)\])?( \[client (?<client>[^\]]*)\])? (?<message>.*)$/""";

    public static readonly PluginDescriptor Descriptor = RegexpParser.CreateDescriptor(
        "apache_error",
        "Parses Apache error logs.",
        Expression,
        defaultTimeFormat: null);
}
