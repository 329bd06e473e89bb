using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Parsers.None;

internal sealed record NoneParserOptions(string MessageKey, ParserCore Core);

/// <summary>
/// <c>@type none</c>: the whole line as one field (<c>message_key</c>, default <c>message</c>), time = read time.
/// The hot path of the seed configuration: one copy of the line bytes and the record, nothing else; invalid UTF-8
/// and NUL bytes pass through unchanged, and an empty line gives <c>{"message":""}</c>.
/// </summary>
internal sealed class NoneParser : IParser
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<NoneParserOptions>(
        ParserSpecs.Create(
            "none",
            "Keeps each line whole, as one field.",
            [ParamSpec.String("message_key", "message", "Field that receives the line.")],
            ParserCommon.Params()),
        validate: (cfg, diags) => ParserCommon.Read(cfg, diags) is { } core ? new NoneParserOptions(cfg.GetRequiredString("message_key"), core) : null,
        build: (options, _) => new NoneParser(options));

    private readonly string _messageKey;
    private readonly bool _estimate;

    public NoneParser(NoneParserOptions options)
    {
        _messageKey = options.MessageKey;
        _estimate = options.Core.EstimateCurrentEvent;
    }

    public bool Parse(ReadOnlySpan<byte> text, EventTime readTime, Action<EventTime, Record> emit)
    {
        if (!_estimate)
        {
            // Fluentd gives no time, and a record without time is dropped.
            return false;
        }

        var record = new Record(1);
        record.Append(_messageKey, Utf8Slab.Copy(text));
        emit(readTime, record);
        return true;
    }
}
