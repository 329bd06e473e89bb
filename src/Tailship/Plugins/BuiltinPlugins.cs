using Tailship.Config;

namespace Tailship.Plugins;

/// <summary>The plugins that ship with Tailship. Each plugin declares itself once, in a static descriptor.</summary>
public static class BuiltinPlugins
{
    public static PluginRegistry CreateRegistry()
    {
        var registry = new PluginRegistry();

        // One line per plugin, grouped by kind; keep each group in alphabetical order.
        // Inputs
        registry.Add(Inputs.Sample.SampleInput.Descriptor).AddAlias(PluginKind.Input, "dummy", "sample");

        // Outputs

        // Filters
        registry.Add(Filters.Grep.GrepFilter.Descriptor);
        registry.Add(Filters.RecordTransformer.RecordTransformerFilter.Descriptor);

        // Parsers

        // Formatters

        return registry;
    }
}
