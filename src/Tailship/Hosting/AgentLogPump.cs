using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Hosting;

/// <summary>
/// Turns the agent's own log messages into Fluentd's <c>fluent.LEVEL</c> events (record <c>{"message": ...}</c>)
/// and routes them from one background loop, as Fluentd's log event thread does: logging never waits on an output.
/// </summary>
/// <remarks>
/// Loop guard: the routing loop marks its async flow; a message logged from inside that flow (an output warning
/// while it writes a log event, "no patterns matched fluent.info"...) is not turned into an event again.
/// The queue is bounded; when it is full, messages are dropped and counted (they still reach the console log).
/// </remarks>
internal sealed partial class AgentLogPump
{
    private const int QueueCapacity = 1024;

    private static readonly string[] Tags = ["fluent.trace", "fluent.debug", "fluent.info", "fluent.warn", "fluent.error", "fluent.fatal"];

    private readonly Channel<(string Tag, Event Event)> _queue = Channel.CreateBounded<(string, Event)>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly AsyncLocal<bool> _routingLogEvent = new();
    private readonly IEventRouter _router;
    private readonly LogLevel _minimum;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private Task? _loop;
    private long _dropped;

    public AgentLogPump(IEventRouter router, LogLevel minimum, TimeProvider time, ILogger logger)
    {
        _router = router;
        _minimum = minimum;
        _time = time;
        _logger = logger;
    }

    /// <summary>Messages lost because the queue was full or the pump had stopped.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The tag of a level's events: <c>fluent.info</c> for <see cref="LogLevel.Information"/>, and so on.</summary>
    public static string TagOf(LogLevel level) => Tags[(int)level];

    public void Emit(LogLevel level, string message)
    {
        if (level < _minimum || level >= LogLevel.None || _routingLogEvent.Value)
        {
            return;
        }

        var record = new Record(1);
        record.Append("message", message);
        if (!_queue.Writer.TryWrite((TagOf(level), new Event(EventTime.Now(_time), record))))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    public void Start() => _loop = Task.Run(PumpAsync);

    /// <summary>Routes what is queued, then stops; messages logged afterwards are dropped.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PumpAsync()
    {
        _routingLogEvent.Value = true;
        await foreach (var (tag, @event) in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            var batch = new EventBatch(1);
            batch.Add(@event);
            try
            {
                await _router.EmitAsync(tag, batch, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Written to the agent's log only: the guard above keeps it from becoming an event.
                LogRouteFailed(_logger, tag, ex);
            }
        }
    }

    [LoggerMessage(EventId = 130, Level = LogLevel.Warning, Message = "failed to route log event tag=\"{Tag}\"")]
    private static partial void LogRouteFailed(ILogger logger, string tag, Exception exception);
}
