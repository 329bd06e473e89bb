using System.Buffers;
using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Formatters.SingleValue;

internal sealed record SingleValueFormatterOptions(string MessageKey, byte[] LineEnding);

/// <summary>
/// <c>@type single_value</c>: one field's value as Ruby's <c>to_s</c> shows it (nothing when the field is absent),
/// then a newline. Byte-held values are copied unchanged.
/// </summary>
internal sealed class SingleValueFormatter : IFormatter
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<SingleValueFormatterOptions>(
        new PluginSpec(PluginKind.Formatter, "single_value", new SectionSpec("format", "The value of one field, one event per line.")
        {
            Params =
            [
                ParamSpec.String("message_key", "message", "The field whose value is written."),
                FormatterParams.AddNewline,
                FormatterParams.Newline,
            ],
        }),
        validate: (config, _) => new SingleValueFormatterOptions(config.GetString("message_key") ?? "message", FormatterParams.LineEnding(config)),
        build: (options, _) => new SingleValueFormatter(options));

    private readonly SingleValueFormatterOptions _options;

    public SingleValueFormatter(SingleValueFormatterOptions options)
    {
        _options = options;
    }

    public void Format(string tag, EventTime time, Record record, IBufferWriter<byte> output)
    {
        if (record.TryGetValue(_options.MessageKey, out var value))
        {
            RubyText.WriteToS(value, output);
        }

        output.Write(_options.LineEnding);
    }
}
