using System.Buffers;
using Tailship.Events;

namespace Tailship.Plugins;

/// <summary>Where inputs and re-emitting outputs send events: the router of a label (or the top level).</summary>
public interface IEventRouter
{
    /// <summary>
    /// Routes a batch through the matching filters to the first matching output. Awaiting it is the
    /// backpressure point: an input must not reuse the batch until the returned task completes.
    /// </summary>
    ValueTask EmitAsync(string tag, EventBatch batch, CancellationToken cancellationToken);

    /// <summary>Sends one event that a plugin could not handle to the <c>@ERROR</c> label (or logs and counts it).</summary>
    ValueTask EmitErrorAsync(string tag, Event @event, Exception error, CancellationToken cancellationToken);
}

/// <summary>A source of events (<c>&lt;source&gt;</c>).</summary>
public interface IInput
{
    /// <summary>Starts producing events into <paramref name="router"/>; returns once started.</summary>
    Task StartAsync(IEventRouter router, CancellationToken cancellationToken);

    /// <summary>Stops producing; when it returns no more events will be emitted.</summary>
    Task StopAsync(CancellationToken cancellationToken);
}

/// <summary>A <c>&lt;filter&gt;</c>: changes or drops events of a batch.</summary>
public interface IFilter
{
    /// <summary>
    /// Filters a batch in place (or returns another one). Returning an empty batch drops everything.
    /// Runs on the emitting thread and must not block.
    /// </summary>
    EventBatch Filter(string tag, EventBatch batch);
}

/// <summary>A <c>&lt;match&gt;</c> destination.</summary>
public interface IOutput
{
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Takes a batch. A buffered output copies it into its buffer before returning; an unbuffered one writes it.
    /// Throws when the events could not be accepted, so the caller can keep them (never drop them silently).
    /// </summary>
    ValueTask EmitAsync(string tag, EventBatch batch, CancellationToken cancellationToken);

    /// <summary>Stops, flushing what it holds where its configuration says so, within the token's deadline.</summary>
    Task StopAsync(CancellationToken cancellationToken);
}

/// <summary>Turns one event into bytes (<c>&lt;format&gt;</c>).</summary>
public interface IFormatter
{
    /// <summary>Appends the formatted event, including its line ending if the format has one.</summary>
    void Format(string tag, EventTime time, Record record, IBufferWriter<byte> output);
}

/// <summary>Turns one line (or message) into zero or more events (<c>&lt;parse&gt;</c>).</summary>
public interface IParser
{
    /// <summary>
    /// Parses <paramref name="text"/> (UTF-8). Calls <paramref name="emit"/> for each event it yields (most formats
    /// yield one; JSON arrays yield several). Returns false when the text does not match the format.
    /// </summary>
    bool Parse(ReadOnlySpan<byte> text, EventTime readTime, Action<EventTime, Record> emit);
}
