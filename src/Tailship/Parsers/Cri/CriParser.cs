using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Parsers.Cri;

internal sealed record CriParserOptions(bool MergeCriFields, SectionConfig? SubParse, ParserCore Core);

/// <summary>
/// <c>@type cri</c> (fluent-plugin-parser-cri): containerd / CRI-O log lines <c>TIME STREAM P|F MESSAGE</c>. The record
/// is <c>stream</c>, <c>logtag</c>, <c>message</c> and, because <c>keep_time_key</c> defaults to true here, <c>time</c>
/// as written; the event time is read with <c>%Y-%m-%dT%H:%M:%S.%L%z</c>. A nested <c>&lt;parse&gt;</c> parses the
/// message instead, and <c>merge_cri_fields</c> adds stream and logtag to its record. As in the Ruby plugin the
/// line is split like Ruby's <c>split(" ", 4)</c>: runs of whitespace separate fields, so leading spaces of the
/// message are dropped. Partial lines (<c>P</c>) are joined by <see cref="CriPartialAssembler"/> before parsing.
/// </summary>
internal sealed class CriParser : IParser
{
    public const string TimeFormat = "%Y-%m-%dT%H:%M:%S.%L%z";

    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<CriParserOptions>(
        ParserSpecs.Create(
            "cri",
            "Parses containerd / CRI-O container log lines.",
            [ParamSpec.Bool("merge_cri_fields", true, "With a nested <parse>: add stream and logtag to its record.")],
            ParserCommon.Params(timeKey: "time", timeFormat: TimeFormat, keepTimeKey: true),
            [new SectionSpec("parse", "Parser for the message part.") { PluginKind = PluginKind.Parser }]),
        validate: (cfg, diags) => ParserCommon.Read(cfg, diags) is { } core
            ? new CriParserOptions(cfg.GetBool("merge_cri_fields"), cfg.GetSection("parse"), core)
            : null,
        build: (options, ctx) => new CriParser(options, options.SubParse is null ? null : ctx.CreateNested<IParser>(options.SubParse)));

    private readonly CriParserOptions _options;
    private readonly IParser? _sub;

    public CriParser(CriParserOptions options, IParser? sub)
    {
        _options = options;
        _sub = sub;
    }

    public bool Parse(ReadOnlySpan<byte> text, EventTime readTime, Action<EventTime, Record> emit)
    {
        Span<(int Start, int Length)> fields = stackalloc (int, int)[4];
        if (!CriLine.TrySplit(text, fields))
        {
            return false;
        }

        var line = text.ToArray();
        var stream = RecordValue.FromUtf8(line, fields[1].Start, fields[1].Length);
        var logtag = RecordValue.FromUtf8(line, fields[2].Start, fields[2].Length);
        if (_sub is not null)
        {
            EventTime subTime = default;
            Record? subRecord = null;
            var ok = _sub.Parse(text.Slice(fields[3].Start, fields[3].Length), readTime, (t, r) =>
            {
                subTime = t;
                subRecord = r;
            });
            if (!ok || subRecord is null)
            {
                return false;
            }

            if (_options.MergeCriFields)
            {
                subRecord.Set("stream", stream);
                subRecord.Set("logtag", logtag);
            }

            emit(subTime, subRecord);
            return true;
        }

        if (!_options.Core.Time.TryParse(text.Slice(fields[0].Start, fields[0].Length), readTime, out var time))
        {
            return false;
        }

        var record = new Record(4);
        record.Append("stream", stream);
        record.Append("logtag", logtag);
        record.Append("message", RecordValue.FromUtf8(line, fields[3].Start, fields[3].Length));
        if (_options.Core.KeepTimeKey && _options.Core.TimeKey is { } key)
        {
            record.Set(key, RecordValue.FromUtf8(line, fields[0].Start, fields[0].Length));
        }

        emit(time, record);
        return true;
    }
}
