using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Parsers.Msgpack;

internal sealed record MsgpackParserOptions(ParserCore Core);

/// <summary>
/// <c>@type msgpack</c>: one or more MessagePack values back to back. A map is an event; an array gives one event
/// per map element. Anything else, or truncated data, counts as not parsed (the maps before it are still emitted).
/// </summary>
internal sealed class MsgpackParser : IParser
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<MsgpackParserOptions>(
        ParserSpecs.Create("msgpack", "Parses MessagePack maps.", [], ParserCommon.Params()),
        validate: (cfg, diags) => ParserCommon.Read(cfg, diags) is { } core ? new MsgpackParserOptions(core) : null,
        build: (options, _) => new MsgpackParser(options.Core));

    private readonly ParserCore _core;

    public MsgpackParser(ParserCore core)
    {
        _core = core;
    }

    public bool Parse(ReadOnlySpan<byte> text, EventTime readTime, Action<EventTime, Record> emit)
    {
        var reader = new MsgpackReader(text.ToArray());
        var allParsed = !reader.AtEnd;
        while (!reader.AtEnd)
        {
            if (!reader.TryRead(out var value))
            {
                return false;
            }

            if (value.Kind == RecordValueKind.Map)
            {
                allParsed &= EmitOne(value.AsMap, readTime, emit);
            }
            else if (value.Kind == RecordValueKind.Array)
            {
                foreach (var item in value.AsArray)
                {
                    allParsed &= item.Kind == RecordValueKind.Map && EmitOne(item.AsMap, readTime, emit);
                }
            }
            else
            {
                allParsed = false;
            }
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
