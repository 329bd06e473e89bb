using System.Buffers.Text;
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

    /// <summary>
    /// The file-backed part of the resident set in kB (with shared memory, none here) from <c>/proc/self/statm</c>:
    /// one short read, no line splitting, as the idle trim looks every few seconds; 0 where unreadable.
    /// </summary>
    public static long ReadFileKb()
    {
        Span<byte> text = stackalloc byte[256];
        int length;
        try
        {
            using var handle = File.OpenHandle("/proc/self/statm");
            length = RandomAccess.Read(handle, text, 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not Linux, or /proc not mounted: 0, and the idle trim never finds growth.
            return 0;
        }

        // "size resident shared text lib data dt", in pages; "shared" is RssFile + RssShmem.
        var rest = text[..length];
        for (var skip = 0; skip < 2; skip++)
        {
            var space = rest.IndexOf((byte)' ');
            if (space < 0)
            {
                return 0;
            }

            rest = rest[(space + 1)..];
        }

        var end = rest.IndexOf((byte)' ');
        return Utf8Parser.TryParse(end < 0 ? rest : rest[..end], out long pages, out _)
            ? pages * (Environment.SystemPageSize / 1024)
            : 0;
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
