using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Tests.Hosting;

/// <summary>An output whose stop throws, to check the pipeline logs it and goes on.</summary>
internal sealed class FailingStopOutput : IOutput
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<Options>(
        new PluginSpec(PluginKind.Output, "failing_stop", new SectionSpec("match", "Throws on stop.")),
        validate: (_, _) => new Options(),
        build: (_, _) => new FailingStopOutput());

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask EmitAsync(string tag, EventBatch batch, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => throw new IOException("disk gone");

    internal sealed record Options;
}
