namespace Tailship.Plugins;

/// <summary>The plugins that ship with Tailship. Each plugin declares itself once, in a static descriptor.</summary>
public static class BuiltinPlugins
{
    public static PluginRegistry CreateRegistry()
    {
        var registry = new PluginRegistry();

        // One line per plugin, grouped by kind; keep each group in alphabetical order.
        // Inputs
        registry.Add(Inputs.Tail.TailInput.Descriptor);

        // Outputs

        // Filters

        // Parsers

        // Formatters

        return registry;
    }
}
