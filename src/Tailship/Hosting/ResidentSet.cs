using System.Globalization;

namespace Tailship.Hosting;

/// <summary>The resident set of this process from <c>/proc/self/status</c> (kB), for the agent's own debug log; zeros where unreadable.</summary>
internal readonly record struct ResidentSet(long TotalKb, long AnonymousKb, long FileKb)
{
    public static ResidentSet Read()
    {
        long total = 0, anonymous = 0, file = 0;
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    total = Kb(line);
                }
                else if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
                {
                    anonymous = Kb(line);
                }
                else if (line.StartsWith("RssFile:", StringComparison.Ordinal))
                {
                    file = Kb(line);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not Linux, or /proc not mounted: the figures are only for the log.
        }

        return new ResidentSet(total, anonymous, file);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{TotalKb} kB ({AnonymousKb} anonymous, {FileKb} file)");

    private static long Kb(string line)
    {
        var value = line.AsSpan(line.IndexOf(':', StringComparison.Ordinal) + 1).Trim();
        if (value.EndsWith(" kB", StringComparison.Ordinal))
        {
            value = value[..^3];
        }

        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb : 0;
    }
}
