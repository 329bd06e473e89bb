using Tailship.Config;

namespace Tailship.Plugins;

/// <summary>
/// Every plugin Tailship has, keyed by kind and <c>@type</c>, and the names of Fluentd's plugins it does not have
/// yet, so that a config using one gets "not implemented yet" instead of "unknown".
/// </summary>
public sealed class PluginRegistry
{
    private static readonly Dictionary<PluginKind, string[]> KnownFluentdPlugins = new()
    {
        [PluginKind.Input] = ["tail", "forward", "http", "syslog", "exec", "sample", "dummy", "monitor_agent", "unix", "tcp", "udp", "windows_eventlog", "windows_eventlog2", "object_space", "prometheus", "prometheus_monitor", "prometheus_output_monitor", "prometheus_tail_monitor", "systemd", "kafka", "s3", "cloudwatch_logs"],
        [PluginKind.Output] = ["copy", "stdout", "null", "file", "forward", "http", "exec", "exec_filter", "relabel", "roundrobin", "secondary_file", "s3", "elasticsearch", "opensearch", "kafka", "kafka2", "cloudwatch_logs", "kinesis_streams", "kinesis_firehose", "loki", "rewrite_tag_filter", "gcs", "azure-loganalytics", "datadog", "splunk_hec", "influxdb", "mongo", "bigquery"],
        [PluginKind.Filter] = ["grep", "record_transformer", "parser", "stdout", "kubernetes_metadata", "concat", "geoip", "throttle", "record_modifier", "prometheus"],
        [PluginKind.Parser] = ["none", "json", "regexp", "ltsv", "csv", "tsv", "apache2", "apache_error", "apache", "nginx", "syslog", "multiline", "msgpack", "cri", "docker", "multi_format", "grok", "multiline_grok"],
        [PluginKind.Formatter] = ["out_file", "json", "ltsv", "single_value", "csv", "hash", "msgpack", "stdout", "tsv"],
        [PluginKind.Buffer] = ["memory", "file", "file_single"],
    };

    private readonly Dictionary<(PluginKind, string), PluginDescriptor> _plugins = [];
    private readonly Dictionary<(PluginKind, string), string> _aliases = [];

    public IEnumerable<PluginDescriptor> All => _plugins.Values.OrderBy(p => p.Spec.Kind).ThenBy(p => p.Spec.Type, StringComparer.Ordinal);

    public PluginRegistry Add(PluginDescriptor descriptor)
    {
        _plugins[(descriptor.Spec.Kind, descriptor.Spec.Type)] = descriptor;
        return this;
    }

    /// <summary>Another name for a plugin (e.g. <c>dummy</c> for <c>sample</c>).</summary>
    public PluginRegistry AddAlias(PluginKind kind, string alias, string type)
    {
        _aliases[(kind, alias)] = type;
        return this;
    }

    public PluginDescriptor? Find(PluginKind kind, string type)
    {
        if (_aliases.TryGetValue((kind, type), out var target))
        {
            type = target;
        }

        return _plugins.GetValueOrDefault((kind, type));
    }

    /// <summary>Finds a plugin or explains, in one message, why there is none.</summary>
    public PluginDescriptor? Resolve(PluginKind kind, string type, out string? error)
    {
        var found = Find(kind, type);
        if (found is not null)
        {
            error = null;
            return found;
        }

        var kindName = KindName(kind);
        if (KnownFluentdPlugins.TryGetValue(kind, out var known) && known.Contains(type))
        {
            error = $"{kindName} plugin '@type {type}' is a Fluentd plugin that Tailship does not implement yet";
            return null;
        }

        var names = _plugins.Keys.Where(k => k.Item1 == kind).Select(k => k.Item2)
            .Concat(_aliases.Keys.Where(k => k.Item1 == kind).Select(k => k.Item2));
        var suggestion = Suggest.Closest(type, names);
        error = $"unknown {kindName} plugin '@type {type}'" + (suggestion is null ? string.Empty : $"; did you mean '{suggestion}'?");
        return null;
    }

    public static string KindName(PluginKind kind) => kind switch
    {
        PluginKind.Input => "input",
        PluginKind.Output => "output",
        PluginKind.Filter => "filter",
        PluginKind.Parser => "parser",
        PluginKind.Formatter => "formatter",
        PluginKind.Buffer => "buffer",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
