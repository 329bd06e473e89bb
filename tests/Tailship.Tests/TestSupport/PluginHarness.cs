using Tailship.Config;
using Tailship.Plugins;

namespace Tailship.Tests.TestSupport;

/// <summary>Binds a config fragment to a registered plugin and builds it, as the pipeline will.</summary>
public static class PluginHarness
{
    public static PluginRegistry Registry { get; } = BuiltinPlugins.CreateRegistry();

    /// <summary>Binds the fragment; returns the diagnostics and the bound plugin (null when there were errors).</summary>
    public static (BoundPlugin? Plugin, DiagnosticBag Diagnostics) Bind(PluginKind kind, string conf)
    {
        var diagnostics = new DiagnosticBag();
        var bound = new ConfigBinder(Registry).BindPlugin(kind, ConfSnippet.Parse(conf), diagnostics);
        return (bound, diagnostics);
    }

    /// <summary>Binds and builds; fails the test with every diagnostic when binding fails.</summary>
    public static T Build<T>(PluginKind kind, string conf, PluginContext? context = null)
        where T : class
    {
        var (bound, diagnostics) = Bind(kind, conf);
        Assert.True(bound is not null && !diagnostics.HasErrors, string.Join(Environment.NewLine, diagnostics.Items));
        var ctx = context ?? new PluginContext(Registry);
        return (T)bound!.Descriptor.Build(bound.Options, ctx);
    }

    /// <summary>The error messages of a fragment that must not bind, as <c>line:col: message</c>.</summary>
    public static IReadOnlyList<string> Errors(PluginKind kind, string conf)
    {
        var (bound, diagnostics) = Bind(kind, conf);
        Assert.Null(bound);
        return diagnostics.Items
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => $"{d.Location.Line}:{d.Location.Column}: {d.Message}")
            .ToList();
    }

    public static PluginContext Context(TimeProvider? time = null, CapturingRouter? router = null, string hostname = "testhost") =>
        new(Registry)
        {
            Time = time ?? new FakeTimeProvider(DateTimeOffset.UnixEpoch),
            Router = router ?? new CapturingRouter(),
            Hostname = hostname,
        };
}
