using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Tailship.IO;

/// <summary>
/// Reserves disk blocks for a file that is being appended to, without changing its size (Linux <c>fallocate</c> with
/// <c>FALLOC_FL_KEEP_SIZE</c>; .NET only offers it when a file is created, for a size fixed then). The file system
/// then allocates blocks once per reservation instead of per page written, and the pages written later land in
/// blocks already there: cheaper writes and a cheaper fsync (docs/s3.md, "Upload cost").
/// </summary>
internal static class FilePreallocation
{
    private const int KeepSize = 1; // FALLOC_FL_KEEP_SIZE

    /// <summary>
    /// Reserves <paramref name="length"/> bytes from <paramref name="offset"/>; false when the file system or platform
    /// does not support it (or the disk is full: the write that follows then reports that).
    /// </summary>
    public static bool TryReserve(SafeFileHandle handle, long offset, long length)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return Fallocate((int)handle.DangerousGetHandle(), KeepSize, offset, length) == 0;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [DllImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Fallocate(int fd, int mode, long offset, long length);
}
