using Microsoft.Extensions.Logging;

namespace Tailship.Outputs.S3;

/// <summary>What the s3 output logs. Messages name buckets, keys and the credentials source, never a secret.</summary>
internal sealed partial class S3Output
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "s3: bucket {Bucket} at {Endpoint}, credentials from {Source}")]
    private static partial void LogStarting(ILogger logger, string bucket, string endpoint, string source);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "s3: bucket {Bucket} is reachable; ready")]
    private static partial void LogReady(ILogger logger, string bucket);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "s3: not ready ({Cause}): {Reason}; buffering and checking again in {DelaySeconds} s")]
    private static partial void LogNotReady(ILogger logger, S3FailureCause cause, string reason, long delaySeconds);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Debug, Message = "s3: uploaded {Key} (chunk {ChunkId}, {Records} records) in {Milliseconds} ms")]
    private static partial void LogUploaded(ILogger logger, string key, string chunkId, long records, long milliseconds);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "s3: {Cause}: {Reason}; the chunk is kept and retried")]
    private static partial void LogUploadFailed(ILogger logger, S3FailureCause cause, string reason);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "s3: aborting the multipart upload of {Key} failed: {Reason}")]
    private static partial void LogAbortFailed(ILogger logger, string key, string reason, Exception error);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "s3: delayed events were put to s3://{Bucket}/{Key}: {DelaySeconds} s after their time slice started (warn_for_delay)")]
    private static partial void LogLate(ILogger logger, string bucket, string key, long delaySeconds);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Information, Message = "s3: creating bucket {Bucket} (auto_create_bucket)")]
    private static partial void LogCreatingBucket(ILogger logger, string bucket);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Information, Message = "s3: HEAD on bucket {Bucket} was denied (403); taking the bucket to exist, as fluent-plugin-s3 does (check_bucket)")]
    private static partial void LogBucketHeadDenied(ILogger logger, string bucket);
}
