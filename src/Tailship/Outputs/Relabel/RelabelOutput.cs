using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;

namespace Tailship.Outputs.Relabel;

internal sealed record RelabelOptions(string Label);

/// <summary><c>@type relabel</c>: sends events, unchanged, into the label named by its <c>@label</c> (Fluentd's out_relabel).</summary>
internal sealed class RelabelOutput : IOutput
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<RelabelOptions>(
        new PluginSpec(PluginKind.Output, "relabel", new SectionSpec("match", "Routes events into the label given by @label.")),
        validate: Validate,
        build: (options, context) => new RelabelOutput(
            context.LabelRouter(options.Label)
            ?? throw new InvalidOperationException($"relabel: label {options.Label} is not defined (checked when the plan was made)")));

    private readonly IEventRouter _target;

    private RelabelOutput(IEventRouter target)
    {
        _target = target;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask EmitAsync(string tag, EventBatch batch, CancellationToken cancellationToken) =>
        _target.EmitAsync(tag, batch, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static RelabelOptions? Validate(SectionConfig config, DiagnosticBag diagnostics)
    {
        // @label is a reserved key, so the binder leaves it in the section; the plan checks that the label exists.
        var label = config.Source.Find("@label")?.Value;
        if (string.IsNullOrWhiteSpace(label))
        {
            diagnostics.Error(config.Location, "relabel needs '@label @NAME': the label to send events to", config.Source);
            return null;
        }

        return new RelabelOptions(label);
    }
}
