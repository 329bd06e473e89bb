using System.Collections.Concurrent;

namespace Tailship.Observability;

/// <summary>
/// The metrics of one plugin, labelled <c>plugin_id</c> and <c>type</c>. A plugin gets it from
/// <c>PluginContext.Metrics</c> when it is built and updates it from any thread without locks.
/// </summary>
/// <remarks>
/// Counted by the pipeline, not by the plugin: an input's <see cref="RecordsOut"/> (what it emits into its router)
/// and a top-level output's <see cref="RecordsIn"/> and <see cref="EmitCount"/> (what its emit accepted).
/// Meaning of in and out: an input reads records in and emits them out; a filter takes records in and passes
/// them out; an output accepts records in (into its buffer) and delivers them out.
/// </remarks>
public sealed partial class PluginMetrics
{
    /// <summary>Distinct error causes kept per plugin; more are counted as <c>other</c> (a cause is a fixed word, not a message).</summary>
    internal const int MaxErrorCauses = 16;

    private readonly MetricsRegistry _registry;
    private readonly (string, string)[] _labels;
    private readonly ConcurrentDictionary<string, Counter> _errors = new(StringComparer.Ordinal);
    private BufferState _buffer = BufferState.Empty;
    private RetryState? _retry;
    private Counter? _writes;
    private Counter? _rollbacks;
    private Counter? _retries;
    private Counter? _slowFlushes;
    private Histogram? _flushDuration;
    private Gauge? _lag;
    private volatile string _category;
    private long _emits;
    private long _hasBuffer;

    internal PluginMetrics(MetricsRegistry registry, string id, string type, string category)
    {
        _registry = registry;
        Id = id;
        Type = type;
        _category = category;
        _labels = [("plugin_id", id), ("type", type)];
        RecordsIn = registry.Counter("tailship_plugin_records_in_total", "Records a plugin took in: read by an input, received by a filter, accepted by an output.", _labels);
        RecordsOut = registry.Counter("tailship_plugin_records_out_total", "Records a plugin passed on: emitted by an input or filter, delivered by an output.", _labels);
        BytesIn = registry.Counter("tailship_plugin_bytes_in_total", "Bytes a plugin took in (an input: bytes read; an output: formatted bytes buffered).", _labels);
        BytesOut = registry.Counter("tailship_plugin_bytes_out_total", "Bytes a plugin passed on (an output: bytes delivered, before compression).", _labels);
    }

    /// <summary>The plugin's <c>@id</c> (or generated id).</summary>
    public string Id { get; }

    /// <summary>The plugin's <c>@type</c>.</summary>
    public string Type { get; }

    /// <summary><c>input</c>, <c>output</c>, <c>filter</c>, or <c>unknown</c> until the pipeline registers it.</summary>
    public string Category
    {
        get => _category;
        internal set
        {
            _category = value;
            if (value == "output")
            {
                RegisterFluentdOutputStatus();
            }
        }
    }

    /// <summary>The plugin's parameters as written (secrets masked), for the monitor API's <c>config</c> field.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Config { get; internal set; } = [];

    public Counter RecordsIn { get; }

    public Counter RecordsOut { get; }

    public Counter BytesIn { get; }

    public Counter BytesOut { get; }

    /// <summary>Chunks (or batches) an output delivered: Fluentd's <c>write_count</c>.</summary>
    public Counter Writes => _writes ??= _registry.Counter("tailship_output_writes_total", "Chunks an output delivered (Fluentd's write_count).", _labels);

    /// <summary>Chunks put back after a failed write: Fluentd's <c>rollback_count</c>.</summary>
    public Counter Rollbacks => _rollbacks ??= _registry.Counter("tailship_output_rollbacks_total", "Chunks put back into the queue after a failed write (Fluentd's rollback_count).", _labels);

    public Counter Retries => _retries ??= _registry.Counter("tailship_output_retries_total", "Write attempts that were retries of a failed one.", _labels);

    /// <summary>Flushes slower than the output's <c>slow_flush_log_threshold</c>.</summary>
    public Counter SlowFlushes => _slowFlushes ??= _registry.Counter("tailship_output_slow_flushes_total", "Flushes slower than slow_flush_log_threshold.", _labels);

    /// <summary>Duration of each write of a chunk, successful or not.</summary>
    public Histogram FlushDuration => _flushDuration ??= _registry.Histogram("tailship_output_flush_duration_seconds", "Time to write one chunk, in seconds.", null, _labels);

    /// <summary>Calls of the plugin's emit (Fluentd's <c>emit_count</c>).</summary>
    public long EmitCount => Interlocked.Read(ref _emits);

