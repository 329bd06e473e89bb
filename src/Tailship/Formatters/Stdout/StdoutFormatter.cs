using System.Buffers;
using Tailship.Config;
using Tailship.Events;
using Tailship.Formatters.Json;
using Tailship.Plugins;
using Tailship.Text;

namespace Tailship.Formatters.Stdout;

internal sealed record StdoutFormatterOptions(bool Hash);

/// <summary>
/// <c>@type stdout</c>, the layout of Fluentd's out_stdout: <c>2024-01-01 10:00:00.000000000 +0000 tag: {"k":"v"}\n</c>.
/// The time is always in the local zone with nanoseconds; the record is JSON or, with <c>output_type hash</c>, a Ruby hash.
/// </summary>
internal sealed class StdoutFormatter : IFormatter
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<StdoutFormatterOptions>(
        new PluginSpec(PluginKind.Formatter, "stdout", new SectionSpec("format", "Local time with nanoseconds, the tag and the record, one event per line.")
        {
            Params =
            [
                ParamSpec.Enum("output_type", "json", ["json", "hash"], "How the record is written: json, or hash (Ruby's Hash#inspect)."),
                ParamSpec.String("json_parser", "oj", "Fluentd's JSON library; accepted for compatibility, the output is the same."),
            ],
        }),
        validate: (config, _) => new StdoutFormatterOptions(config.GetString("output_type") == "hash"),
        build: (options, _) => new StdoutFormatter(options, TimeZones.Local()));

    private static readonly Strftime TimeFormat = Strftime.Compile("%Y-%m-%d %H:%M:%S.%N %z");

    private readonly bool _hash;
    private readonly TimeZoneSpec _zone;

    public StdoutFormatter(StdoutFormatterOptions options, TimeZoneSpec localZone)
    {
        _hash = options.Hash;
        _zone = localZone;
    }

    public void Format(string tag, EventTime time, Record record, IBufferWriter<byte> output)
    {
        TimeFormat.Format(CivilTime.From(time, _zone), output);
        output.WriteByte((byte)' ');
        output.WriteUtf8(tag);
        output.Write(": "u8);
        if (_hash)
        {
            RubyText.WriteHashInspect(record, output);
        }
        else
        {
            YajlWriter.WriteRecord(record, output);
        }

        output.WriteByte((byte)'\n');
    }
}
