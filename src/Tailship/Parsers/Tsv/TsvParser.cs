using System.Text;
using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Parsers.Tsv;

internal sealed record TsvParserOptions(string[] Keys, byte[] Delimiter, ParserCore Core);

/// <summary>
/// <c>@type tsv</c>: the line is split on <c>delimiter</c> (TAB) into at most as many parts as there are <c>keys</c>, so
/// extra columns stay inside the last value (Ruby's <c>split(delimiter, keys.size)</c>); missing columns are null.
/// </summary>
internal sealed class TsvParser : IParser
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<TsvParserOptions>(
        ParserSpecs.Create(
            "tsv",
            "Parses tab-separated values into the named keys.",
            [
                new ParamSpec("keys", ParamType.Array, "Field names, in column order.") { Required = true },
                ParamSpec.String("delimiter", "\t", "Column separator."),
            ],
            ParserCommon.Params()),
        validate: Validate,
        build: (options, _) => new TsvParser(options));

    private readonly TsvParserOptions _options;

    public TsvParser(TsvParserOptions options)
    {
        _options = options;
    }

    private static TsvParserOptions? Validate(SectionConfig cfg, DiagnosticBag diagnostics)
    {
        var delimiter = cfg.GetRequiredString("delimiter");
        if (delimiter.Length == 0)
        {
            diagnostics.Error(cfg.LocationOf("delimiter"), "the delimiter must not be empty");
            return null;
        }

        var core = ParserCommon.Read(cfg, diagnostics);
        return core is null ? null : new TsvParserOptions([.. cfg.GetArray("keys")], Encoding.UTF8.GetBytes(delimiter), core);
    }

    public bool Parse(ReadOnlySpan<byte> text, EventTime readTime, Action<EventTime, Record> emit)
    {
        var line = text.ToArray();
        var keys = _options.Keys;
        var record = new Record(keys.Length);
        var delimiter = _options.Delimiter;
        var pos = 0;
        var column = 0;

        // Ruby: "".split(x, n) is [], so an empty line gives only nulls.
        if (line.Length > 0)
        {
            while (column < keys.Length)
            {
                var at = column == keys.Length - 1 ? -1 : line.AsSpan(pos).IndexOf(delimiter);
                var end = at < 0 ? line.Length : pos + at;
                record.Set(keys[column++], RecordValue.FromUtf8(line, pos, end - pos));
                if (at < 0)
                {
                    break;
                }

                pos = end + delimiter.Length;
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
}
