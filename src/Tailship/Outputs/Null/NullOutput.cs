using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Outputs.Null;

internal sealed record NullOptions;

/// <summary><c>@type null</c>: accepts every event and keeps none (Fluentd's out_null).</summary>
internal sealed class NullOutput : IOutput
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<NullOptions>(
        new PluginSpec(PluginKind.Output, "null", new SectionSpec("match", "Discards every event.")
        {
            Params = [ParamSpec.NotImplemented("never_flush", "Keep chunks in the buffer forever (a Fluentd testing switch).")],
            Sections =
            [
                // Fluentd's out_null may be buffered; with nothing to write, a buffer changes nothing, so it is accepted and ignored.
                new SectionSpec("buffer", "Accepted and ignored: null keeps nothing.") { OpenKeys = true },
            ],
        }),
        validate: (_, _) => new NullOptions(),
        build: (_, _) => new NullOutput());

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask EmitAsync(string tag, EventBatch batch, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
