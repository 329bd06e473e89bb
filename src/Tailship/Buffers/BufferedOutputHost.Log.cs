using Microsoft.Extensions.Logging;

namespace Tailship.Buffers;

internal sealed partial class BufferedOutputHost
{
    [LoggerMessage(EventId = 4120, Level = LogLevel.Information, Message = "{OutputId}: resumed {Chunks} buffer chunks from {Location}")]
    private static partial void LogRecovered(ILogger logger, string outputId, int chunks, string location);

    [LoggerMessage(EventId = 4121, Level = LogLevel.Warning, Message = "{OutputId}: failed to flush chunk {ChunkId} ({Records} records); retry {Retry} at {NextTime:o}")]
    private static partial void LogRetry(ILogger logger, string outputId, string chunkId, long records, int retry, DateTimeOffset nextTime, Exception error);

    [LoggerMessage(EventId = 4122, Level = LogLevel.Information, Message = "{OutputId}: flush succeeded after {Retries} retries")]
    private static partial void LogRecoveredFromRetry(ILogger logger, string outputId, int retries);

    [LoggerMessage(EventId = 4123, Level = LogLevel.Error, Message = "{OutputId}: gave up on chunk {ChunkId} ({Records} records, {Reason}); kept at {Path}")]
    private static partial void LogGaveUpKept(ILogger logger, string outputId, string chunkId, long records, string reason, string path, Exception error);

    [LoggerMessage(EventId = 4124, Level = LogLevel.Error, Message = "{OutputId}: gave up on chunk {ChunkId} ({Records} records, {Reason}); the records are lost")]
    private static partial void LogGaveUpLost(ILogger logger, string outputId, string chunkId, long records, string reason, Exception error);

    [LoggerMessage(EventId = 4125, Level = LogLevel.Warning, Message = "{OutputId}: chunk {ChunkId} ({Records} records) written to the secondary output")]
    private static partial void LogSecondary(ILogger logger, string outputId, string chunkId, long records);

    [LoggerMessage(EventId = 4126, Level = LogLevel.Error, Message = "{OutputId}: cannot write to the buffer ({Location}); reading pauses until it can: {Reason}")]
    private static partial void LogStorageFailing(ILogger logger, string outputId, string location, string reason, Exception error);

    [LoggerMessage(EventId = 4127, Level = LogLevel.Information, Message = "{OutputId}: buffer writable again; reading resumes")]
    private static partial void LogStorageRecovered(ILogger logger, string outputId);

    [LoggerMessage(EventId = 4128, Level = LogLevel.Information, Message = "{OutputId}: {Chunks} chunks ({Records} records) not flushed at shutdown stay in {Location} for the next start")]
    private static partial void LogKeptAtShutdown(ILogger logger, string outputId, int chunks, long records, string location);

    [LoggerMessage(EventId = 4129, Level = LogLevel.Error, Message = "{OutputId}: {Chunks} chunks ({Records} records) in the memory buffer could not be flushed before the shutdown deadline and are lost")]
    private static partial void LogLostAtShutdown(ILogger logger, string outputId, int chunks, long records);

    [LoggerMessage(EventId = 4130, Level = LogLevel.Error, Message = "{OutputId}: flush loop error")]
    private static partial void LogLoopError(ILogger logger, string outputId, Exception error);

    [LoggerMessage(EventId = 4131, Level = LogLevel.Error, Message = "{OutputId}: could not delete delivered chunk {Location}; it may be sent again after a restart")]
    private static partial void LogDeleteFailed(ILogger logger, string outputId, string location, Exception error);

    [LoggerMessage(EventId = 4133, Level = LogLevel.Error, Message = "{OutputId}: could not fsync the buffer of chunk {Location} before sending or deleting it; its lines may be sent again after a restart")]
    private static partial void LogSyncBeforeSendFailed(ILogger logger, string outputId, string location, Exception error);

    [LoggerMessage(EventId = 4132, Level = LogLevel.Warning, Message = "{OutputId}: formatting an event of tag {Tag} failed; sent to the error stream")]
    private static partial void LogFormatFailed(ILogger logger, string outputId, string tag, Exception error);
}
