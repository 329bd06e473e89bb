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
        registry.Add(Inputs.MonitorAgent.MonitorAgentInput.Descriptor);
        registry.Add(Inputs.Prometheus.PrometheusInput.Descriptor);
        registry.Add(Inputs.Sample.SampleInput.Descriptor).AddAlias(PluginKind.Input, "dummy", "sample");
        registry.Add(Inputs.Tail.TailInput.Descriptor);

        // Outputs
        registry.Add(Outputs.Copy.CopyOutput.Descriptor);
        registry.Add(Outputs.File.FileOutput.Descriptor);
        registry.Add(Outputs.Null.NullOutput.Descriptor);
        registry.Add(Outputs.Relabel.RelabelOutput.Descriptor);
        registry.Add(Outputs.SecondaryFile.SecondaryFileOutput.Descriptor);
        registry.Add(Outputs.Stdout.StdoutOutput.Descriptor);
        registry.Add(Outputs.S3.S3Output.Descriptor);

        // Filters
        registry.Add(Filters.Grep.GrepFilter.Descriptor);
        registry.Add(Filters.RecordTransformer.RecordTransformerFilter.Descriptor);

        // Parsers
        registry.Add(Parsers.Apache.ApacheParser.Descriptor);
        registry.Add(Parsers.Apache2.Apache2Parser.Descriptor);
        registry.Add(Parsers.ApacheError.ApacheErrorParser.Descriptor);
        registry.Add(Parsers.Cri.CriParser.Descriptor);
        registry.Add(Parsers.Csv.CsvParser.Descriptor);
        registry.Add(Parsers.Json.JsonParser.Descriptor);
        registry.Add(Parsers.Ltsv.LtsvParser.Descriptor);
        registry.Add(Parsers.Msgpack.MsgpackParser.Descriptor);
        registry.Add(Parsers.Multiline.MultilineParser.Descriptor);
        registry.Add(Parsers.Nginx.NginxParser.Descriptor);
        registry.Add(Parsers.None.NoneParser.Descriptor);
        registry.Add(Parsers.Regexp.RegexpParser.Descriptor);
        registry.Add(Parsers.Syslog.SyslogParser.Descriptor);
        registry.Add(Parsers.Tsv.TsvParser.Descriptor);

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
