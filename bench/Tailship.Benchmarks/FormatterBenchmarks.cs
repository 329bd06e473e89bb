using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Tailship.Events;
using Tailship.Formatters;
using Tailship.Formatters.Json;
using Tailship.Formatters.OutFile;
using Tailship.Plugins;
using Tailship.Text;

namespace Tailship.Benchmarks;

/// <summary>
/// The formatters on the seed's hot path: <c>{"message": LINE}</c> events with 100-byte lines, as in_tail with
/// <c>format none</c> makes them (the line held as UTF-8 bytes). One operation is one event.
/// </summary>
[MemoryDiagnoser]
public class FormatterBenchmarks
{
    private const int Events = 1000;

    private readonly ArrayBufferWriter<byte> _output = new(256 * 1024);
    private Record[] _records = [];
    private EventTime[] _times = [];
    private IFormatter _outFile = null!;
    private IFormatter _json = null!;

    [GlobalSetup]
    public void Setup()
    {
        _records = new Record[Events];
        _times = new EventTime[Events];
        var start = EventTime.FromSeconds(1764120000);
        for (var i = 0; i < Events; i++)
        {
            var line = Encoding.UTF8.GetBytes($"{i,6}: Thu Nov 26 01:20:00 UTC 2026 " + new string('x', 100 - 6 - 2 - 29 - 1));
            var record = new Record(1);
            record.Append("message", RecordValue.FromUtf8(line));
            _records[i] = record;

            // About 100 events per second of event time, as a busy log produces them.
            _times[i] = EventTime.FromSeconds(start.Seconds + (i / 100), i * 1000);
        }

        _outFile = new OutFileFormatter(
            new OutFileOptions(true, true, "\t"u8.ToArray(), TimeFormatOptions.Default, "\n"u8.ToArray()),
            TimeZoneSpec.Utc);
        _json = new JsonFormatter(new JsonFormatterOptions("\n"u8.ToArray()));
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public int OutFile() => FormatAll(_outFile);

    [Benchmark(OperationsPerInvoke = Events)]
    public int Json() => FormatAll(_json);

    private int FormatAll(IFormatter formatter)
    {
        _output.ResetWrittenCount();
        for (var i = 0; i < Events; i++)
        {
            formatter.Format("count.format1", _times[i], _records[i], _output);
        }

        return _output.WrittenCount;
    }
}
