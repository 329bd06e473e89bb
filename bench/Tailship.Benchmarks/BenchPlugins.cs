using Tailship.Config;
using Tailship.Plugins;

namespace Tailship.Benchmarks;

/// <summary>
/// Builds plugins the way the pipeline does: a config section bound by <see cref="ConfigBinder"/> against the
/// registry, then the descriptor's build step. Benchmarks use only this entry point, so they keep compiling while a
/// plugin's internals (constructors, options records) change.
/// </summary>
internal static class BenchPlugins
{
    public static PluginRegistry Registry { get; } = BuiltinPlugins.CreateRegistry();

    /// <summary>A section such as <c>&lt;parse&gt;</c> with <paramref name="items"/>: (key, value) pairs and nested sections.</summary>
    public static ConfigSection Section(string name, string argument, params object[] items)
    {
        var line = 1;
        var section = new ConfigSection(name, argument, new SourceLocation("bench.conf", line, 1));
        foreach (var item in items)
        {
            line++;
            switch (item)
            {
                case ValueTuple<string, string>(var key, var value):
                    var at = new SourceLocation("bench.conf", line, 1);
                    section.Params.Add(new ConfigParam(key, value, at, at with { Column = key.Length + 2 }));
                    break;
                case ConfigSection child:
                    section.Sections.Add(child);
                    break;
                default:
                    throw new ArgumentException($"unexpected item {item}", nameof(items));
            }
        }

        return section;
    }

    /// <summary>Binds a plugin section; throws with every diagnostic when the config is refused.</summary>
    public static BoundPlugin Bind(PluginKind kind, ConfigSection section)
    {
        var diagnostics = new DiagnosticBag();
        var bound = new ConfigBinder(Registry).BindPlugin(kind, section, diagnostics);
        if (bound is null || diagnostics.HasErrors)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, diagnostics.Items));
        }

        return bound;
    }

    public static T Build<T>(PluginKind kind, ConfigSection section, PluginContext? context = null)
        where T : class
    {
        var bound = Bind(kind, section);
        return bound.Descriptor.Build(bound.Options, context ?? new PluginContext(Registry)) as T
            ?? throw new InvalidOperationException($"@type {section.Type} is not a {typeof(T).Name}");
    }
}
