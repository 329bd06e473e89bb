using System.Buffers;
using System.Text;
using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Formatters.Ltsv;

internal sealed record LtsvFormatterOptions(string DelimiterText, byte[] LabelDelimiter, byte[] Replacement, byte[] LineEnding)
{
    public byte[] Delimiter { get; } = Encoding.UTF8.GetBytes(DelimiterText);
}

/// <summary>
/// <c>@type ltsv</c>: <c>key:value&lt;TAB&gt;key:value\n</c>. Values are written as Ruby's <c>to_s</c> shows them,
/// with every delimiter inside a value replaced by <c>replacement</c> so that a line stays one record.
/// </summary>
internal sealed class LtsvFormatter : IFormatter
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<LtsvFormatterOptions>(
        new PluginSpec(PluginKind.Formatter, "ltsv", new SectionSpec("format", "Labeled tab-separated values (LTSV), one event per line.")
        {
            Params =
            [
                ParamSpec.String("delimiter", "\t", "Between fields."),
                ParamSpec.String("label_delimiter", ":", "Between a label and its value."),
                ParamSpec.String("replacement", " ", "Replaces the delimiter where it occurs inside a value."),
                FormatterParams.AddNewline,
                FormatterParams.Newline,
            ],
        }),
        validate: Validate,
        build: (options, _) => new LtsvFormatter(options));

    private readonly LtsvFormatterOptions _options;

    public LtsvFormatter(LtsvFormatterOptions options)
    {
        _options = options;
    }

    public void Format(string tag, EventTime time, Record record, IBufferWriter<byte> output)
    {
        for (var i = 0; i < record.Count; i++)
        {
            if (i > 0)
            {
                output.Write(_options.Delimiter);
            }

            output.WriteUtf8(record.KeyAt(i));
            output.Write(_options.LabelDelimiter);
            WriteValue(record.ValueAt(i), output);
        }

        output.Write(_options.LineEnding);
    }

    private void WriteValue(in RecordValue value, IBufferWriter<byte> output)
    {
        if (value.IsUtf8Bytes)
        {
            WriteReplacing(value.Utf8, output);
        }
        else if (value.Kind == RecordValueKind.String)
        {
            WriteReplacing(value.AsString!, output);
        }
        else
        {
            // Numbers, nil, arrays and maps: rare in LTSV output, rendered through a scratch buffer.
            var scratch = new ArrayBufferWriter<byte>(64);
            RubyText.WriteToS(value, scratch);
            WriteReplacing(scratch.WrittenSpan, output);
        }
    }

    private void WriteReplacing(ReadOnlySpan<byte> text, IBufferWriter<byte> output)
    {
        var delimiter = _options.Delimiter;
        int i;
        while ((i = text.IndexOf(delimiter)) >= 0)
        {
            output.Write(text[..i]);
            output.Write(_options.Replacement);
            text = text[(i + delimiter.Length)..];
        }

        output.Write(text);
    }

    private void WriteReplacing(ReadOnlySpan<char> text, IBufferWriter<byte> output)
    {
        var delimiter = _options.DelimiterText;
        int i;
        while ((i = text.IndexOf(delimiter, StringComparison.Ordinal)) >= 0)
        {
            output.WriteUtf8(text[..i]);
            output.Write(_options.Replacement);
            text = text[(i + delimiter.Length)..];
        }

        output.WriteUtf8(text);
    }

    private static LtsvFormatterOptions? Validate(SectionConfig config, DiagnosticBag diagnostics)
    {
        var delimiter = config.GetString("delimiter") ?? "\t";
        if (delimiter.Length == 0)
        {
            diagnostics.Error(config.LocationOf("delimiter"), "parameter 'delimiter' is empty");
            return null;
        }

        return new LtsvFormatterOptions(
            delimiter,
            Encoding.UTF8.GetBytes(config.GetString("label_delimiter") ?? ":"),
            Encoding.UTF8.GetBytes(config.GetString("replacement") ?? " "),
            FormatterParams.LineEnding(config));
    }
}
