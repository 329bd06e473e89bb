using System.Buffers;
using Tailship.Config;
using Tailship.Events;
using Tailship.Formatters.Json;
using Tailship.Plugins;
using Tailship.Text;

namespace Tailship.Formatters.OutFile;

internal sealed record OutFileOptions(bool OutputTime, bool OutputTag, byte[] Delimiter, TimeFormatOptions Time, byte[] Newline);

/// <summary>
/// <c>@type out_file</c>: <c>TIME&lt;TAB&gt;TAG&lt;TAB&gt;JSON\n</c>, the default of out_file and of the S3
/// output's text. The time is ISO 8601 with whole seconds and a numeric offset (<c>+00:00</c> under TZ=UTC,
/// <c>Z</c> only with <c>utc true</c>); <c>output_time false</c> / <c>output_tag false</c> drop a field with its
/// delimiter. Formatting an event allocates nothing: the leading time and tag are built once per second and tag.
/// </summary>
internal sealed class OutFileFormatter : IFormatter
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<OutFileOptions>(
        new PluginSpec(PluginKind.Formatter, "out_file", new SectionSpec("format", "Time, tag and the record as JSON, separated by a delimiter, one event per line.")
        {
            Params =
            [
                ParamSpec.Bool("output_time", true, "Writes the event time as the first field."),
                ParamSpec.Bool("output_tag", true, "Writes the tag as a field."),
                ParamSpec.String("delimiter", "TAB", "Between the fields: TAB, SPACE, COMMA, or the text given."),
                .. FormatterParams.Time("string"),
                FormatterParams.Newline,
            ],
        }),
        validate: Validate,
        build: (options, _) => new OutFileFormatter(options, TimeZones.Local()));

    private readonly OutFileOptions _options;
    private readonly EventTimeWriter _time;

    // Replaced whole (never mutated), so concurrent formatting needs no lock.
    private volatile HeaderEntry? _header;

    public OutFileFormatter(OutFileOptions options, TimeZoneSpec localZone)
    {
        _options = options;
        _time = new EventTimeWriter(options.Time, localZone);
    }

    public void Format(string tag, EventTime time, Record record, IBufferWriter<byte> output)
    {
        if (_time.IsPerSecond)
        {
            // "TIME<d>TAG<d>" is the same for every event of one tag within one second: build it once.
            var header = _header;
            var seconds = time.Seconds;
            if (header is null || header.Seconds != seconds || !ReferenceEquals(header.Tag, tag) && header.Tag != tag)
            {
                header = new HeaderEntry(seconds, tag, BuildHeader(tag, time));
                _header = header;
            }

            YajlWriter.WriteLine(header.Bytes, record, _options.Newline, output);
            return;
        }

        WriteHeader(tag, time, output);
        YajlWriter.WriteLine(default, record, _options.Newline, output);
    }

    private byte[] BuildHeader(string tag, EventTime time)
    {
        var max = _time.MaxLength + (2 * _options.Delimiter.Length) + System.Text.Encoding.UTF8.GetMaxByteCount(tag.Length);
        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var n = 0;
            if (_options.OutputTime)
            {
                n += _time.Write(time, rented);
                _options.Delimiter.CopyTo(rented, n);
                n += _options.Delimiter.Length;
            }

            if (_options.OutputTag)
            {
                n += System.Text.Encoding.UTF8.GetBytes(tag, rented.AsSpan(n));
                _options.Delimiter.CopyTo(rented, n);
                n += _options.Delimiter.Length;
            }

            return rented.AsSpan(0, n).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void WriteHeader(string tag, EventTime time, IBufferWriter<byte> output)
    {
        if (_options.OutputTime)
        {
            _time.Write(time, output);
            output.Write(_options.Delimiter);
        }

        if (_options.OutputTag)
        {
            output.WriteUtf8(tag);
            output.Write(_options.Delimiter);
        }
    }

    /// <summary>Fluentd's keywords TAB, SPACE and COMMA (any case); any other text is used as it is written.</summary>
    public static byte[] ParseDelimiter(string value) => value.ToUpperInvariant() switch
    {
        "TAB" or "\\T" => "\t"u8.ToArray(),
        "SPACE" => " "u8.ToArray(),
        "COMMA" => ","u8.ToArray(),
        _ => System.Text.Encoding.UTF8.GetBytes(value),
    };

    private static OutFileOptions? Validate(SectionConfig config, DiagnosticBag diagnostics)
    {
        var time = FormatterParams.BindTime(config, diagnostics);
        var delimiter = config.GetString("delimiter") ?? "TAB";
        if (delimiter.Length == 0)
        {
            diagnostics.Error(config.LocationOf("delimiter"), "parameter 'delimiter' is empty: use TAB, SPACE, COMMA or some text");
            return null;
        }

        return time is null ? null : new OutFileOptions(
            config.GetBool("output_time"),
            config.GetBool("output_tag"),
            ParseDelimiter(delimiter),
            time,
            FormatterParams.NewlineBytes(config));
    }

    private sealed record HeaderEntry(long Seconds, string Tag, byte[] Bytes);
}
