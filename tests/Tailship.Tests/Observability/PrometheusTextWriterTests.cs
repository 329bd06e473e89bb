using Tailship.Observability;

namespace Tailship.Tests.Observability;

public sealed class PrometheusTextWriterTests
{
    [Fact]
    public void Exposition_MatchesGoldenFile()
    {
        var registry = new MetricsRegistry();
        registry.Counter("tailship_test_records_total", "Records seen, with a \\ and a\nline feed in the help.", ("plugin_id", "weird \"id\" \\ with\nnewline"), ("type", "tail")).Add(42);
        registry.Counter("tailship_test_records_total", "ignored: the first help wins", ("plugin_id", "a"), ("type", "tail")).Increment();
        registry.Gauge("tailship_test_gauge", "A plain gauge.").Set(1.5);
        registry.ObservedGauge("tailship_test_observed", "An observed gauge.", () => double.PositiveInfinity, ("plugin_id", "x"));
        registry.Gauge("tailship_test_unicode", "Label values stay UTF-8.", ("path", "/var/log/日本.log")).Set(-2);
        var histogram = registry.Histogram("tailship_test_duration_seconds", "A latency.", [0.125, 1, 2.5], ("plugin_id", "x"));
        histogram.Observe(0.0625);
        histogram.Observe(0.125);
        histogram.Observe(0.5);
        histogram.Observe(3);

        var expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "Observability", "exposition.prom"));
        Assert.Equal(expected, registry.WriteText());
    }

    [Fact]
    public void FamilyWithoutSeries_IsNotWritten()
    {
        var registry = new MetricsRegistry();
        registry.Counter("tailship_a_total", "A.", ("file", "x")).Increment();
        registry.Remove("tailship_a_total", ("file", "x"));

        Assert.Equal(string.Empty, registry.WriteText());
    }

    [Theory]
    [InlineData("9starts_with_digit")]
    [InlineData("has-dash")]
    [InlineData("")]
    public void InvalidMetricName_Throws(string name) =>
        Assert.Throws<ArgumentException>(() => new MetricsRegistry().Counter(name, "x"));

    [Fact]
    public void ReservedOrRepeatedLabel_Throws()
    {
        var registry = new MetricsRegistry();
        Assert.Throws<ArgumentException>(() => registry.Counter("a_total", "x", ("__name", "v")));
        Assert.Throws<ArgumentException>(() => registry.Counter("b_total", "x", ("k", "1"), ("k", "2")));
        Assert.Throws<ArgumentException>(() => registry.Histogram("c_seconds", "x", null, ("le", "1")));
    }

    [Fact]
    public void SameNameWithOtherTypeOrLabels_Throws()
    {
        var registry = new MetricsRegistry();
        registry.Counter("tailship_x_total", "x", ("plugin_id", "a"));

        Assert.Throws<InvalidOperationException>(() => registry.Gauge("tailship_x_total", "x", ("plugin_id", "a")));
        Assert.Throws<InvalidOperationException>(() => registry.Counter("tailship_x_total", "x", ("type", "a")));
    }

    [Fact]
    public void SameLabels_ReturnTheSameSeries()
    {
        var registry = new MetricsRegistry();
        var first = registry.Counter("tailship_x_total", "x", ("plugin_id", "a"));
        var second = registry.Counter("tailship_x_total", "x", ("plugin_id", "a"));

        Assert.Same(first, second);
    }

    [Fact]
    public void Counter_NegativeAmount_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetricsRegistry().Counter("a_total", "x").Add(-1));

    [Fact]
    public async Task ConcurrentUpdates_LoseNothing()
    {
        var registry = new MetricsRegistry();
        var counter = registry.Counter("tailship_c_total", "x");
        var gauge = registry.Gauge("tailship_g", "x");
        var histogram = registry.Histogram("tailship_h_seconds", "x", [1]);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                counter.Increment();
                gauge.Add(1);
                histogram.Observe(0.5);
            }
        })));

        Assert.Equal(400_000, counter.Value);
        Assert.Equal(400_000, gauge.Value);
        Assert.Equal(400_000, histogram.Count);
        Assert.Equal(200_000, histogram.Sum);
    }

    [Fact]
    public void ObservedGauge_CannotBeSet()
    {
        var gauge = new MetricsRegistry().ObservedGauge("tailship_o", "x", () => 1);

        Assert.Throws<InvalidOperationException>(() => gauge.Set(2));
    }
}
