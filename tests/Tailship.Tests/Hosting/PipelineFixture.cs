using Tailship.Config;
using Tailship.Hosting;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Hosting;

/// <summary>Plans, builds and runs a pipeline from a hand-built config with the test plugins.</summary>
internal sealed class PipelineFixture : IAsyncDisposable
{
    public CaptureHub Hub { get; } = new();

    public ListLoggerFactory Logs { get; } = new();

    public DiagnosticBag Diagnostics { get; } = new();

    public Pipeline? Pipeline { get; private set; }

    public PipelineOptions Options => new() { Registry = TestPlugins.CreateRegistry(Hub), LoggerFactory = Logs };

    public PipelinePlan? Plan(ConfigSection root) => PipelinePlan.Create(root, Options, Diagnostics);

    public async Task<Pipeline> StartAsync(params ConfigSection[] sections)
    {
        var plan = Plan(Conf.Root(sections)) ?? throw new InvalidOperationException(string.Join(Environment.NewLine, Diagnostics.Items));
        Pipeline = Pipeline.Build(plan);
        await Pipeline.StartAsync(CancellationToken.None);
        return Pipeline;
    }

    public async ValueTask DisposeAsync()
    {
        if (Pipeline is not null)
        {
            await Pipeline.DisposeAsync();
        }

        Logs.Dispose();
    }
}
