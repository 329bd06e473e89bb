using Microsoft.Extensions.Logging;

namespace Tailship.Inputs.Tail;

/// <summary>Everything the tail input logs, with stable event ids (3000-3099).</summary>
internal static partial class TailLog
{
    [LoggerMessage(3000, LogLevel.Information, "following {Path} (inode {Inode}) from offset {Offset}")]
    public static partial void Following(ILogger logger, string path, ulong inode, long offset);

    [LoggerMessage(3001, LogLevel.Information, "{Path} was rotated; the old file is read to its end for up to {RotateWait} before it is closed")]
    public static partial void Rotated(ILogger logger, string path, TimeSpan rotateWait);

    [LoggerMessage(3002, LogLevel.Information, "{Path} was truncated (size {Size} < read offset {Offset}); reading it again from the start")]
    public static partial void Truncated(ILogger logger, string path, long size, long offset);

    [LoggerMessage(3003, LogLevel.Warning, "{Path}: received line length is longer than {MaxLineSize}: a line of {Length} bytes was dropped ({Suppressed} more such warnings suppressed)")]
    public static partial void LineTooLong(ILogger logger, string path, long maxLineSize, long length, long suppressed);

    [LoggerMessage(3004, LogLevel.Warning, "{Path}: pattern not matched: {Line} ({Suppressed} more such warnings suppressed)")]
    public static partial void PatternNotMatched(ILogger logger, string path, string line, long suppressed);

    [LoggerMessage(3005, LogLevel.Warning, "{Path}: permission denied; it is not read until it becomes readable ({Suppressed} more such warnings suppressed)")]
    public static partial void PermissionDenied(ILogger logger, string path, long suppressed);

    [LoggerMessage(3006, LogLevel.Warning, "{Path} is a directory, not a file; tail reads files only ({Suppressed} more such warnings suppressed)")]
    public static partial void IsDirectory(ILogger logger, string path, long suppressed);

    [LoggerMessage(3007, LogLevel.Information, "{Path} disappeared; what was already written to it is still read for up to {RotateWait}")]
    public static partial void Vanished(ILogger logger, string path, TimeSpan rotateWait);

    [LoggerMessage(3008, LogLevel.Warning, "{Path}: tailing failed, retrying in {Delay} ({Suppressed} more such warnings suppressed)")]
    public static partial void LoopFailed(ILogger logger, string path, TimeSpan delay, long suppressed, Exception exception);

    [LoggerMessage(3009, LogLevel.Warning, "{Path}: the router did not accept {Count} events; they will be read and emitted again in {Delay}")]
    public static partial void EmitFailed(ILogger logger, string path, int count, TimeSpan delay, Exception exception);

    [LoggerMessage(3010, LogLevel.Warning, "pos_file {PosFile}: line {Line} is not 'PATH<TAB>OFFSET<TAB>INODE' and is ignored")]
    public static partial void PosFileLineInvalid(ILogger logger, string posFile, int line);

    [LoggerMessage(3011, LogLevel.Error, "pos_file {PosFile} could not be written; positions are kept in memory and the write is retried")]
    public static partial void PosFileWriteFailed(ILogger logger, string posFile, Exception exception);

    [LoggerMessage(3012, LogLevel.Information, "{Path} is no longer watched")]
    public static partial void Unwatched(ILogger logger, string path);

    [LoggerMessage(3013, LogLevel.Warning, "path '{Pattern}' could not be expanded ({Suppressed} more such warnings suppressed)")]
    public static partial void ExpandFailed(ILogger logger, string pattern, long suppressed, Exception exception);

    [LoggerMessage(3014, LogLevel.Warning, "change notification for {Directory} failed; polling every second catches up ({Suppressed} more such warnings suppressed)")]
    public static partial void NotifierFailed(ILogger logger, string directory, long suppressed, Exception exception);

    [LoggerMessage(3015, LogLevel.Warning, "{Path}: line could not be converted from {Encoding}; kept unchanged ({Suppressed} more such warnings suppressed)")]
    public static partial void EncodingFailed(ILogger logger, string path, string encoding, long suppressed);

    [LoggerMessage(3016, LogLevel.Information, "{Path}: resuming at offset {Offset} recorded for inode {Inode}")]
    public static partial void Resuming(ILogger logger, string path, long offset, ulong inode);

    [LoggerMessage(3017, LogLevel.Warning, "{Path}: the parser failed on a line: {Message} ({Suppressed} more such warnings suppressed)")]
    public static partial void ParserFailed(ILogger logger, string path, string message, long suppressed);

    [LoggerMessage(3018, LogLevel.Warning, "{Path}: got incomplete line before first line: {Line} ({Suppressed} more such warnings suppressed)")]
    public static partial void BeforeFirstLine(ILogger logger, string path, string line, long suppressed);
}
