namespace Tailship.Plugins;

/// <summary>The plugins that ship with Tailship. Each plugin declares itself once, in a static descriptor.</summary>
public static class BuiltinPlugins
{
    public static PluginRegistry CreateRegistry()
    {
        var registry = new PluginRegistry();

        // One line per plugin, grouped by kind; keep each group in alphabetical order.
        // Inputs

        // Outputs
        registry.Add(Outputs.Copy.CopyOutput.Descriptor);
        registry.Add(Outputs.Null.NullOutput.Descriptor);
        registry.Add(Outputs.Relabel.RelabelOutput.Descriptor);
        registry.Add(Outputs.SecondaryFile.SecondaryFileOutput.Descriptor);

        // Filters

        // Parsers

        // Formatters

        return registry;
    }
}
