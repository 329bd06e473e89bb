using System.Buffers;
using System.Text;
using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Formatters.Csv;

/// <summary>A field to write: a top-level key, or a path into nested maps (<c>$.a.b</c>).</summary>
internal sealed record CsvField(string Key, IReadOnlyList<string>? Path);

internal sealed record CsvFormatterOptions(IReadOnlyList<CsvField> Fields, byte[] Delimiter, bool ForceQuotes, byte[] LineEnding);

/// <summary>
/// <c>@type csv</c>: the values of <c>fields</c> as one CSV line, as Ruby's CSV writes it. With
/// <c>force_quotes</c> (the default) every value is quoted, nil as <c>""</c>; without it a value is quoted only when
/// it is empty or holds the delimiter, a quote, CR or LF, and nil is left empty. Quotes inside are doubled.
/// </summary>
internal sealed class CsvFormatter : IFormatter
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<CsvFormatterOptions>(
        new PluginSpec(PluginKind.Formatter, "csv", new SectionSpec("format", "Selected fields as one CSV line per event.")
        {
            Params =
            [
                new ParamSpec("fields", ParamType.Array, "The fields to write, in order: keys, or $.a.b for nested values.") { Required = true },
                ParamSpec.String("delimiter", ",", "Between values; TAB or \\t for a tab."),
                ParamSpec.Bool("force_quotes", true, "Quotes every value; when false only values that need it are quoted."),
                FormatterParams.AddNewline,
                FormatterParams.Newline,
            ],
        }),
        validate: Validate,
        build: (options, _) => new CsvFormatter(options));

    private readonly CsvFormatterOptions _options;

    public CsvFormatter(CsvFormatterOptions options)
    {
        _options = options;
    }

    public void Format(string tag, EventTime time, Record record, IBufferWriter<byte> output)
    {
        var fields = _options.Fields;
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                output.Write(_options.Delimiter);
            }

            var field = fields[i];
            var found = field.Path is null ? record.TryGetValue(field.Key, out var value) : record.TryGetPath(field.Path, out value);
            WriteValue(found ? value : RecordValue.Null, output);
        }

        output.Write(_options.LineEnding);
    }

    private void WriteValue(in RecordValue value, IBufferWriter<byte> output)
    {
        if (value.IsNull)
        {
            if (_options.ForceQuotes)
            {
                output.Write("\"\""u8);
            }

            return;
        }

        if (value.IsUtf8Bytes)
        {
            WriteField(value.Utf8, output);
            return;
        }

        if (value.Kind == RecordValueKind.String)
        {
            var s = value.AsString!;
            var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(s.Length));
            try
            {
                WriteField(rented.AsSpan(0, Encoding.UTF8.GetBytes(s, rented)), output);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }

            return;
        }

        var scratch = new ArrayBufferWriter<byte>(64);
        RubyText.WriteToS(value, scratch);
        WriteField(scratch.WrittenSpan, output);
    }

    private void WriteField(ReadOnlySpan<byte> text, IBufferWriter<byte> output)
    {
        if (!_options.ForceQuotes && !text.IsEmpty && !NeedsQuotes(text))
        {
            output.Write(text);
            return;
        }

        output.WriteByte((byte)'"');
        int i;
        while ((i = text.IndexOf((byte)'"')) >= 0)
        {
            output.Write(text[..(i + 1)]);
            output.WriteByte((byte)'"');
            text = text[(i + 1)..];
        }

        output.Write(text);
        output.WriteByte((byte)'"');
    }

    // Ruby's CSV quotes a field holding CR, LF, the quote or any character of the column separator.
    private bool NeedsQuotes(ReadOnlySpan<byte> text) =>
        text.IndexOfAny("\r\n\""u8) >= 0 || text.IndexOfAny(_options.Delimiter) >= 0;

    private static CsvFormatterOptions? Validate(SectionConfig config, DiagnosticBag diagnostics)
    {
        var fields = config.GetArray("fields").Where(f => f.Length > 0).ToArray();
        if (fields.Length == 0)
        {
            diagnostics.Error(config.LocationOf("fields"), "parameter 'fields' names no field: list the fields to write, e.g. fields host,method");
            return null;
        }

        var delimiter = config.GetString("delimiter") ?? ",";
        if (delimiter is "\\t" or "TAB")
        {
            delimiter = "\t";
        }

        if (delimiter.Length == 0)
        {
            diagnostics.Error(config.LocationOf("delimiter"), "parameter 'delimiter' is empty");
            return null;
        }

        return new CsvFormatterOptions(
            [.. fields.Select(f => f.StartsWith("$.", StringComparison.Ordinal) ? new CsvField(f, f[2..].Split('.')) : new CsvField(f, null))],
            Encoding.UTF8.GetBytes(delimiter),
            config.GetBool("force_quotes"),
            FormatterParams.LineEnding(config));
    }
}
