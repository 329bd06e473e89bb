using Microsoft.Extensions.Logging;

namespace Tailship.Hosting;

/// <summary>Fluentd's log level names (trace, debug, info, warn, error, fatal) and their <see cref="LogLevel"/>.</summary>
internal static class AgentLogLevels
{
    /// <summary>The level for <c>-v</c>/<c>-q</c> steps away from info, as in Fluentd: -v debug, -vv trace, -q warn, -qq error.</summary>
    public static LogLevel FromVerbosity(int verbosity) =>
        (LogLevel)Math.Clamp((int)LogLevel.Information - verbosity, (int)LogLevel.Trace, (int)LogLevel.Critical);

    public static bool TryParse(string name, out LogLevel level)
    {
        switch (name.Trim())
        {
            case "trace":
                level = LogLevel.Trace;
                return true;
            case "debug":
                level = LogLevel.Debug;
                return true;
            case "info":
                level = LogLevel.Information;
                return true;
            case "warn":
                level = LogLevel.Warning;
                return true;
            case "error":
                level = LogLevel.Error;
                return true;
            case "fatal":
                level = LogLevel.Critical;
                return true;
            default:
                level = LogLevel.None;
                return false;
        }
    }

    public static string Name(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        _ => "fatal",
    };
}
