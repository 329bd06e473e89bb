using System.Diagnostics;
using System.IO.Compression;
using ZstdSharp;

namespace Tailship.Outputs.S3;

/// <summary>
/// <c>store_as</c>: how a chunk's bytes become an object's, with the object's file extension and content type.
/// Compression is streamed: the chunk is read and the object written in small pieces.
/// </summary>
internal sealed class S3StoreAs
{
    private S3StoreAs(string name, string extension, string contentType, string? tool, int level, IReadOnlyList<string>? toolArguments = null)
    {
        Name = name;
        FileExtension = extension;
        ContentType = contentType;
        Tool = tool;
        Level = level;
        ToolArguments = toolArguments ?? [];
    }

    public string Name { get; }

    public string FileExtension { get; }

    public string ContentType { get; }

    /// <summary>The external command for lzo and lzma2 (as fluent-plugin-s3 uses: lzop, xz).</summary>
    public string? Tool { get; }

    /// <summary>The tool's options (<c>command_parameter</c>, else fluent-plugin-s3's default), before <c>-c</c>.</summary>
    public IReadOnlyList<string> ToolArguments { get; }

    public int Level { get; }

    /// <summary>A configuration warning (options of <c>gzip_command</c> that have no in-process meaning), or null.</summary>
    public string? Warning { get; private init; }

    /// <summary>The encoding named by <c>store_as</c>, or an error message saying why it cannot be used.</summary>
    /// <remarks>
    /// <c>commandParameter</c> is fluent-plugin-s3's <c>command_parameter</c>: options of lzop / xz (defaults <c>-qf1</c> / <c>-qf0</c>, as there);
    /// for <c>gzip_command</c>, a level option (<c>-1</c> to <c>-9</c>, <c>--fast</c>, <c>--best</c>).
    /// </remarks>
    public static S3StoreAs? Create(string name, int gzipLevel, int zstdLevel, string? commandParameter, Func<string, string?> findTool, out string? error)
    {
        error = null;
        switch (name)
        {
            case "gzip":
                return new S3StoreAs(name, "gz", "application/x-gzip", null, gzipLevel);
            case "gzip_command":
                // fluent-plugin-s3 pipes the chunk through the gzip command (falling back to its own zlib on failure);
                // the object is the same gzip stream either way, so it is made in-process here: no process per chunk.
                return GzipCommand(gzipLevel, commandParameter, out error);
            case "text":
                return new S3StoreAs(name, "txt", "text/plain", null, 0);
            case "json":
                return new S3StoreAs(name, "json", "application/json", null, 0);
            case "zstd":
                return new S3StoreAs(name, "zst", "application/x-zst", null, zstdLevel);
            case "lzo" or "lzma2":
                var command = name == "lzo" ? "lzop" : "xz";
                if (!S3ToolArguments.TryParse(command, commandParameter ?? (name == "lzo" ? "-qf1" : "-qf0"), out var arguments, out error))
                {
                    return null;
                }

                var path = findTool(command);
                if (path is null)
                {
                    error = $"store_as {name} needs the '{command}' command, which is not in PATH; install it or use store_as gzip or zstd";
                    return null;
                }

                return name == "lzo"
                    ? new S3StoreAs(name, "lzo", "application/x-lzop", path, 0, arguments)
                    : new S3StoreAs(name, "xz", "application/x-xz", path, 0, arguments);
            case "parquet":
                error = "store_as parquet is not implemented yet; use store_as gzip or zstd";
                return null;
            default:
                error = $"unknown store_as '{name}'";
                return null;
        }
    }

    private static S3StoreAs? GzipCommand(int level, string? commandParameter, out string? error)
    {
        error = null;
        var ignored = new List<string>();
        foreach (var option in (commandParameter ?? string.Empty).Split(' ', '\t'))
        {
            switch (option)
            {
                case "":
                    break;
                case "--fast":
                    level = 1;
                    break;
                case "--best":
                    level = 9;
                    break;
                case ['-', >= '1' and <= '9']:
                    level = option[1] - '0';
                    break;
                default:
                    ignored.Add(option);
                    break;
            }
        }

        return new S3StoreAs("gzip", "gz", "application/x-gzip", null, level)
        {
            Warning = ignored.Count == 0 ? null
                : $"store_as gzip_command compresses in-process (no gzip command is run): command_parameter options other than a level are ignored: {string.Join(' ', ignored)}",
        };
    }

    /// <summary>Finds a command in PATH.</summary>
    public static string? FindInPath(string command)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, command);
            if (System.IO.File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Writes <paramref name="input"/> encoded into <paramref name="output"/> (left open).</summary>
    public async Task EncodeAsync(Stream input, Stream output, CancellationToken cancellationToken)
    {
        switch (Name)
        {
            case "gzip":
                var gzip = new GZipStream(output, new ZLibCompressionOptions { CompressionLevel = Level }, leaveOpen: true);
                await using (gzip.ConfigureAwait(false))
                {
                    await input.CopyToAsync(gzip, 81920, cancellationToken).ConfigureAwait(false);
                }

                break;
            case "zstd":
                var zstd = new CompressionStream(output, Level, leaveOpen: true);
                await using (zstd.ConfigureAwait(false))
                {
                    await input.CopyToAsync(zstd, 81920, cancellationToken).ConfigureAwait(false);
                }

                break;
            case "lzo" or "lzma2":
                await RunToolAsync(input, output, cancellationToken).ConfigureAwait(false);
                break;
            default:
                if (output is S3ObjectWriter writer)
                {
                    await FillAsync(input, writer, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await input.CopyToAsync(output, 81920, cancellationToken).ConfigureAwait(false);
                }

                break;
        }
    }

    /// <summary>
    /// Text and json, unencoded: the chunk is read straight into the object's part buffer, not through a copy
    /// buffer, so each byte is copied once on its way from the chunk file to the request body.
    /// </summary>
    private static async Task FillAsync(Stream input, S3ObjectWriter writer, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await input.ReadAsync(writer.GetFreeMemory(), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            await writer.AdvanceAsync(read, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Pipes the chunk through lzop / xz (no shell: the options are separate arguments). A non-zero exit fails the
    /// upload with the tool's exit code and message (the chunk is kept and retried), where fluent-plugin-s3 uploads
    /// whatever the tool wrote.
    /// </summary>
    private async Task RunToolAsync(Stream input, Stream output, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Tool!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in ToolArguments)
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add("-c"); // stdin to stdout, whatever the options

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Tool}");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var feed = Task.Run(
            async () =>
            {
                await using var stdin = process.StandardInput.BaseStream;
                await input.CopyToAsync(stdin, 81920, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
        await process.StandardOutput.BaseStream.CopyToAsync(output, 81920, cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            // The tool may have quit before reading all its input: the feed then fails with a broken pipe, which
            // the exit code explains better.
            try
            {
                await feed.ConfigureAwait(false);
            }
            catch (IOException)
            {
                // Reported below through the exit code.
            }

            throw new InvalidOperationException($"store_as {Name}: {Tool} {string.Join(' ', start.ArgumentList)} exited with code {process.ExitCode}: {(await stderr.ConfigureAwait(false)).Trim()}");
        }

        await feed.ConfigureAwait(false);
    }
}
