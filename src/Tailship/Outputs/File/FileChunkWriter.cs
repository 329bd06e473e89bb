using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using Microsoft.Extensions.Logging;
using Tailship.Buffers;
using Tailship.Events;
using Tailship.Plugins;
using Tailship.Text;

namespace Tailship.Outputs.File;

/// <summary>
/// Writes one buffer chunk to its out_file file. The buffer retries a failed write and may write a chunk again after
/// a restart (same chunk id), so each write is made idempotent where it can be:
/// <list type="bullet">
/// <item>Without <c>append</c> the chunk's file (first free <c>_N</c>, created exclusively) is stored as a chunk
/// annotation before any data is written; a repeated write rewrites that same file from the start.</item>
/// <item>With <c>append</c> the file's length before the append is stored; a repeated write whose bytes are already
/// there after that offset (text only) is skipped, otherwise it is appended again (at least once).</item>
/// </list>
/// </summary>
internal sealed partial class FileChunkWriter : IBufferedOutput
{
    private const string FileAnnotation = "out_file.path";
    private const string OffsetAnnotation = "out_file.offset";

    private readonly FileOutputOptions _options;
    private readonly IFormatter _formatter;
    private readonly TimeZoneSpec _zone;
    private readonly ILogger _logger;
    private readonly Lock _pickLock = new(); // flush threads pick free _N names one at a time

    public FileChunkWriter(FileOutputOptions options, IFormatter formatter, TimeProvider time, ILogger logger)
    {
        _options = options;
        _formatter = formatter;
        _logger = logger;
        _zone = options.ZoneSet ? TimeZoneSpec.FromTimeZoneInfo(options.Buffer.Zone) : LocalZone.Of(time);
    }

    public void Format(string tag, EventTime time, Events.Record record, IBufferWriter<byte> output) =>
        _formatter.Format(tag, time, record, output);

    public async Task WriteAsync(IChunk chunk, CancellationToken cancellationToken)
    {
        var expanded = _options.Template.Expand(chunk.Metadata.TimeKey, chunk.Metadata.Tag, _zone);
        try
        {
            CreateDirectory(expanded);
            var path = _options.Template.HasIndex
                ? await WriteOwnFileAsync(chunk, expanded, cancellationToken).ConfigureAwait(false)
                : await AppendAsync(chunk, expanded, cancellationToken).ConfigureAwait(false);
            LogWritten(_logger, chunk.RecordCount, chunk.ByteSize, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(_logger, chunk.RecordCount, expanded, ex);
            throw;
        }
    }

    private async Task<string> WriteOwnFileAsync(IChunk chunk, string expanded, CancellationToken cancellationToken)
    {
        if (chunk.GetAnnotation(FileAnnotation) is { } known)
        {
            // Written (or begun) before: the same file again, from its start.
            await WriteDataAsync(chunk, new FileStream(known, FileOptionsFor(FileMode.Create)), cancellationToken).ConfigureAwait(false);
            return known;
        }

        var (stream, path) = CreateFree(expanded);
        try
        {
            await chunk.SetAnnotationAsync(FileAnnotation, path, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await WriteDataAsync(chunk, stream, cancellationToken).ConfigureAwait(false);
        return path;
    }

    private async Task<string> AppendAsync(IChunk chunk, string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileOptionsFor(FileMode.Append));
        if (chunk.GetAnnotation(OffsetAnnotation) is { } text && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            && !_options.Gzip && AlreadyThere(chunk, path, offset))
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            return path;
        }

        try
        {
            await chunk.SetAnnotationAsync(OffsetAnnotation, stream.Length.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await WriteDataAsync(chunk, stream, cancellationToken).ConfigureAwait(false);
        return path;
    }

    // True when the file holds exactly the chunk's bytes from offset on (the earlier write completed).
    private static bool AlreadyThere(IChunk chunk, string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (file.Length < offset + chunk.ByteSize)
        {
            return false;
        }

        file.Position = offset;
        using var data = chunk.OpenRead();
        var a = new byte[81920];
        var b = new byte[81920];
        int n;
        while ((n = data.Read(a)) > 0)
        {
            file.ReadExactly(b, 0, n);
            if (!a.AsSpan(0, n).SequenceEqual(b.AsSpan(0, n)))
            {
                return false;
            }
        }

        return true;
    }

    private async Task WriteDataAsync(IChunk chunk, FileStream stream, CancellationToken cancellationToken)
    {
        await using (stream.ConfigureAwait(false))
        {
            var data = chunk.OpenRead();
            await using (data.ConfigureAwait(false))
            {
                if (_options.Gzip)
                {
                    var gzip = new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true);
                    await using (gzip.ConfigureAwait(false))
                    {
                        await data.CopyToAsync(gzip, cancellationToken).ConfigureAwait(false);
                    }
                }
                else
                {
                    await data.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
                }
            }

            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void CreateDirectory(string expanded)
    {
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
    }

    // The first index whose file does not exist, created exclusively so that two writers never share a name.
    private (FileStream Stream, string Path) CreateFree(string expanded)
    {
        lock (_pickLock)
        {
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
    private static partial void LogWritten(ILogger logger, long events, long bytes, string path);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "could not write {Events} events to {Path}; the buffer retries")]
    private static partial void LogWriteFailed(ILogger logger, long events, string path, Exception error);
}
