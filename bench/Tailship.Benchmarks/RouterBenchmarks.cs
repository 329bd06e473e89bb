using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Tailship.Events;
using Tailship.Formatters;
using Tailship.Formatters.OutFile;
using Tailship.Plugins;
using Tailship.Routing;
using Tailship.Text;

namespace Tailship.Benchmarks;

/// <summary>
/// Issue 2's goal: <c>{"message": LINE}</c> events through the router (a filter-free route behind two patterns that
/// do not match, as in a config with several matches) into the out_file formatter. One operation is one event; the
/// batch of 1,000 events is routed as one unit, as inputs emit them. Allocated bytes per event must stay at zero:
/// the output buffer is reused and the route for the tag is cached.
/// </summary>
[MemoryDiagnoser]
public class RouterBenchmarks
{
    private const int Events = 1000;

    private readonly EventBatch _batch = new(Events);
    private Router _router = null!;

    [GlobalSetup]
    public void Setup()
    {
        var start = EventTime.FromSeconds(1764120000);
        for (var i = 0; i < Events; i++)
        {
            var line = Encoding.UTF8.GetBytes($"{i,6}: Thu Nov 26 01:20:00 UTC 2026 " + new string('x', 100 - 6 - 2 - 29 - 1));
            var record = new Record(1);
            record.Append("message", RecordValue.FromUtf8(line));
            _batch.Add(EventTime.FromSeconds(start.Seconds + (i / 100), i * 1000), record);
        }

        var formatter = new OutFileFormatter(
            new OutFileOptions(true, true, "\t"u8.ToArray(), TimeFormatOptions.Default, "\n"u8.ToArray()),
            TimeZoneSpec.Utc);
        _router = new Router(null, NullLoggerFactory.Instance, TimeProvider.System);
        _router.AddMatch(TagPattern.Parse("app.{web,api}.**"), "web", new FormattingOutput(formatter));
        _router.AddMatch(TagPattern.Parse("system.*"), "system", new FormattingOutput(formatter));
        _router.AddMatch(TagPattern.Parse("**"), "all", new FormattingOutput(formatter));
        _router.Seal();
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public ValueTask RouteAndFormat() => _router.EmitAsync("count.format1", _batch, CancellationToken.None);

    /// <summary>An output that formats each event into a reused buffer, as a buffered output's append does.</summary>
    private sealed class FormattingOutput(IFormatter formatter) : IOutput
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(256 * 1024);

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask EmitAsync(string tag, EventBatch batch, CancellationToken cancellationToken)
        {
            _buffer.ResetWrittenCount();
            foreach (var e in batch.AsSpan())
            {
                formatter.Format(tag, e.Time, e.Record, _buffer);
            }

            return ValueTask.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