    /// <summary>Errors of every cause, the sum of <c>tailship_plugin_errors_total</c> (Fluentd's <c>num_errors</c>).</summary>
    public long ErrorCount => _errors.Values.Sum(c => c.Value);

    public BufferState Buffer => Volatile.Read(ref _buffer);

    /// <summary>True once <see cref="SetBuffer"/> was called: the monitor API then lists the buffer fields.</summary>
    public bool HasBuffer => Interlocked.Read(ref _hasBuffer) != 0;

    public RetryState? Retry => Volatile.Read(ref _retry);

    /// <summary>
    /// Counts one emit call of <paramref name="records"/> records and <paramref name="bytes"/> bytes taken in. The
    /// router already does this for the top-level <c>&lt;match&gt;</c> outputs it feeds; a nested output (a
    /// <c>&lt;store&gt;</c> of copy) calls it itself.
    /// </summary>
    public void AddEmit(long records, long bytes = 0)
    {
        Interlocked.Increment(ref _emits);
        RecordsIn.Add(records);
        if (bytes > 0)
        {
            BytesIn.Add(bytes);
        }
    }

    /// <summary>
    /// Counts an error. <paramref name="cause"/> is a short fixed word (<c>network</c>, <c>auth</c>,
    /// <c>throttled</c>, <c>parse</c>, <c>unrecoverable</c>...), never a message: it becomes a label value.
    /// </summary>
    public void AddError(string cause)
    {
        if (!_errors.TryGetValue(cause, out var counter))
        {
            var label = _errors.Count >= MaxErrorCauses ? "other" : cause;
            counter = _errors.GetOrAdd(label, c => _registry.Counter("tailship_plugin_errors_total", "Errors of a plugin, by cause.", [.. _labels, ("cause", c)]));
        }

        counter.Increment();
    }

    /// <summary>Reports the state of the output's buffer; call it whenever the buffer changes (it does not allocate).</summary>
    public void SetBuffer(BufferState state)
    {
        if (Interlocked.Exchange(ref _hasBuffer, 1) == 0)
        {
            RegisterBufferGauges();
        }

        Volatile.Write(ref _buffer, state);
    }

    /// <summary>Reports that the output waits to retry (null: it is not retrying).</summary>
    public void SetRetry(RetryState? state) => Volatile.Write(ref _retry, state);

    /// <summary>Sets the bytes a tail input is behind the end of all its files together.</summary>
    public void SetLag(long bytes) =>
        (_lag ??= _registry.Gauge("tailship_tail_lag_bytes", "Bytes not yet read behind the end of the files a tail input watches.", _labels)).Set(bytes);

    /// <summary>
    /// Sets the lag of one file, exported with a <c>path</c> label only when <see cref="MetricsRegistry.PerFileMetrics"/>
    /// is on (otherwise it does nothing). Call <see cref="RemoveFile"/> when the file is no longer watched.
    /// </summary>
    public void SetFileLag(string path, long bytes)
    {
        if (_registry.PerFileMetrics)
        {
            _registry.Gauge("tailship_tail_file_lag_bytes", "Bytes not yet read behind the end of one file (only with per-file metrics on).", [.. _labels, ("path", path)]).Set(bytes);
        }
    }

    public void RemoveFile(string path) => _registry.Remove("tailship_tail_file_lag_bytes", [.. _labels, ("path", path)]);

    private void RegisterBufferGauges()
    {
        _registry.ObservedGauge("tailship_buffer_stage_length", "Chunks being filled in an output's buffer.", () => Buffer.StageLength, _labels);
        _registry.ObservedGauge("tailship_buffer_queue_length", "Chunks queued for delivery in an output's buffer.", () => Buffer.QueueLength, _labels);
        _registry.ObservedGauge("tailship_buffer_total_bytes", "Bytes held in an output's buffer (staged and queued).", () => Buffer.TotalBytes, _labels);
        _registry.ObservedGauge("tailship_buffer_limit_bytes", "Size limit of an output's buffer (total_limit_size).", () => Buffer.TotalLimitBytes, _labels);
        _registry.ObservedGauge("tailship_buffer_oldest_unsent_age_seconds", "Age of the oldest event in an output's buffer not yet delivered (0 when empty).", OldestUnsentAgeSeconds, _labels);
    }

    private double OldestUnsentAgeSeconds()
    {
        var oldest = Buffer.OldestUnsent;
        return oldest is null ? 0 : Math.Max(0, (_registry.Time.GetUtcNow() - oldest.Value).TotalSeconds);
    }
}
