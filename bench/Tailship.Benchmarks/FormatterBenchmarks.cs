using System.Buffers;
using BenchmarkDotNet.Attributes;
using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Benchmarks;

/// <summary>
/// Every formatter, built through the registry from a <c>&lt;format&gt;</c> section, on two record shapes:
/// <c>message</c> is <c>{"message": LINE}</c> with a 100-byte line held as UTF-8 bytes (in_tail with <c>format none</c>,
/// the seed's path), <c>web</c> is an Apache combined line parsed by <c>apache2</c> (8 fields: strings, integers,
/// nulls). One operation is one event; the output buffer is reused, so allocated bytes are the formatter's own.
/// About 100 events share a second of event time, as a busy log has them.
/// </summary>
[MemoryDiagnoser]
public class FormatterBenchmarks
{
    private const int Events = 1000;

    private readonly ArrayBufferWriter<byte> _output = new(1024 * 1024);
    private Record[] _records = [];
    private EventTime[] _times = [];
    private IFormatter _formatter = null!;

    [Params("out_file", "json", "ltsv", "csv", "single_value", "hash", "msgpack", "stdout")]
    public string Type { get; set; } = "out_file";

    [Params("message", "web")]
    public string Record { get; set; } = "message";

    [GlobalSetup]
    public void Setup()
    {
        _records = Record == "web" ? WebRecords() : MessageRecords();
        _times = new EventTime[Events];
        var start = EventTime.FromSeconds(1_764_120_000);
        for (var i = 0; i < Events; i++)
        {
            _times[i] = EventTime.FromSeconds(start.Seconds + (i / 100), i * 1000);
        }

        _formatter = BenchPlugins.Build<IFormatter>(PluginKind.Formatter, Section(Type, Record));
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public int Format()
    {
        _output.ResetWrittenCount();
        for (var i = 0; i < Events; i++)
        {
            _formatter.Format("app.web.access", _times[i], _records[i], _output);
        }

        return _output.WrittenCount;
    }

    private static ConfigSection Section(string type, string record)
    {
        var web = record == "web";
        return type switch
        {
            "csv" => BenchPlugins.Section("format", string.Empty, ("@type", "csv"), ("fields", web ? "host,method,path,code,size,agent" : "message")),
            "single_value" => BenchPlugins.Section("format", string.Empty, ("@type", "single_value"), ("message_key", web ? "path" : "message")),
            "out_file" => BenchPlugins.Section("format", string.Empty, ("@type", type), ("utc", "true")),
            _ => BenchPlugins.Section("format", string.Empty, ("@type", type)),
        };
    }

    private static Record[] MessageRecords() =>
        Enumerable.Range(0, Events).Select(i =>
        {
            var record = new Record(1);
            record.Append("message", RecordValue.FromUtf8(SampleLogs.Utf8(SampleLogs.Plain(i))));
            return record;
        }).ToArray();

    private static Record[] WebRecords()
    {
        var parser = BenchPlugins.Build<IParser>(PluginKind.Parser, BenchPlugins.Section("parse", string.Empty, ("@type", "apache2")));
        var r = new Random(7);
        var records = new List<Record>(Events);
        for (var i = 0; records.Count < Events; i++)
        {
            parser.Parse(SampleLogs.Utf8(SampleLogs.Apache(r, i)), EventTime.FromSeconds(1_764_120_000), (_, rec) => records.Add(rec));
        }

        return [.. records];
    }
}
