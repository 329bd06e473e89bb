using Tailship.Observability;
using Tailship.Plugins;

namespace Tailship.Routing;

/// <summary>A <c>&lt;filter&gt;</c> or <c>&lt;match&gt;</c> of one label scope, in file order. Exactly one of the plugins is set.</summary>
internal sealed record RouteRule(TagPattern Pattern, string PluginId, IFilter? Filter, IOutput? Output);

/// <summary>
/// What events of one tag go through: the filters before the first matching <c>&lt;match&gt;</c> whose pattern
/// matches, then that match's output (null when nothing matched).
/// </summary>
internal sealed class Route(IFilter[] filters, IOutput? output, string? outputId)
{
    public IFilter[] Filters { get; } = filters;

    public IOutput? Output { get; } = output;

    public string? OutputId { get; } = outputId;

    /// <summary>The output's metrics handle, set by the router when it caches the route (null without metrics).</summary>
    public PluginMetrics? OutputMetrics { get; set; }

    /// <summary>Batches of this tag that matched nothing; drives the warning back-off. Updated with Interlocked.</summary>
    public long UnmatchedBatches;

    public static Route Compute(IReadOnlyList<RouteRule> rules, string tag)
    {
        List<IFilter>? filters = null;
        foreach (var rule in rules)
        {
            if (!rule.Pattern.IsMatch(tag))
            {
                continue;
            }

            if (rule.Output is not null)
            {
                return new Route(filters?.ToArray() ?? [], rule.Output, rule.PluginId);
            }

            (filters ??= []).Add(rule.Filter!);
        }

        // Filters alone do not make a route: with no <match>, nothing runs (as in Fluentd).
        return new Route([], null, null);
    }
}
