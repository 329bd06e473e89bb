using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Tailship.Inputs.Tail;

/// <summary>What <c>stat</c> says about a file: its identity (inode), size, kind and modification time.</summary>
internal readonly record struct FileStat(ulong Inode, long Size, bool IsDirectory, DateTimeOffset ModifiedUtc);

/// <summary>Why a file could not be examined.</summary>
internal enum FileStatError
{
    None,
    NotFound,
    PermissionDenied,
    Other,
}

/// <summary>
/// Reads a file's inode, size and mtime. .NET has no API for the inode, which tail needs to tell a rotated file
/// from the same file grown. Linux's <c>statx</c> has one layout on every architecture, so it is called directly;
/// elsewhere the file's creation time stands in for the inode (good enough for development on other systems).
/// </summary>
internal static class FileStatReader
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int EnoEnt = 2;
    private const int EAcces = 13;
    private const int EPerm = 1;
    private const int ENotDir = 20;
    private const ushort SIfMt = 0xF000;
    private const ushort SIfDir = 0x4000;

    private static readonly byte[] EmptyPath = [0]; // read-only: statx of the descriptor itself (AT_EMPTY_PATH)

    /// <summary>Examines <paramref name="path"/>, following symlinks.</summary>
    public static FileStatError TryStat(string path, out FileStat stat) =>
        OperatingSystem.IsLinux() ? Call(AtFdCwd, ToNativePath(path), 0, out stat) : TryStatPortable(path, out stat);

    /// <summary>
    /// Examines a path given as <see cref="ToNativePath"/> made it, following symlinks, without allocating (what the
    /// once-a-second sweep over every watched file uses).
    /// </summary>
    public static FileStatError TryStat(string path, byte[] nativePath, out FileStat stat) =>
        OperatingSystem.IsLinux() ? Call(AtFdCwd, nativePath, 0, out stat) : TryStatPortable(path, out stat);

    /// <summary>The path as the kernel wants it: UTF-8, NUL-terminated.</summary>
    public static byte[] ToNativePath(string path)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    /// <summary>Examines an open file (the one a handle still reads after it was renamed or deleted).</summary>
    public static FileStatError TryStat(SafeFileHandle handle, string path, out FileStat stat)
    {
        if (!OperatingSystem.IsLinux())
        {
            return TryStatPortable(path, out stat);
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return Call((int)handle.DangerousGetHandle(), EmptyPath, AtEmptyPath, out stat);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static FileStatError Call(int dirFd, byte[] path, int flags, out FileStat stat)
    {
        if (Statx(dirFd, path, flags, StatxBasicStats, out var buf) != 0)
        {
            stat = default;
            return Marshal.GetLastPInvokeError() switch
            {
                EnoEnt or ENotDir => FileStatError.NotFound,
                EAcces or EPerm => FileStatError.PermissionDenied,
                _ => FileStatError.Other,
            };
        }

        stat = new FileStat(
            buf.Inode,
            (long)buf.Size,
            (buf.Mode & SIfMt) == SIfDir,
            DateTimeOffset.FromUnixTimeSeconds(buf.MtimeSeconds).AddTicks(buf.MtimeNanoseconds / 100));
        return FileStatError.None;
    }

    private static FileStatError TryStatPortable(string path, out FileStat stat)
    {
        stat = default;
        try
        {
            if (Directory.Exists(path))
            {
                stat = new FileStat(0, 0, true, Directory.GetLastWriteTimeUtc(path));
                return FileStatError.None;
            }

            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return FileStatError.NotFound;
            }

            stat = new FileStat((ulong)info.CreationTimeUtc.Ticks, info.Length, false, info.LastWriteTimeUtc);
            return FileStatError.None;
        }
        catch (UnauthorizedAccessException)
        {
            return FileStatError.PermissionDenied;
        }
        catch (IOException)
        {
            return FileStatError.Other;
        }
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Statx(int dirFd, byte[] path, int flags, uint mask, out StatxBuffer buffer);

    /// <summary>Linux <c>struct statx</c> (256 bytes, the same on every architecture); only the fields tail reads.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(28)]
        public ushort Mode;

        [FieldOffset(32)]
        public ulong Inode;

        [FieldOffset(40)]
        public ulong Size;

        [FieldOffset(112)]
        public long MtimeSeconds;

        [FieldOffset(120)]
        public uint MtimeNanoseconds;
    }
}
