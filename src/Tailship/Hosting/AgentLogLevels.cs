using Microsoft.Extensions.Logging;

namespace Tailship.Hosting;

/// <summary>Fluentd's log level names (trace, debug, info, warn, error, fatal) and their <see cref="LogLevel"/>.</summary>
internal static class AgentLogLevels
{
    /// <summary>Indexed by <see cref="LogLevel"/>: Trace (0) to Critical (5), which Fluentd calls fatal.</summary>
    private static readonly string[] Names = ["trace", "debug", "info", "warn", "error", "fatal"];

    /// <summary>The level for <c>-v</c>/<c>-q</c> steps away from info, as in Fluentd: -v debug, -vv trace, -q warn, -qq error.</summary>
    public static LogLevel FromVerbosity(int verbosity) =>
        (LogLevel)Math.Clamp((int)LogLevel.Information - verbosity, (int)LogLevel.Trace, (int)LogLevel.Critical);

    public static bool TryParse(string name, out LogLevel level)
    {
        var index = Array.IndexOf(Names, name.Trim());
        level = index < 0 ? LogLevel.None : (LogLevel)index;
        return index >= 0;
    }

    public static string Name(LogLevel level) => Names[Math.Clamp((int)level, 0, Names.Length - 1)];
}
