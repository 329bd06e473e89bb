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
        registry.Add(Outputs.S3.S3Output.Descriptor);

        // Filters

        // Parsers

        // Formatters
        registry.Add(Formatters.Csv.CsvFormatter.Descriptor);
        registry.Add(Formatters.Hash.HashFormatter.Descriptor);
        registry.Add(Formatters.Json.JsonFormatter.Descriptor);
        registry.Add(Formatters.Ltsv.LtsvFormatter.Descriptor);
        registry.Add(Formatters.MessagePack.MsgpackFormatter.Descriptor);
        registry.Add(Formatters.OutFile.OutFileFormatter.Descriptor);
        registry.Add(Formatters.SingleValue.SingleValueFormatter.Descriptor);
        registry.Add(Formatters.Stdout.StdoutFormatter.Descriptor);

        return registry;
    }
}
