using System.Buffers;
using System.IO.Compression;
using Microsoft.Extensions.Logging;
using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;
using Tailship.Text;

namespace Tailship.Outputs.File;

/// <summary>
/// <c>@type file</c>, Fluentd's out_file: writes formatted events to files named from <c>path</c> (see
/// <see cref="FilePathTemplate"/>), one file per chunk without <c>append</c>, or appended to one file per time
/// slice with it; <c>compress gzip</c> writes each chunk as a gzip member.
/// <para>
/// Until Tailship has buffers, events are held in memory per chunk key (time slice of the event time and/or tag)
/// and written when the flush mode says so: <c>interval</c> (also what <c>default</c> means here, to keep memory
/// bounded) writes each chunk <c>flush_interval</c> after its first event, <c>lazy</c> after its slice ends plus
/// <c>timekey_wait</c> (Fluentd's default for time chunks, which then get one file per slice), <c>immediate</c> at
/// every emit; a chunk reaching <c>chunk_limit_size</c> is written at once, and everything is written at stop.
/// A failed write is kept and retried (1 s, doubling up to 5 min), in order; at stop a failure is thrown.
/// </para>
/// </summary>
internal sealed partial class FileOutput : IOutput, IDisposable
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<FileOutputOptions>(
        new PluginSpec(PluginKind.Output, "file", new SectionSpec("match", "Writes events to files, one per time slice (and tag).")
        {
            Params =
            [
                new ParamSpec("path", ParamType.String, "Path of the files: a time part and .log are added unless the path has them; may hold strftime placeholders, ${tag} and ${tag[N]} (with chunk key tag) and *.") { Required = true },
                ParamSpec.Bool("append", false, "Appends every chunk of a slice to one file; without it each chunk gets its own file, _0, _1, ..."),
                ParamSpec.Bool("add_path_suffix", true, "Adds path_suffix to the file name."),
                ParamSpec.String("path_suffix", ".log", "The suffix added to the file name."),
                ParamSpec.Enum("compress", "text", ["text", "gz", "gzip"], "gzip (or gz) compresses the files and adds .gz to their names."),
                ParamSpec.Bool("recompress", false, "Fluentd's recompression of compressed buffer chunks; Tailship's chunks are never compressed, so it changes nothing."),
                ParamSpec.String("file_permission", null, "Octal mode of new files (default 0644, less the umask)."),
                ParamSpec.String("dir_permission", null, "Octal mode of new directories (default 0755, less the umask)."),
                ParamSpec.String("time_slice_format", null, "v0.12: the time part of file names (e.g. %Y%m%d%H); also sets the timekey to its finest unit."),
                ParamSpec.NotImplemented("symlink_path", "A symlink to the file being buffered; needs Tailship's file buffer."),
                .. Stdout.StdoutOutput.InjectCompatParams(),
            ],
            Sections =
            [
                new SectionSpec("format", "How each event is written (default @type out_file).") { PluginKind = PluginKind.Formatter, DefaultType = "out_file" },
                FileBufferConfig.Spec,
                new SectionSpec("inject", "Fluentd's injection of time and tag into records.") { Implemented = false },
                new SectionSpec("secondary", "Fluentd's fallback output.") { Implemented = false },
            ],
        }),
        validate: FileOutputOptions.Validate,
        build: (options, context) => new FileOutput(options, context.CreateNested<IFormatter>(options.Format), context.Time, context.CreateLogger("Tailship.Outputs.File")),
        normalize: (section, diagnostics) =>
        {
            OutputCompat.ConvertBuffer(section, "time", diagnostics);
            OutputCompat.EnsureFormat(section, diagnostics);
        });

    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryWait = TimeSpan.FromMinutes(5);

    private readonly FileOutputOptions _options;
    private readonly FileBufferConfig _buffer;
    private readonly IFormatter _formatter;
    private readonly TimeProvider _time;
    private readonly TimeZoneSpec _zone;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Lock _lock = new();

    // Guarded by _lock: the chunk being filled per key, the chunks waiting to be written (in order), a scratch buffer.
    private readonly Dictionary<(long Slice, string Tag), FileChunk> _open = [];
    private readonly List<FileChunk> _queue = [];
    private readonly ArrayBufferWriter<byte> _scratch = new(1024);
    private bool _stopped;

    private CancellationTokenSource? _stop;
    private Task? _loop;

    public FileOutput(FileOutputOptions options, IFormatter formatter, TimeProvider time, ILogger logger)
    {
        _options = options;
        _buffer = options.Buffer;
        _formatter = formatter;
        _time = time;
        _logger = logger;
        _zone = _buffer.TimekeyUseUtc ? TimeZoneSpec.Utc : _buffer.TimekeyZone ?? LocalZone.Of(time);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_loop is not null)
        {
            throw new InvalidOperationException("the file output is already started");
        }

        _stop = new CancellationTokenSource();
        var token = _stop.Token;
        _loop = Task.Run(() => RunAsync(token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async ValueTask EmitAsync(string tag, EventBatch batch, CancellationToken cancellationToken)
    {
        bool write;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            foreach (var e in batch.AsSpan())
            {
                Add(tag, e);
            }

            if (_buffer.FlushMode == FileFlushMode.Immediate)
            {
                _queue.AddRange(_open.Values.OrderBy(c => c.Created));
                _open.Clear();
            }

            write = _queue.Count > 0;
        }

        if (write)
        {
            await WriteQueueAsync(force: false, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stop is not null && _loop is not null)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The flush loop ends by cancellation.
            }
        }

        lock (_lock)
        {
            _stopped = true;
            _queue.AddRange(_open.Values.OrderBy(c => c.Created));
            _open.Clear();
        }

        await WriteQueueAsync(force: true, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _stop?.Dispose();
        _writeGate.Dispose();
    }

    /// <summary>Writes the chunks that are due now; the flush loop calls it every second.</summary>
    internal async Task FlushDueAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        bool write;
        lock (_lock)
        {
            foreach (var (key, chunk) in _open.OrderBy(kv => kv.Value.Created).ToList())
            {
                if (IsDue(chunk, now))
                {
                    _open.Remove(key);
                    _queue.Add(chunk);
                }
            }

            write = _queue.Count > 0;
        }

        if (write)
        {
            await WriteQueueAsync(force: false, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            await Task.Delay(Tick, _time, token).ConfigureAwait(false);
            try
            {
                await FlushDueAsync(token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The loop's boundary: an unexpected failure is logged and the next tick tries again.
                LogFlushFailed(_logger, ex);
            }
        }
    }

    private bool IsDue(FileChunk chunk, DateTimeOffset now) => _buffer.FlushMode switch
    {
        FileFlushMode.Interval => chunk.Created + _buffer.FlushInterval <= now,
        FileFlushMode.Lazy => chunk.SliceStart is { } s && DateTimeOffset.FromUnixTimeSeconds(s + _buffer.Timekey) + _buffer.TimekeyWait <= now,
        _ => true,
    };

    // Called under _lock. Formats one event into the chunk of its key, starting a new chunk when it would pass the size limit.
    private void Add(string tag, in Event e)
    {
        long? slice = _buffer.ChunkKeyTime ? SliceStart(e.Time.Seconds) : null;
        var chunkTag = _buffer.ChunkKeyTag ? tag : null;
        var key = (slice ?? long.MinValue, chunkTag ?? string.Empty);
        _scratch.ResetWrittenCount();
        _formatter.Format(tag, e.Time, e.Record, _scratch);
        if (_open.TryGetValue(key, out var chunk) && chunk.Data.WrittenCount + _scratch.WrittenCount > _buffer.ChunkLimitSize)
        {
            _queue.Add(chunk);
            _open.Remove(key);
            chunk = null;
        }

        if (chunk is null)
        {
            chunk = new FileChunk(slice, chunkTag, _time.GetUtcNow());
            _open[key] = chunk;
        }

        chunk.Data.Write(_scratch.WrittenSpan);
        chunk.Events++;
        if (chunk.Data.WrittenCount >= _buffer.ChunkLimitSize)
        {
            _queue.Add(chunk);
            _open.Remove(key);
        }
    }

    /// <summary>The start of the time slice holding <paramref name="seconds"/>, slices aligned in the timekey zone.</summary>
    private long SliceStart(long seconds)
    {
        var offset = _zone.GetOffsetSeconds(seconds);
        var timekey = _buffer.Timekey;
        return seconds - ((((seconds + offset) % timekey) + timekey) % timekey);
    }

    // Writes queued chunks in order. On a failure the chunk stays first in the queue and waits for its retry time;
    // with force (at stop) every chunk is tried now and a failure is thrown, since the events would be lost.
    private async Task WriteQueueAsync(bool force, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                FileChunk? next;
                var now = _time.GetUtcNow();
                lock (_lock)
                {
                    next = _queue.Count > 0 && (force || _queue[0].RetryAt <= now) ? _queue[0] : null;
                }

                if (next is null)
                {
                    return;
                }

                try
                {
                    var path = await WriteChunkAsync(next, cancellationToken).ConfigureAwait(false);
                    LogWritten(_logger, next.Events, next.Data.WrittenCount, path);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    next.Failures++;
                    var wait = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, next.Failures - 1), MaxRetryWait.TotalSeconds));
                    next.RetryAt = now + wait;
                    var target = _options.Template.Expand(next.SliceStart, next.Tag, _zone);
                    if (force)
                    {
                        LogLost(_logger, next.Events, target, ex);
                        throw;
                    }

                    LogWriteFailed(_logger, next.Events, target, wait, ex);
                    return;
                }

                lock (_lock)
                {
                    _queue.RemoveAt(0);
                }
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task<string> WriteChunkAsync(FileChunk chunk, CancellationToken cancellationToken)
    {
        var expanded = _options.Template.Expand(chunk.SliceStart, chunk.Tag, _zone);
        if (Path.GetDirectoryName(expanded) is { Length: > 0 } dir)
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(dir);
            }
            else
            {
                Directory.CreateDirectory(dir, _options.DirPermission);
            }
        }

        var (stream, path) = Open(expanded);
        await using (stream.ConfigureAwait(false))
        {
            if (_options.Gzip)
            {
                var gzip = new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true);
                await using (gzip.ConfigureAwait(false))
                {
                    await gzip.WriteAsync(chunk.Data.WrittenMemory, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                await stream.WriteAsync(chunk.Data.WrittenMemory, cancellationToken).ConfigureAwait(false);
            }

            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        return path;
    }

    // With append: the one file of the chunk. Without: the first index whose file does not exist, created
    // exclusively so that two writers can never share a name.
    private (FileStream Stream, string Path) Open(string expanded)
    {
        if (!_options.Template.HasIndex)
        {
            return (new FileStream(expanded, FileOptionsFor(FileMode.Append)), expanded);
        }

        for (var n = 0; ; n++)
        {
            var candidate = FilePathTemplate.WithIndex(expanded, n);
            if (System.IO.File.Exists(candidate))
            {
                continue;
            }

            try
            {
                return (new FileStream(candidate, FileOptionsFor(FileMode.CreateNew)), candidate);
            }
            catch (IOException) when (System.IO.File.Exists(candidate))
            {
                // Taken between the check and the create: try the next index.
            }
        }
    }

    private FileStreamOptions FileOptionsFor(FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = _options.FilePermission;
        }

        return options;
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "wrote {Events} events ({Bytes} bytes) to {Path}")]
    private static partial void LogWritten(ILogger logger, int events, int bytes, string path);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "could not write {Events} events to {Path}; retrying in {Wait}")]
    private static partial void LogWriteFailed(ILogger logger, int events, string path, TimeSpan wait, Exception error);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Error, Message = "the flush of out_file failed; retrying at the next tick")]
    private static partial void LogFlushFailed(ILogger logger, Exception error);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Error, Message = "could not write {Events} events to {Path} at stop; they are lost")]
    private static partial void LogLost(ILogger logger, int events, string path, Exception error);
}
