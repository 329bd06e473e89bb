using System.Runtime.InteropServices;

namespace Tailship.Hosting;

/// <summary>
/// Returns the free memory of the C heap (glibc's <c>malloc</c> arenas, used by OpenSSL and the runtime's native
/// parts) to the system: <c>malloc_trim(0)</c> releases free pages at the top of each arena and inside it. Safe at any
/// time (it takes the arena locks); a C library without it (musl) is remembered and not asked again.
/// </summary>
internal static class NativeHeapTrim
{
    private static bool s_unavailable;

    /// <summary>True when glibc released something; false when there was nothing to release or no <c>malloc_trim</c>.</summary>
    public static bool Trim()
    {
        if (s_unavailable || !OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return MallocTrim(0) != 0;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            // Not glibc: nothing to trim this way, and no reason to try again.
            s_unavailable = true;
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);
}
