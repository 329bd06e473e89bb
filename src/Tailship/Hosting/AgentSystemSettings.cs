using Microsoft.Extensions.Logging;
using Tailship.Config;

namespace Tailship.Hosting;

/// <summary>
/// The few <c>&lt;system&gt;</c> settings the host needs before the pipeline is planned: the log level, the log
/// format (<c>&lt;log&gt; format</c>) and <c>suppress_config_dump</c>. Read leniently from the tree: checking the
/// <c>&lt;system&gt;</c> section (unknown keys, bad values) is the pipeline plan's job, which reports it with the rest.
/// </summary>
internal sealed record AgentSystemSettings(LogLevel? LogLevel, AgentLogFormat? LogFormat, bool SuppressConfigDump)
{
    public static AgentSystemSettings Read(ConfigSection root)
    {
        LogLevel? level = null;
        AgentLogFormat? format = null;
        var suppress = false;
        foreach (var system in root.Sections.Where(s => s.Name == "system"))
        {
            if (system.Find("log_level")?.Value is { } name && AgentLogLevels.TryParse(name, out var parsed))
            {
                level = parsed;
            }

            if (system.Find("suppress_config_dump")?.Value is { } flag && ConfigValues.TryParseBool(flag, out var b))
            {
                suppress = b;
            }

            foreach (var log in system.Sections.Where(s => s.Name == "log"))
            {
                format = log.Find("format")?.Value.Trim() switch
                {
                    "json" => AgentLogFormat.Json,
                    "text" => AgentLogFormat.Text,
                    _ => format,
                };
            }
        }

        return new AgentSystemSettings(level, format, suppress);
    }
}
