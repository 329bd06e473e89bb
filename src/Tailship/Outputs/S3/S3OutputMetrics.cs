using Tailship.Observability;

namespace Tailship.Outputs.S3;

/// <summary>
/// Counters of one s3 output. Uploads and failures go to the plugin's exported metrics (<c>context.Metrics</c>:
/// writes, records and bytes out, flush duration, errors by cause); failures by cause are also kept here, typed,
/// for callers that ask about one cause.
/// </summary>
internal sealed class S3OutputMetrics(PluginMetrics exported)
{
    private readonly long[] _failures = new long[Enum.GetValues<S3FailureCause>().Length];

    /// <summary>The plugin's exported metrics that uploads are counted in.</summary>
    public PluginMetrics Exported { get; } = exported;

    public long FailuresOf(S3FailureCause cause) => Interlocked.Read(ref _failures[(int)cause]);

    public void Uploaded(long records, long bytes, TimeSpan latency)
    {
        Exported.Writes.Increment();
        Exported.RecordsOut.Add(records);
        Exported.BytesOut.Add(bytes);
        Exported.FlushDuration.Observe(latency);
    }

    public void Failed(S3FailureCause cause)
    {
        Interlocked.Increment(ref _failures[(int)cause]);
        Exported.AddError(CauseLabel(cause));
    }

    /// <summary>The metric label of a cause: a fixed snake_case word, never a message.</summary>
    internal static string CauseLabel(S3FailureCause cause) => cause switch
    {
        S3FailureCause.BadCredentials => "bad_credentials",
        S3FailureCause.AccessDenied => "access_denied",
        S3FailureCause.MissingBucket => "missing_bucket",
        S3FailureCause.CredentialsUnavailable => "credentials_unavailable",
        S3FailureCause.Throttled => "throttled",
        S3FailureCause.ServerError => "server_error",
        S3FailureCause.Network => "network",
        S3FailureCause.Timeout => "timeout",
        S3FailureCause.BadRequest => "bad_request",
        _ => "other",
    };
}
