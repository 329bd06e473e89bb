using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;
using Record = Tailship.Events.Record;

namespace Tailship.Tests.TestSupport;

/// <summary>Small plugins for pipeline tests, registered next to the builtin ones.</summary>
internal static class TestPlugins
{
    /// <summary>The builtin registry plus <c>capture</c> (output), <c>counting</c> (input) and <c>mark</c> (filter).</summary>
    public static PluginRegistry CreateRegistry(CaptureHub hub) =>
        BuiltinPlugins.CreateRegistry()
            .Add(CaptureOutput.Create(hub))
            .Add(CountingInput.Create(hub))
            .Add(MarkFilter.Descriptor);

    public static EventBatch Batch(params string[] messages)
    {
        var batch = new EventBatch(messages.Length);
        foreach (var m in messages)
        {
            var record = new Record();
            record.Append("message", m);
            batch.Add(EventTime.FromSeconds(1_700_000_000), record);
        }

        return batch;
    }
}

/// <summary>
/// <c>@type counting</c>: on start emits <c>count</c> events (<c>{"n": i}</c>) with <c>tag</c>, and keeps the router
/// it was given in the hub (<see cref="CaptureHub.Routers"/>, by plugin id) so a test can emit more.
/// </summary>
internal sealed class CountingInput : IInput
{
    private readonly string _tag;
    private readonly long _count;
    private readonly string _name;
    private readonly CaptureHub _hub;

    private CountingInput(string tag, long count, string name, CaptureHub hub)
    {
        _tag = tag;
        _count = count;
        _name = name;
        _hub = hub;
    }

    public static PluginDescriptor Create(CaptureHub hub) => new PluginDescriptor<CountingOptions>(
        new PluginSpec(PluginKind.Input, "counting", new SectionSpec("source", "Test input emitting numbered events.")
        {
            Params =
            [
                ParamSpec.String("tag", null, "Tag of the events.") with { Required = true },
                ParamSpec.Integer("count", 0, "Events emitted on start."),
            ],
        }),
        validate: (cfg, _) => new CountingOptions(cfg.GetRequiredString("tag"), cfg.GetInt("count")),
        build: (options, context) => new CountingInput(options.Tag, options.Count, context.PluginId, hub));

    public async Task StartAsync(IEventRouter router, CancellationToken cancellationToken)
    {
        _hub.Journal.Enqueue($"start input {_name}");
        _hub.Routers[_name] = router;
        if (_count > 0)
        {
            var batch = new EventBatch((int)_count);
            for (var i = 0; i < _count; i++)
            {
                var record = new Record();
                record.Append("n", (long)i);
                batch.Add(EventTime.FromSeconds(1_700_000_000 + i), record);
            }

            await router.EmitAsync(_tag, batch, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _hub.Journal.Enqueue($"stop input {_name}");
        return Task.CompletedTask;
    }

    internal sealed record CountingOptions(string Tag, long Count);
}

/// <summary><c>@type mark</c>: appends its <c>mark</c> to the record's <c>trail</c> string, to show which filters ran in what order.</summary>
internal sealed class MarkFilter(string mark) : IFilter
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<MarkOptions>(
        new PluginSpec(PluginKind.Filter, "mark", new SectionSpec("filter", "Test filter appending to 'trail'.")
        {
            Params =
            [
                ParamSpec.String("mark", "x", "Text appended to trail."),
                ParamSpec.Bool("drop", false, "Drop every event instead."),
            ],
        }),
        validate: (cfg, _) => new MarkOptions(cfg.GetString("mark")!, cfg.GetBool("drop")),
        build: (options, _) => options.Drop ? new DropFilter() : new MarkFilter(options.Mark));

    public EventBatch Filter(string tag, EventBatch batch)
    {
        foreach (var e in batch.AsSpan())
        {
            var trail = e.Record.TryGetValue("trail", out var t) ? t.AsString : string.Empty;
            e.Record.Set("trail", trail + mark);
        }

        return batch;
    }

    internal sealed record MarkOptions(string Mark, bool Drop);

    private sealed class DropFilter : IFilter
    {
        public EventBatch Filter(string tag, EventBatch batch)
        {
            batch.Clear();
            return batch;
        }
    }
}
