using System.Buffers;
using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Formatters.Json;

internal sealed record JsonFormatterOptions(byte[] LineEnding);

/// <summary><c>@type json</c>: the record as one line of JSON, byte for byte what Fluentd's Yajl writes.</summary>
internal sealed class JsonFormatter : IFormatter
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<JsonFormatterOptions>(
        new PluginSpec(PluginKind.Formatter, "json", new SectionSpec("format", "The record as JSON, one event per line.")
        {
            Params =
            [
                ParamSpec.String("json_parser", "oj", "Fluentd's JSON library (oj, yajl or json); accepted for compatibility, the output is the same."),
                FormatterParams.AddNewline,
                FormatterParams.Newline,
            ],
        }),
        validate: (config, _) => new JsonFormatterOptions(FormatterParams.LineEnding(config)),
        build: (options, _) => new JsonFormatter(options));

    private readonly byte[] _lineEnding;

    public JsonFormatter(JsonFormatterOptions options)
    {
        _lineEnding = options.LineEnding;
    }

    public void Format(string tag, EventTime time, Record record, IBufferWriter<byte> output)
    {
        YajlWriter.WriteLine(default, record, _lineEnding, output);
    }
}
