using Tailship.Buffers;
using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Outputs.File;

/// <summary>
/// <c>@type file</c>, Fluentd's out_file: writes formatted events to files named from <c>path</c> (see
/// <see cref="FilePathTemplate"/>), one file per chunk without <c>append</c>, or appended to one file per time
/// slice with it; <c>compress gzip</c> writes each chunk as a gzip member. Events go through Tailship's buffer
/// (<see cref="BufferedOutputHost"/>, memory or file as <c>&lt;buffer&gt;</c> says); <see cref="FileChunkWriter"/>
/// writes each flushed chunk.
/// </summary>
internal sealed partial class FileOutput : IOutput, IAsyncDisposable
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
                ParamSpec.Bool("recompress", false, "Fluentd's recompression of compressed buffer chunks; the output always writes from uncompressed data, so it changes nothing."),
                ParamSpec.String("file_permission", null, "Octal mode of new files (default 0644, less the umask)."),
                ParamSpec.String("dir_permission", null, "Octal mode of new directories (default 0755, less the umask)."),
                ParamSpec.String("time_slice_format", null, "v0.12: the time part of file names (e.g. %Y%m%d%H); also sets the timekey to its finest unit."),
                ParamSpec.NotImplemented("symlink_path", "A symlink to the buffer chunk being filled (not yet)."),
                .. Stdout.StdoutOutput.InjectCompatParams(),
            ],
            Sections =
            [
                new SectionSpec("format", "How each event is written (default @type out_file).") { PluginKind = PluginKind.Formatter, DefaultType = "out_file" },
                BufferSection.Spec,
                BufferSection.SecondarySpec,
                new SectionSpec("inject", "Fluentd's injection of time and tag into records.") { Implemented = false },
            ],
        }),
        validate: FileOutputOptions.Validate,
        build: (options, context) => new FileOutput(options, context),
        normalize: (section, diagnostics) =>
        {
            BufferCompat.Apply(section, "time", diagnostics);
            DefaultChunkKeys(section);
            OutputCompat.EnsureFormat(section, diagnostics);
        });

    private readonly BufferedOutputHost _host;

    public FileOutput(FileOutputOptions options, PluginContext context)
    {
        Writer = new FileChunkWriter(options, context.CreateNested<IFormatter>(options.Format), context.Time, context.CreateLogger("Tailship.Outputs.File"));
        var buffer = options.ZoneSet ? options.Buffer : options.Buffer with { Zone = ReferenceEquals(context.Time, TimeProvider.System) ? TimeZoneInfo.Local : context.Time.LocalTimeZone };
        _host = BufferedOutputHost.Create(Writer, buffer, context, options.Secondary);
    }

    internal FileChunkWriter Writer { get; }

    internal BufferedOutputHost Host => _host;

    public Task StartAsync(CancellationToken cancellationToken) => _host.StartAsync(cancellationToken);

    public ValueTask EmitAsync(string tag, EventBatch batch, CancellationToken cancellationToken) => _host.EmitAsync(tag, batch, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => _host.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    // Fluentd's out_file declares chunk key time as its buffer default, so <buffer> without an argument means time.
    private static void DefaultChunkKeys(ConfigSection section)
    {
        var i = section.Sections.FindIndex(s => s.Name == "buffer" && s.Argument.Trim().Length == 0);
        if (i < 0)
        {
            return;
        }

        var old = section.Sections[i];
        var buffer = new ConfigSection("buffer", "time", old.Location);
        buffer.Params.AddRange(old.Params);
        buffer.Sections.AddRange(old.Sections);
        section.Sections[i] = buffer;
    }
}
