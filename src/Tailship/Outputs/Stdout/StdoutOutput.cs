using System.Buffers;
using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Outputs.Stdout;

/// <summary>The validated configuration of <c>@type stdout</c>: the bound <c>&lt;format&gt;</c>.</summary>
public sealed record StdoutOptions(SectionConfig Format);

/// <summary>
/// <c>@type stdout</c>: writes each event to standard output as it arrives (Fluentd's out_stdout is unbuffered by
/// default), formatted by its <c>&lt;format&gt;</c> (default <c>stdout</c>: <c>TIME TAG: JSON</c>), one line per
/// event: whatever line ending the formatter wrote is replaced by one <c>\n</c>, as Fluentd's <c>chomp + "\n"</c>.
/// </summary>
internal sealed class StdoutOutput : IOutput, IDisposable
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<StdoutOptions>(
        new PluginSpec(PluginKind.Output, "stdout", new SectionSpec("match", "Writes events to standard output, for debugging.")
        {
            Params = [.. InjectCompatParams()],
            Sections =
            [
                new SectionSpec("format", "How each event is written (default @type stdout).") { PluginKind = PluginKind.Formatter, DefaultType = "stdout" },
                new SectionSpec("buffer", "Fluentd's buffering of stdout output.") { Implemented = false },
                new SectionSpec("inject", "Fluentd's injection of time and tag into records.") { Implemented = false },
            ],
        }),
        validate: (cfg, _) => new StdoutOptions(cfg.GetSection("format") ?? throw new InvalidOperationException("<format> is added before binding")),
        build: (options, context) => new StdoutOutput(context.CreateNested<IFormatter>(options.Format), Console.OpenStandardOutput()),
        normalize: OutputCompat.EnsureFormat);

    private readonly IFormatter _formatter;
    private readonly Stream _stdout;
    private readonly SemaphoreSlim _gate = new(1, 1);

    // Owned by the holder of _gate.
    private readonly ArrayBufferWriter<byte> _line = new(256);
    private readonly ArrayBufferWriter<byte> _output = new(4096);

    public StdoutOutput(IFormatter formatter, Stream stdout)
    {
        _formatter = formatter;
        _stdout = stdout;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask EmitAsync(string tag, EventBatch batch, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _output.ResetWrittenCount();
            foreach (var e in batch.AsSpan())
            {
                _line.ResetWrittenCount();
                _formatter.Format(tag, e.Time, e.Record, _line);
                _output.Write(Chomp(_line.WrittenSpan));
                _output.Write("\n"u8);
            }

            await _stdout.WriteAsync(_output.WrittenMemory, cancellationToken).ConfigureAwait(false);
            await _stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => _stdout.FlushAsync(cancellationToken);

    public void Dispose() => _gate.Dispose();

    /// <summary>Ruby's <c>String#chomp</c>: drops one trailing <c>\r\n</c>, <c>\n</c> or <c>\r</c>.</summary>
    internal static ReadOnlySpan<byte> Chomp(ReadOnlySpan<byte> line)
    {
        if (line.EndsWith("\r\n"u8))
        {
            return line[..^2];
        }

        return line.Length > 0 && line[^1] is (byte)'\n' or (byte)'\r' ? line[..^1] : line;
    }

    /// <summary>v0.12 parameters that Fluentd turns into an <c>&lt;inject&gt;</c> section, which Tailship lacks yet.</summary>
    internal static IEnumerable<ParamSpec> InjectCompatParams() =>
    [
        ParamSpec.NotImplemented("include_time_key", "v0.12: adds the event time to the record (Fluentd's <inject>)."),
        ParamSpec.NotImplemented("include_tag_key", "v0.12: adds the tag to the record (Fluentd's <inject>)."),
        ParamSpec.NotImplemented("time_key", "v0.12: the key of the injected time (Fluentd's <inject>)."),
        ParamSpec.NotImplemented("tag_key", "v0.12: the key of the injected tag (Fluentd's <inject>)."),
        ParamSpec.NotImplemented("time_format", "v0.12: the format of the injected time (Fluentd's <inject>)."),
        ParamSpec.NotImplemented("time_as_epoch", "v0.12: injects the time as unix seconds (Fluentd's <inject>)."),
    ];
}
