using System.Text;
using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Parsers.Csv;

internal sealed record CsvParserOptions(string[] Keys, byte[] Delimiter, ParserCore Core);

/// <summary>
/// <c>@type csv</c>: one CSV row per line (RFC 4180 quoting as Ruby's <c>CSV.parse_line</c>): values go to
/// <c>keys</c> in order, extra values are ignored, missing ones are null, an empty unquoted value is null and an
/// empty quoted one is <c>""</c>. A malformed row (a stray or unclosed quote) does not parse. <c>parser_engine</c>
/// (normal or fast) is accepted; both read the same here.
/// </summary>
internal sealed class CsvParser : IParser
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<CsvParserOptions>(
        ParserSpecs.Create(
            "csv",
            "Parses comma-separated values into the named keys.",
            [
                new ParamSpec("keys", ParamType.Array, "Field names, in column order.") { Required = true },
                ParamSpec.String("delimiter", ",", "Column separator."),
                ParamSpec.Enum("parser_engine", "normal", ["normal", "fast"], "Fluentd's CSV engine choice; accepted, both read the same here.") with { Aliases = ["parser_type"] },
            ],
            ParserCommon.Params()),
        validate: Validate,
        build: (options, _) => new CsvParser(options));

    private readonly CsvParserOptions _options;

    public CsvParser(CsvParserOptions options)
    {
        _options = options;
    }

    private static CsvParserOptions? Validate(SectionConfig cfg, DiagnosticBag diagnostics)
    {
        var delimiter = cfg.GetRequiredString("delimiter");
        if (delimiter.Length == 0 || delimiter.Contains('"', StringComparison.Ordinal))
        {
            diagnostics.Error(cfg.LocationOf("delimiter"), "the CSV delimiter must be non-empty and must not contain '\"'");
            return null;
        }

        var core = ParserCommon.Read(cfg, diagnostics);
        return core is null ? null : new CsvParserOptions([.. cfg.GetArray("keys")], Encoding.UTF8.GetBytes(delimiter), core);
    }

    public bool Parse(ReadOnlySpan<byte> text, EventTime readTime, Action<EventTime, Record> emit)
    {
        if (text.IsEmpty)
        {
            return false; // CSV.parse_line("") is nil.
        }

        var line = text.ToArray();
        var keys = _options.Keys;
        var record = new Record(keys.Length);
        var delimiter = _options.Delimiter;
        var pos = 0;
        var column = 0;
        var more = true;
        while (more)
        {
            RecordValue value;
            if (pos < line.Length && line[pos] == '"')
            {
                if (!TryReadQuoted(line, ref pos, out value))
                {
                    return false;
                }

                // After the closing quote only the delimiter or the end may follow.
                if (pos < line.Length && !line.AsSpan(pos).StartsWith(delimiter))
                {
                    return false;
                }
            }
            else
            {
                var at = line.AsSpan(pos).IndexOf(delimiter);
                var end = at < 0 ? line.Length : pos + at;
                if (line.AsSpan(pos, end - pos).Contains((byte)'"'))
                {
                    return false; // Ruby: illegal quoting.
                }

                value = end == pos ? RecordValue.Null : RecordValue.FromUtf8(line, pos, end - pos);
                pos = end;
            }

            if (column < keys.Length)
            {
                record.Set(keys[column], value);
            }

            column++;
            more = pos < line.Length;
            if (more)
            {
                pos += delimiter.Length;
                if (pos == line.Length)
                {
                    // A trailing delimiter ends with one empty (null) column.
                    if (column < keys.Length)
                    {
                        record.Set(keys[column], RecordValue.Null);
                    }

                    column++;
                }
            }
        }

        for (; column < keys.Length; column++)
        {
            record.Set(keys[column], RecordValue.Null);
        }

        if (!_options.Core.TryFinish(record, readTime, out var time))
        {
            return false;
        }

        emit(time, record);
        return true;
    }

    /// <summary>Reads <c>"..."</c> with <c>""</c> as an escaped quote; a value without escapes stays a slice of the line.</summary>
    private static bool TryReadQuoted(byte[] line, ref int pos, out RecordValue value)
    {
        value = default;
        var start = pos + 1;
        var i = start;
        var escapes = 0;
        while (true)
        {
            var at = line.AsSpan(i).IndexOf((byte)'"');
            if (at < 0)
            {
                return false; // Unclosed quoted field.
            }

            i += at;
            if (i + 1 < line.Length && line[i + 1] == '"')
            {
                escapes++;
                i += 2;
                continue;
            }

            break;
        }

        if (escapes == 0)
        {
            value = RecordValue.FromUtf8(line, start, i - start);
        }
        else
        {
            var unescaped = new byte[i - start - escapes];
            var w = 0;
            for (var r = start; r < i; r++)
            {
                unescaped[w++] = line[r];
                if (line[r] == '"')
                {
                    r++;
                }
            }

            value = RecordValue.FromUtf8(unescaped);
        }

        pos = i + 1;
        return true;
    }
}
