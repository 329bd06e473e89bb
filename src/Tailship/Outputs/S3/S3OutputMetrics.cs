namespace Tailship.Outputs.S3;

/// <summary>
/// Counters of one s3 output (objects and bytes uploaded, upload latency, failures by cause), updated with
/// interlocked operations by flush threads and read by the metrics exporter.
/// </summary>
internal sealed class S3OutputMetrics
{
    private readonly long[] _failures = new long[Enum.GetValues<S3FailureCause>().Length];
    private long _objects;
    private long _bytes;
    private long _latencyMicrosTotal;
    private long _lastLatencyMicros;

    public long ObjectsUploaded => Interlocked.Read(ref _objects);

    /// <summary>Uncompressed bytes of the chunks uploaded.</summary>
    public long BytesUploaded => Interlocked.Read(ref _bytes);

    public TimeSpan TotalUploadTime => TimeSpan.FromMicroseconds(Interlocked.Read(ref _latencyMicrosTotal));

    public TimeSpan LastUploadTime => TimeSpan.FromMicroseconds(Interlocked.Read(ref _lastLatencyMicros));

    public long FailuresOf(S3FailureCause cause) => Interlocked.Read(ref _failures[(int)cause]);

    public void Uploaded(long bytes, TimeSpan latency)
    {
        Interlocked.Increment(ref _objects);
        Interlocked.Add(ref _bytes, bytes);
        var micros = (long)latency.TotalMicroseconds;
        Interlocked.Add(ref _latencyMicrosTotal, micros);
        Interlocked.Exchange(ref _lastLatencyMicros, micros);
    }

    public void Failed(S3FailureCause cause) => Interlocked.Increment(ref _failures[(int)cause]);
}
