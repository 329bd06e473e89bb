using System.Buffers;
using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Formatters.Hash;

internal sealed record HashFormatterOptions(byte[] LineEnding);

/// <summary>
/// <c>@type hash</c>: the record as Ruby 3.1's <c>Hash#inspect</c> shows it, <c>{"k"=>"v", "n"=>nil}</c>
/// (Ruby 3.4 would write <c>"k" => "v"</c>; Fluentd 1.18 runs on 3.1-3.3). Byte-held strings are binary strings
/// in Fluentd, so non-ASCII bytes show as <c>\xC3\xA9</c>.
/// </summary>
internal sealed class HashFormatter : IFormatter
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<HashFormatterOptions>(
        new PluginSpec(PluginKind.Formatter, "hash", new SectionSpec("format", "The record as a Ruby hash literal, one event per line.")
        {
            Params = [FormatterParams.AddNewline, FormatterParams.Newline],
        }),
        validate: (config, _) => new HashFormatterOptions(FormatterParams.LineEnding(config)),
        build: (options, _) => new HashFormatter(options));

    private readonly byte[] _lineEnding;

    public HashFormatter(HashFormatterOptions options)
    {
        _lineEnding = options.LineEnding;
    }

    public void Format(string tag, EventTime time, Record record, IBufferWriter<byte> output)
    {
        RubyText.WriteHashInspect(record, output);
        output.Write(_lineEnding);
    }
}
