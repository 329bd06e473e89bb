namespace Tailship.Buffers;

/// <summary>
/// Fluentd's rule for a file buffer's <c>path</c>: an existing directory holds <c>buffer.*.log</c>; a name with
/// <c>.*.</c> is a pattern; a name ending in <c>.*</c> gets the suffix; anything else is a prefix
/// (<c>/var/log/buf/s3</c> gives <c>/var/log/buf/s3.*.log</c>, as v0.12's <c>buffer_path</c> did).
/// </summary>
internal static class FileBufferPath
{
    public static string Resolve(string path, string suffix)
    {
        path = path.Trim();
        var name = System.IO.Path.GetFileName(path);
        if (Directory.Exists(path) || path.EndsWith('/'))
        {
            return System.IO.Path.Combine(path, "buffer.*" + suffix);
        }

        if (name.Contains(".*.", StringComparison.Ordinal))
        {
            return path;
        }

        return name.EndsWith(".*", StringComparison.Ordinal) ? path + suffix : path + ".*" + suffix;
    }

    /// <summary>Splits a resolved pattern into its directory, file name prefix (before <c>*</c>) and suffix.</summary>
    public static (string Directory, string Prefix, string Suffix) Split(string pattern)
    {
        var dir = System.IO.Path.GetDirectoryName(pattern);
        var name = System.IO.Path.GetFileName(pattern);
        var star = name.IndexOf('*', StringComparison.Ordinal);
        return (string.IsNullOrEmpty(dir) ? "." : dir, name[..star], name[(star + 1)..]);
    }
}
