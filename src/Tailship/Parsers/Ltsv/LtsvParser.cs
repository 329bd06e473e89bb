using System.Text;
using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Parsers.Ltsv;

internal sealed record LtsvParserOptions(byte[] Delimiter, ByteMatcher? DelimiterPattern, byte[] LabelDelimiter, ParserCore Core);

/// <summary>
/// <c>@type ltsv</c>: <c>label:value</c> pairs separated by TAB (<c>delimiter</c>, or a regexp <c>delimiter_pattern</c>).
/// A pair is split at its first <c>label_delimiter</c>; items without one are skipped; a repeated label keeps its
/// first position and its last value. Default <c>time_key time</c>.
/// </summary>
internal sealed class LtsvParser : IParser
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<LtsvParserOptions>(
        ParserSpecs.Create(
            "ltsv",
            "Parses labeled tab-separated values (label:value pairs).",
            [
                ParamSpec.String("delimiter", "\t", "Separator between pairs."),
                ParamSpec.String("delimiter_pattern", null, "Regexp separator between pairs (/.../); overrides delimiter."),
                ParamSpec.String("label_delimiter", ":", "Separator between a label and its value."),
            ],
            ParserCommon.Params(timeKey: "time")),
        validate: Validate,
        build: (options, _) => new LtsvParser(options));

    private readonly LtsvParserOptions _options;
    private readonly KeyCache _keys = new();

    public LtsvParser(LtsvParserOptions options)
    {
        _options = options;
    }

    private static LtsvParserOptions? Validate(SectionConfig cfg, DiagnosticBag diagnostics)
    {
        ByteMatcher? pattern = null;
        if (cfg.GetString("delimiter_pattern") is { } text)
        {
            if (!RubyRegex.TryParseLiteral(text, out var regex, out var error))
            {
                diagnostics.Error(cfg.LocationOf("delimiter_pattern"), error!);
                return null;
            }

            pattern = new ByteMatcher(regex!);
        }

        var delimiter = cfg.GetRequiredString("delimiter");
        var label = cfg.GetRequiredString("label_delimiter");
        if (delimiter.Length == 0 || label.Length == 0)
        {
            diagnostics.Error(cfg.LocationOf(delimiter.Length == 0 ? "delimiter" : "label_delimiter"), "the delimiter must not be empty");
            return null;
        }

        var core = ParserCommon.Read(cfg, diagnostics);
        return core is null ? null : new LtsvParserOptions(Encoding.UTF8.GetBytes(delimiter), pattern, Encoding.UTF8.GetBytes(label), core);
    }

    public bool Parse(ReadOnlySpan<byte> text, EventTime readTime, Action<EventTime, Record> emit)
    {
        var line = text.ToArray();
        var record = new Record(8);
        if (_options.DelimiterPattern is { } pattern)
        {
            var start = 0;
            foreach (var m in pattern.Regex.EnumerateMatches(ByteMatcher.ToSubject(line)))
            {
                if (m.Length == 0)
                {
                    continue;
                }

                AddPair(line, start, m.Index - start, record);
                start = m.Index + m.Length;
            }

            AddPair(line, start, line.Length - start, record);
        }
        else
        {
            var delimiter = _options.Delimiter;
            var start = 0;
            while (true)
            {
                var at = line.AsSpan(start).IndexOf(delimiter);
                if (at < 0)
                {
                    AddPair(line, start, line.Length - start, record);
                    break;
                }

                AddPair(line, start, at, record);
                start += at + delimiter.Length;
            }
        }

        if (!_options.Core.TryFinish(record, readTime, out var time))
        {
            return false;
        }

        emit(time, record);
        return true;
    }

    private void AddPair(byte[] line, int start, int length, Record record)
    {
        var pair = line.AsSpan(start, length);
        var at = pair.IndexOf(_options.LabelDelimiter);
        if (at < 0)
        {
            return;
        }

        var key = _keys.Get(pair[..at], record.Count);
        var valueStart = start + at + _options.LabelDelimiter.Length;
        record.Set(key, RecordValue.FromUtf8(line, valueStart, start + length - valueStart));
    }
}

