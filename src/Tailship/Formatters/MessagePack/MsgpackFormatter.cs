using System.Buffers;
using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Formatters.MessagePack;

internal sealed record MsgpackFormatterOptions;

/// <summary><c>@type msgpack</c>: the record alone as a MessagePack map (no time, no tag), as Fluentd writes it.</summary>
internal sealed class MsgpackFormatter : IFormatter
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<MsgpackFormatterOptions>(
        new PluginSpec(PluginKind.Formatter, "msgpack", new SectionSpec("format", "The record as a MessagePack map, without time or tag.")),
        validate: (_, _) => new MsgpackFormatterOptions(),
        build: (_, _) => new MsgpackFormatter());

    public void Format(string tag, EventTime time, Record record, IBufferWriter<byte> output) =>
        MessagePackWriter.WriteRecord(record, output);
}
