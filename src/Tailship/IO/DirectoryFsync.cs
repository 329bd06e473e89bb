using System.Runtime.InteropServices;
using System.Text;

namespace Tailship.IO;

/// <summary>fsync of a directory, so that a created or renamed file survives a power loss (Linux; .NET has no API).</summary>
internal static class DirectoryFsync
{
    private const int ORdOnly = 0;
    private const int ODirectory = 0x10000;

    public static void Sync(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var bytes = new byte[Encoding.UTF8.GetMaxByteCount(directory.Length) + 1];
        bytes[Encoding.UTF8.GetBytes(directory, bytes)] = 0;
        var fd = Open(bytes, ORdOnly | ODirectory);
        if (fd < 0)
        {
            throw new IOException($"cannot open directory {directory} to fsync it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Close(int fd);
}
