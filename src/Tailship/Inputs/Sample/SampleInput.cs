using Microsoft.Extensions.Logging;
using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;
using Tailship.Text;

namespace Tailship.Inputs.Sample;

/// <summary>
/// <c>@type sample</c> (alias <c>dummy</c>): emits the configured records, as Fluentd's in_sample. Each second of
/// the clock is cut into ten 100 ms steps; each step emits <c>rate / 10</c> batches and the end of the second the
/// remaining <c>rate % 10</c>, so <c>rate 1</c> emits once per second, at the start of the next second. A batch holds
/// <c>size</c> events. Records cycle through <c>sample</c>; <c>auto_increment_key</c> numbers events from 0.
/// </summary>
internal sealed partial class SampleInput : IInput, IDisposable
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<SampleOptions>(
        new PluginSpec(PluginKind.Input, "sample", new SectionSpec("source", "Generates sample events, for tests and demos.")
        {
            Params =
            [
                new ParamSpec("tag", ParamType.String, "The tag of the generated events.") { Required = true },
                ParamSpec.Integer("size", 1, "Events in each emitted batch."),
                ParamSpec.Integer("rate", 1, "Batches emitted per second."),
                ParamSpec.String("auto_increment_key", null, "A key added to each event, holding a number that counts up from 0."),
                ParamSpec.Bool("suspend", false, "Deprecated in Fluentd and ignored."),
                new ParamSpec("sample", ParamType.String, "The record(s) to emit: a JSON object, or a JSON array of objects used in turn.")
                {
                    Default = SampleOptions.DefaultSample,
                    Aliases = ["dummy"],
                },
            ],
            Sections = [new SectionSpec("storage", "Fluentd's storage for the auto-increment value.") { Implemented = false }],
        }),
        validate: SampleOptions.Validate,
        build: (options, context) => new SampleInput(options, context.Time, context.CreateLogger("Tailship.Inputs.Sample")));

    private const int StepsPerSecond = 10;
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    private readonly SampleOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private CancellationTokenSource? _stop;
    private Task? _loop;
    // Owned by the emitting loop: the next sample to use and the next auto-increment value.
    private int _next;
    private long _counter;

    public SampleInput(SampleOptions options, TimeProvider time, ILogger logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
    }

    public Task StartAsync(IEventRouter router, CancellationToken cancellationToken)
    {
        if (_loop is not null)
        {
            throw new InvalidOperationException("the sample input is already started");
        }

        _stop = new CancellationTokenSource();
        var token = _stop.Token;
        _loop = Task.Run(() => RunAsync(router, token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stop is null || _loop is null)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The loop ends by cancellation: that is the normal way to stop.
        }
        finally
        {
            _stop.Dispose();
        }
    }

    public void Dispose() => _stop?.Dispose();

    private async Task RunAsync(IEventRouter router, CancellationToken token)
    {
        var perStep = _options.Rate / StepsPerSecond;
        var remainder = _options.Rate % StepsPerSecond;
        while (!token.IsCancellationRequested)
        {
            var second = _time.GetUtcNow().ToUnixTimeSeconds();
            for (var step = 0; step < StepsPerSecond && _time.GetUtcNow().ToUnixTimeSeconds() <= second; step++)
            {
                var started = _time.GetTimestamp();
                await EmitAsync(router, perStep, token).ConfigureAwait(false);
                var rest = Step - _time.GetElapsedTime(started);
                if (rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest, _time, token).ConfigureAwait(false);
                }
            }

            await EmitAsync(router, remainder, token).ConfigureAwait(false);

            // Wait for the next second of the clock.
            var now = _time.GetUtcNow();
            if (now.ToUnixTimeSeconds() <= second)
            {
                var next = DateTimeOffset.FromUnixTimeSeconds(second + 1);
                await Task.Delay(next - now, _time, token).ConfigureAwait(false);
            }
        }
    }

    private async Task EmitAsync(IEventRouter router, int batches, CancellationToken token)
    {
        for (var i = 0; i < batches && !token.IsCancellationRequested; i++)
        {
            var batch = new EventBatch(_options.Size);
            for (var j = 0; j < _options.Size; j++)
            {
                batch.Add(EventTime.Now(_time), Generate());
            }

            try
            {
                await router.EmitAsync(_options.Tag, batch, token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
            {
                // As in Fluentd, a failed emit does not stop the input; it is logged, not hidden.
                LogEmitFailed(_logger, _options.Tag, batch.Count, ex);
            }
        }
    }

    private Record Generate()
    {
        var samples = _options.Samples;
        var record = JsonValues.DeepClone(samples[_next]);
        _next = (_next + 1) % samples.Count;
        if (_options.AutoIncrementKey is { } key)
        {
            record.Set(key, _counter++);
        }

        return record;
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "failed to emit {Count} sample events with tag {Tag}; they are dropped")]
    private static partial void LogEmitFailed(ILogger logger, string tag, int count, Exception error);
}
