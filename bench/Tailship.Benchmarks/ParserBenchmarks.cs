using System.Buffers;
using BenchmarkDotNet.Attributes;
using Tailship.Config;
using Tailship.Events;
using Tailship.Parsers;
using Tailship.Plugins;

namespace Tailship.Benchmarks;

/// <summary>
/// Every parser on realistic lines, built through the registry from a <c>&lt;parse&gt;</c> section as in_tail builds
/// it. One operation is one line parsed into one event (for <c>multiline</c>: one four-line Java error, first-line
/// checks included). Allocated bytes are per event: the record and its values are per-event by design (the event
/// outlives the read buffer), so the figure to watch is how far above that floor a parser goes.
/// </summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private const int Lines = 256;

    private static readonly EventTime ReadTime = EventTime.FromSeconds(1_795_656_000, 500_000_000);

    private readonly Action<EventTime, Record> _emit;
    private IParser _parser = null!;
    private IMultilineParser? _multiline;
    private byte[][] _lines = [];
    private byte[][][] _groups = [];
    private int _events;

    public ParserBenchmarks()
    {
        _emit = (_, _) => _events++;
    }

    [Params("none", "json", "docker", "regexp", "ltsv", "csv", "tsv", "apache", "apache2", "apache_error", "nginx", "syslog_rfc3164", "syslog_rfc5424", "multiline", "msgpack", "cri")]
    public string Format { get; set; } = "none";

    [GlobalSetup]
    public void Setup()
    {
        var r = new Random(7);
        var (section, line) = Config(Format, r);
        _parser = BenchPlugins.Build<IParser>(PluginKind.Parser, section);
        if (Format == "multiline")
        {
            _multiline = (IMultilineParser)_parser;
            _groups = Enumerable.Range(0, Lines).Select(i => SampleLogs.JavaError(r, i).Select(SampleLogs.Utf8).ToArray()).ToArray();
            _lines = _groups.Select(g => SampleLogs.Utf8(string.Join('\n', g.Select(System.Text.Encoding.UTF8.GetString)))).ToArray();
        }
        else if (Format == "msgpack")
        {
            // The input is what the msgpack formatter writes for a JSON sample record.
            var json = BenchPlugins.Build<IParser>(PluginKind.Parser, BenchPlugins.Section("parse", string.Empty, ("@type", "json")));
            var formatter = BenchPlugins.Build<IFormatter>(PluginKind.Formatter, BenchPlugins.Section("format", string.Empty, ("@type", "msgpack")));
            _lines = Enumerable.Range(0, Lines).Select(i =>
            {
                var output = new ArrayBufferWriter<byte>();
                json.Parse(SampleLogs.Utf8(SampleLogs.Json(r, i)), ReadTime, (t, rec) => formatter.Format("bench", t, rec, output));
                return output.WrittenSpan.ToArray();
            }).ToArray();
        }
        else
        {
            _lines = Enumerable.Range(0, Lines).Select(i => SampleLogs.Utf8(line!(r, i))).ToArray();
        }

        // Every sample must parse into exactly one event, or the benchmark measures the failure path.
        _events = 0;
        var parsed = Parse();
        if (parsed != Lines || _events != Lines)
        {
            throw new InvalidOperationException($"{Format}: {parsed} of {Lines} samples parsed, {_events} events");
        }
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public int Parse()
    {
        var parsed = 0;
        if (_multiline is { } multiline)
        {
            foreach (var group in _groups)
            {
                // in_tail asks for each line whether it starts an event, then parses the joined group.
                foreach (var l in group)
                {
                    multiline.IsFirstLine(l);
                }
            }
        }

        foreach (var l in _lines)
        {
            if (_parser.Parse(l, ReadTime, _emit))
            {
                parsed++;
            }
        }

        return parsed;
    }

    private static (ConfigSection Section, Func<Random, int, string>? Line) Config(string format, Random r)
    {
        ConfigSection Parse(params (string, string)[] ps) =>
            BenchPlugins.Section("parse", string.Empty, ps.Select(p => (object)p).ToArray());

        return format switch
        {
            "none" => (Parse(("@type", "none")), (_, i) => SampleLogs.Plain(i)),
            "json" => (Parse(("@type", "json")), SampleLogs.Json),
            "docker" => (Parse(("@type", "json"), ("time_key", "time"), ("time_format", "%Y-%m-%dT%H:%M:%S.%NZ")), SampleLogs.Docker),
            "regexp" => (Parse(("@type", "regexp"), ("expression", @"/^(?<host>[^ ]+) \[(?<time>[^\]]+)\] (?<level>\w+)(?: id=(?<id>\h+))? (?<message>.*)$/"), ("time_format", "%Y-%m-%d %H:%M:%S.%L %z")), SampleLogs.Regexp),
            "ltsv" => (Parse(("@type", "ltsv"), ("time_format", "%d/%b/%Y:%H:%M:%S %z"), ("types", "status:integer,size:integer")), SampleLogs.Ltsv),
            "csv" => (Parse(("@type", "csv"), ("keys", "time,host,method,path,status,size,message"), ("time_key", "time"), ("time_format", "%Y-%m-%d %H:%M:%S")), SampleLogs.Csv),
            "tsv" => (Parse(("@type", "tsv"), ("keys", "time,host,method,path,status,size,message"), ("time_key", "time"), ("time_format", "%Y-%m-%d %H:%M:%S")), SampleLogs.Tsv),
            "apache" => (Parse(("@type", "apache")), SampleLogs.Apache),
            "apache2" => (Parse(("@type", "apache2")), SampleLogs.Apache),
            "apache_error" => (Parse(("@type", "apache_error")), SampleLogs.ApacheError),
            "nginx" => (Parse(("@type", "nginx")), SampleLogs.Nginx),
            "syslog_rfc3164" => (Parse(("@type", "syslog"), ("message_format", "rfc3164")), SampleLogs.Syslog3164),
            "syslog_rfc5424" => (Parse(("@type", "syslog"), ("message_format", "rfc5424"), ("with_priority", "true")), SampleLogs.Syslog5424),
            "multiline" => (Parse(("@type", "multiline"), ("format_firstline", @"/^\d{4}-\d{2}-\d{2}/"), ("format1", @"/^(?<time>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) (?<level>\w+) /"), ("format2", "/(?<message>.*)/"), ("time_format", "%Y-%m-%d %H:%M:%S")), null),
            "msgpack" => (Parse(("@type", "msgpack")), null),
            "cri" => (Parse(("@type", "cri")), SampleLogs.Cri),
            _ => throw new ArgumentException($"no sample for parser '{format}'", nameof(format)),
        };
    }
}
