using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Parsers.Json;

internal sealed record JsonParserOptions(ParserCore Core);

/// <summary>
/// <c>@type json</c>: one JSON object per line. Defaults as Fluentd: <c>time_key time</c> read as <c>time_type float</c>
/// (an epoch number or numeric string), or with <c>time_format</c> as a string time. A top-level array gives one
/// event per object element; scalars, truncated text and trailing garbage give none. <c>json_parser</c> and
/// <c>stream_buffer_size</c> are accepted for compatibility (there is one JSON reader here).
/// Docker's json-file logs (<c>{"log":"...\n","stream":"stdout","time":"2024-01-01T00:00:00.123456789Z"}</c>) are read
/// with this parser and <c>time_format %Y-%m-%dT%H:%M:%S.%N%z</c> (Fluentd users often write <c>%NZ</c>, which reads
/// the time in local time; under TZ=UTC both agree).
/// </summary>
internal sealed class JsonParser : IParser
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<JsonParserOptions>(
        ParserSpecs.Create(
            "json",
            "Parses one JSON object (or array of objects) per line.",
            [
                ParamSpec.Enum("json_parser", "oj", ["oj", "yajl", "json"], "Fluentd's JSON library choice; accepted, all read the same here."),
                ParamSpec.Integer("stream_buffer_size", 8192, "Fluentd's Yajl stream buffer size; accepted and unused."),
            ],
            ParserCommon.Params(timeKey: "time", timeType: "float")),
        validate: (cfg, diags) => ParserCommon.Read(cfg, diags) is { } core ? new JsonParserOptions(core) : null,
        build: (options, _) => new JsonParser(options.Core));

    private readonly ParserCore _core;
    private readonly KeyCache _keys = new();

    public JsonParser(ParserCore core)
    {
        _core = core;
    }

    public bool Parse(ReadOnlySpan<byte> text, EventTime readTime, Action<EventTime, Record> emit)
    {
        if (!JsonRecordReader.TryRead(text.ToArray(), _keys, out var value))
        {
            return false;
        }

        if (value.Kind == RecordValueKind.Map)
        {
            return EmitOne(value.AsMap, readTime, emit);
        }

        if (value.Kind != RecordValueKind.Array)
        {
            return false;
        }

        // Each object element is an event; any other element counts as a line that did not parse.
        var allParsed = true;
        foreach (var item in value.AsArray)
        {
            allParsed &= item.Kind == RecordValueKind.Map && EmitOne(item.AsMap, readTime, emit);
        }

        return allParsed;
    }

    private bool EmitOne(Record record, EventTime readTime, Action<EventTime, Record> emit)
    {
        if (!_core.TryFinish(record, readTime, out var time))
        {
            return false;
        }

        emit(time, record);
        return true;
    }
}
