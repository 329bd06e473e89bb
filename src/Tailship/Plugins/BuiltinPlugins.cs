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
        registry.Add(Outputs.File.FileOutput.Descriptor);
        registry.Add(Outputs.Stdout.StdoutOutput.Descriptor);

        // Filters
        registry.Add(Filters.Grep.GrepFilter.Descriptor);
        registry.Add(Filters.RecordTransformer.RecordTransformerFilter.Descriptor);

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
