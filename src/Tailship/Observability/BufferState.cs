namespace Tailship.Observability;

/// <summary>
/// A buffer's state as its output reports it (Fluentd's names in brackets): chunks being filled
/// [<c>buffer_stage_length</c>] and their bytes, chunks queued for flushing [<c>buffer_queue_length</c>] and their
/// bytes, the size limit [<c>total_limit_size</c>], the time of the oldest event not yet delivered, and the
/// time slices held [<c>buffer_timekeys</c>, Unix seconds].
/// </summary>
public sealed record BufferState(
    int StageLength,
    long StageBytes,
    int QueueLength,
    long QueueBytes,
    long TotalLimitBytes,
    DateTimeOffset? OldestUnsent,
    IReadOnlyList<long>? Timekeys = null)
{
    public static BufferState Empty { get; } = new(0, 0, 0, 0, 0, null);

    public long TotalBytes => StageBytes + QueueBytes;

    /// <summary>Free space in percent of the limit, as Fluentd's <c>buffer_available_buffer_space_ratios</c>.</summary>
    public double AvailableSpaceRatio => TotalLimitBytes <= 0 ? 100.0 : Math.Round(Math.Max(0, TotalLimitBytes - TotalBytes) * 100.0 / TotalLimitBytes, 1);
}

/// <summary>An output waiting to retry: since when, how many attempts failed, and when it tries next.</summary>
public sealed record RetryState(DateTimeOffset Start, int Steps, DateTimeOffset NextTime);
