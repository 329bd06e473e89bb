using System.Buffers;
using System.IO.Compression;
using Tailship.Buffers;
using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Outputs.SecondaryFile;

/// <summary>Options of <c>@type secondary_file</c>.</summary>
public sealed record SecondaryFileOptions(string Directory, string Basename, bool Append, bool Gzip);

/// <summary>
/// <c>@type secondary_file</c> (Fluentd's out_secondary_file), used inside <c>&lt;secondary&gt;</c>: dumps a chunk the
/// primary could not deliver, as the primary formatted it, to <c>directory/basename.CHUNK_ID</c> (or appends to
/// <c>directory/basename</c>), with <c>.gz</c> when compressed. Buffer placeholders (<c>${tag}</c>...) are filled from
/// the chunk. The file is fsynced before the chunk is deleted from the buffer.
/// </summary>
internal sealed class SecondaryFileOutput : IBufferedOutput, IOutput
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<SecondaryFileOptions>(
        new PluginSpec(PluginKind.Output, "secondary_file", new SectionSpec("secondary", "Writes chunks the primary output could not deliver to files (only inside <secondary>).")
        {
            Params =
            [
                ParamSpec.String("directory", null, "Directory of the dump files; may hold buffer placeholders.") with { Required = true },
                ParamSpec.String("basename", "dump.bin", "File name; the chunk id is appended unless append is true."),
                ParamSpec.Bool("append", false, "Append every chunk to one file instead of one file per chunk."),
                ParamSpec.Enum("compress", "text", ["text", "gzip"], "Write the dump gzip-compressed (adds .gz)."),
            ],
        }),
        validate: (cfg, diags) =>
        {
            var basename = cfg.GetRequiredString("basename");
            if (basename.Contains('/', StringComparison.Ordinal))
            {
                diags.Error(cfg.LocationOf("basename"), "'basename' must not contain '/'; put directories in 'directory'");
                return null;
            }

            return new SecondaryFileOptions(cfg.GetRequiredString("directory"), basename, cfg.GetBool("append"), cfg.GetString("compress") == "gzip");
        },
        build: (options, _) => new SecondaryFileOutput(options));

    private readonly SecondaryFileOptions _options;
    private readonly Lock _appendLock = new();

    public SecondaryFileOutput(SecondaryFileOptions options)
    {
        _options = options;
    }

    /// <summary>Zone for strftime placeholders; the primary's buffer sets it.</summary>
    public TimeZoneInfo Zone { get; set; } = TimeZoneInfo.Local;

    public void Format(string tag, EventTime time, Record record, IBufferWriter<byte> output) =>
        throw new NotSupportedException("secondary_file writes chunks formatted by the primary output");

    public async Task WriteAsync(IChunk chunk, CancellationToken cancellationToken)
    {
        var directory = BufferPlaceholders.Expand(_options.Directory, chunk.Metadata, Zone);
        var name = BufferPlaceholders.Expand(_options.Basename, chunk.Metadata, Zone);
        var path = Path.Combine(directory, _options.Append ? name : $"{name}.{chunk.Id}") + (_options.Gzip ? ".gz" : string.Empty);
        Directory.CreateDirectory(directory);
        using var source = chunk.OpenRead();
        if (_options.Append)
        {
            // One writer at a time per file, so that chunks do not interleave.
            lock (_appendLock)
            {
                WriteTo(path, source, FileMode.Append);
            }

            return;
        }

        await Task.Run(() => WriteTo(path, source, FileMode.Create), cancellationToken).ConfigureAwait(false);
    }

    Task IOutput.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    ValueTask IOutput.EmitAsync(string tag, EventBatch batch, CancellationToken cancellationToken) =>
        throw new NotSupportedException("secondary_file can only be used inside <secondary>");

    Task IOutput.StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void WriteTo(string path, Stream source, FileMode mode)
    {
        using var file = new FileStream(path, mode, FileAccess.Write, FileShare.Read, bufferSize: 64 * 1024);
        if (_options.Gzip)
        {
            using var gz = new GZipStream(file, CompressionLevel.Fastest, leaveOpen: true);
            source.CopyTo(gz);
        }
        else
        {
            source.CopyTo(file);
        }

        file.Flush(flushToDisk: true);
    }
}
