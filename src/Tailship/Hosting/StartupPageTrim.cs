using System.Globalization;
using System.Runtime.InteropServices;

namespace Tailship.Hosting;

/// <summary>
/// Drops, once the agent has started, the page-table entries of the clean read-only file mappings of the process
/// (the binary's code and read-only data, libc, OpenSSL): the pages touched only while starting (configuration,
/// plugin registry, S3 client construction, OpenSSL initialisation) then leave the resident set, and the pages
/// the running agent uses come back on their next use as minor faults from the page cache (no I/O, nothing
/// re-read: the pages stay in the page cache, which the kernel reclaims as it sees fit).
/// </summary>
/// <remarks>
/// Invariant: only mappings that cannot hold data of this process are touched: file-backed, not writable, and with
/// no anonymous (copy-on-write) and no dirty page, such as RELRO data written by the dynamic linker before it was
/// made read-only. <c>madvise(MADV_DONTNEED)</c> on such a mapping loses nothing: every page reads back the same
/// bytes from the file. A failure is reported to the caller and changes nothing else.
/// </remarks>
internal static class StartupPageTrim
{
    /// <summary>The environment variable that sets the delay in seconds, or switches the trim off (<c>off</c>, <c>0</c>).</summary>
    public const string Variable = "TAILSHIP_TRIM_STARTUP_PAGES";

    /// <summary>After start: long enough for the S3 start checks and the first reads, short of a first flush.</summary>
    public static readonly TimeSpan DefaultDelay = TimeSpan.FromSeconds(30);

    private const int MadvDontNeed = 4;

    /// <summary>The delay before the trim from <see cref="Variable"/>'s value; null when it is off; false when the value is not understood.</summary>
    public static bool TryParseDelay(string? value, out TimeSpan? delay) => IdlePageTrim.TryParseSeconds(value, DefaultDelay, out delay);

    /// <summary>
    /// Trims the mappings of this process and returns what was dropped; a mapping the kernel refuses is skipped and
    /// counted. Throws <see cref="IOException"/> when <c>/proc/self/smaps</c> cannot be read (nothing is trimmed then).
    /// </summary>
    public static TrimResult Trim() => Drop(FindTrimmable());

    /// <summary>
    /// The trimmable mappings of this process now (reading <c>/proc/self/smaps</c> allocates a few hundred KB of
    /// strings: a caller can collect them before <see cref="Drop"/>). Throws <see cref="IOException"/> when
    /// <c>/proc/self/smaps</c> cannot be read.
    /// </summary>
    public static List<SmapsMapping> FindTrimmable() =>
        SmapsMapping.Parse(File.ReadLines("/proc/self/smaps")).Where(m => m.IsTrimmable).ToList();

    /// <summary>
    /// Drops the resident pages of <paramref name="mappings"/>, found by <see cref="FindTrimmable"/> just before: a
    /// read-only mapping cannot gain anonymous or dirty pages in between unless something makes it writable, which
    /// nothing in this process does to a file mapping once the dynamic linker has loaded it.
    /// </summary>
    public static TrimResult Drop(IReadOnlyList<SmapsMapping> mappings)
    {
        long residentKb = 0;
        var count = 0;
        var failed = 0;
        var firstError = 0;
        foreach (var mapping in mappings)
        {
            if (Madvise((nint)mapping.Start, (nuint)(mapping.End - mapping.Start), MadvDontNeed) != 0)
            {
                firstError = failed++ == 0 ? Marshal.GetLastPInvokeError() : firstError;
                continue;
            }

            residentKb += mapping.RssKb;
            count++;
        }

        return new TrimResult(count, residentKb, failed, firstError);
    }

    [DllImport("libc", EntryPoint = "madvise", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Madvise(nint address, nuint length, int advice);
}

/// <summary>What one trim dropped (how many mappings, how much of them was resident before) and how many madvise calls failed (with the first errno).</summary>
internal readonly record struct TrimResult(int Mappings, long ResidentKb, int Failed, int FirstErrno);

/// <summary>One mapping of <c>/proc/PID/smaps</c>, with the fields the trim decides on.</summary>
internal sealed record SmapsMapping(ulong Start, ulong End, string Permissions, string Path)
{
    public long RssKb { get; set; }

    public long AnonymousKb { get; set; }

    public long DirtyKb { get; set; }

    public bool Locked { get; set; }

    /// <summary>Clean, read-only and backed by a file: every resident page can be read back from the file.</summary>
    public bool IsTrimmable =>
        Path.StartsWith('/') && !Path.StartsWith("/dev/", StringComparison.Ordinal) && !Path.StartsWith("/memfd:", StringComparison.Ordinal)
        && !Path.StartsWith("/SYSV", StringComparison.Ordinal) && Permissions.Length == 4 && Permissions[0] == 'r' && Permissions[1] == '-'
        && RssKb > 0 && AnonymousKb == 0 && DirtyKb == 0 && !Locked;

    /// <summary>Parses smaps text; a mapping whose fields cannot be read is left out (never trimmed).</summary>
    public static List<SmapsMapping> Parse(IEnumerable<string> lines)
    {
        var result = new List<SmapsMapping>();
        SmapsMapping? current = null;
        foreach (var line in lines)
        {
            if (TryParseHeader(line) is { } header)
            {
                current = header;
                result.Add(header);
                continue;
            }

            if (current is null)
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var key = line.AsSpan(0, colon);
            var rest = line.AsSpan(colon + 1).Trim();
            if (key.SequenceEqual("VmFlags"))
            {
                // "lo": mlock'ed pages; madvise refuses them, and they are locked for a reason.
                current.Locked = rest.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("lo");
                continue;
            }

            if (!rest.EndsWith(" kB", StringComparison.Ordinal) || !long.TryParse(rest[..^3], NumberStyles.None, CultureInfo.InvariantCulture, out var kb))
            {
                continue;
            }

            switch (key)
            {
                case "Rss":
                    current.RssKb = kb;
                    break;
                case "Anonymous":
                    current.AnonymousKb = kb;
                    break;
                case "Private_Dirty" or "Shared_Dirty":
                    current.DirtyKb += kb;
                    break;
            }
        }

        return result;
    }

    /// <summary><c>start-end perms offset dev inode [path]</c>; null for any other line.</summary>
    private static SmapsMapping? TryParseHeader(string line)
    {
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5)
        {
            return null;
        }

        var range = fields[0].Split('-');
        if (range.Length != 2
            || !ulong.TryParse(range[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var start)
            || !ulong.TryParse(range[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var end)
            || end <= start)
        {
            return null;
        }

        var path = fields.Length == 6 ? fields[5].Trim() : "";
        return new SmapsMapping(start, end, fields[1], path);
    }
}
