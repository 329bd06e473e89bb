using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;

namespace Tailship.Outputs.S3;

/// <summary>Why an S3 request failed, as operators need to know it (also the metric label).</summary>
internal enum S3FailureCause
{
    BadCredentials,
    AccessDenied,
    MissingBucket,
    CredentialsUnavailable,
    Throttled,
    ServerError,
    Network,
    Timeout,
    BadRequest,
    Other,
}

/// <summary>An upload or check that failed, with its cause named. The flush loop retries it with backoff.</summary>
internal sealed class S3OutputException : Exception
{
    public S3OutputException(S3FailureCause cause, string message, Exception? inner)
        : base(message, inner)
    {
        Cause = cause;
    }

    public S3OutputException()
    {
    }

    public S3OutputException(string message)
        : base(message)
    {
    }

    public S3OutputException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public S3FailureCause Cause { get; } = S3FailureCause.Other;

    /// <summary>True for failures that may clear by themselves (5xx, throttling, network, timeouts).</summary>
    public bool IsTransient => Cause is S3FailureCause.Throttled or S3FailureCause.ServerError or S3FailureCause.Network
        or S3FailureCause.Timeout or S3FailureCause.CredentialsUnavailable;
}

/// <summary>Turns SDK and network exceptions into <see cref="S3OutputException"/>s whose message names the cause.</summary>
internal static class S3Errors
{
    public static S3OutputException Classify(Exception error, string action, string bucket)
    {
        var (cause, what) = error switch
        {
            AmazonS3Exception { ErrorCode: "InvalidAccessKeyId" } => (S3FailureCause.BadCredentials, "the access key id is not known to the server (bad credentials)"),
            AmazonS3Exception { ErrorCode: "SignatureDoesNotMatch" } => (S3FailureCause.BadCredentials, "the request signature does not match: wrong secret key (bad credentials)"),
            AmazonS3Exception { ErrorCode: "ExpiredToken" or "InvalidToken" or "TokenRefreshRequired" } => (S3FailureCause.BadCredentials, "the session token is expired or invalid (bad credentials)"),
            AmazonS3Exception { ErrorCode: "NoSuchBucket" } => (S3FailureCause.MissingBucket, $"bucket '{bucket}' does not exist"),
            AmazonS3Exception { ErrorCode: "SlowDown" or "Throttling" or "RequestLimitExceeded" } => (S3FailureCause.Throttled, "the server asks to slow down"),
            AmazonS3Exception { ErrorCode: "RequestTimeout" } => (S3FailureCause.Timeout, "the server timed out waiting for the request body"),
            AmazonS3Exception { StatusCode: HttpStatusCode.Forbidden } => (S3FailureCause.AccessDenied, $"access denied to bucket '{bucket}' (bad credentials or missing permission)"),
            AmazonS3Exception { StatusCode: HttpStatusCode.NotFound } => (S3FailureCause.MissingBucket, $"bucket '{bucket}' was not found"),
            AmazonS3Exception { StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable } => (S3FailureCause.Throttled, "the server is busy (throttled)"),
            AmazonS3Exception e when (int)e.StatusCode >= 500 => (S3FailureCause.ServerError, $"server error {(int)e.StatusCode}"),
            AmazonS3Exception e => (S3FailureCause.BadRequest, $"request refused ({(int)e.StatusCode})"),
            AmazonClientException e when IsCredentialsFailure(e) => (S3FailureCause.CredentialsUnavailable, "no credentials could be obtained"),
            TaskCanceledException or TimeoutException => (S3FailureCause.Timeout, "the request timed out"),
            HttpRequestException or SocketException or IOException { InnerException: SocketException } => (S3FailureCause.Network, "the server could not be reached"),
            IOException => (S3FailureCause.Other, "I/O error (reading the chunk or talking to the server)"),
            AmazonServiceException { InnerException: HttpRequestException or SocketException or IOException } => (S3FailureCause.Network, "the server could not be reached"),
            _ => (S3FailureCause.Other, "unexpected error"),
        };
        var code = error is AmazonServiceException { ErrorCode: { Length: > 0 } ec } ? $" [{ec}]" : string.Empty;
        return new S3OutputException(cause, $"{action}: {what}{code}: {FirstLine(error.Message)}", error);
    }

    private static bool IsCredentialsFailure(AmazonClientException e) =>
        e.Message.Contains("credential", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("metadata", StringComparison.OrdinalIgnoreCase);

    private static string FirstLine(string message)
    {
        var nl = message.IndexOf('\n', StringComparison.Ordinal);
        return nl < 0 ? message : message[..nl];
    }
}
