using Tailship.Buffers;
using Tailship.Config;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Buffers;

public class BufferCompatTests
{
    private static (ConfigSection Match, ConfigSection Buffer, DiagnosticBag Diags) Convert(params (string, string)[] parameters)
    {
        var match = Conf.Section("match", "**", parameters.Select(p => (object)p).Prepend(("@type", "s3")).ToArray());
        var diags = new DiagnosticBag();
        Assert.True(BufferCompat.Apply(match, "time", diags));
        return (match, match.Sections.Single(s => s.Name == "buffer"), diags);
    }

    [Fact]
    public void SeedConfig_BecomesFileBufferPerMinute()
    {
        using var temp = new TempDirectory();
        var dir = temp.Path;
        var original = Conf.Param("buffer_path", dir);
        var match = Conf.Section("match", "**", ("@type", "s3"), original, ("time_slice_format", "%Y%m%d%H%M"), ("time_slice_wait", "1m"));
        var diags = new DiagnosticBag();
        Assert.True(BufferCompat.Apply(match, "time", diags));
        var buffer = match.Sections.Single(s => s.Name == "buffer");
        Assert.False(diags.HasErrors);
        Assert.Equal("time", buffer.Argument);
        Assert.Equal("file", buffer.Find("@type")!.Value);
        Assert.Equal(dir, buffer.Find("path")!.Value);
        Assert.Equal("60", buffer.Find("timekey")!.Value);
        Assert.Equal("1m", buffer.Find("timekey_wait")!.Value);
        Assert.Null(match.Find("buffer_path"));
        Assert.NotNull(match.Find("time_slice_format"));

        // The location of the user's line is kept, so errors point at it.
        Assert.Equal(original.ValueLocation, buffer.Find("path")!.ValueLocation);

        var bound = new ConfigBinder(Plugins.BuiltinPlugins.CreateRegistry()).Bind(buffer, BufferSection.Spec, diags, "<buffer>");
        var options = BufferOptions.FromConfig(bound, new BufferDefaults("time"), diags)!;
        Assert.True(options.IsFile);
        Assert.Equal(TimeSpan.FromMinutes(1), options.Timekey);
        Assert.Equal(TimeSpan.FromMinutes(1), options.TimekeyWait);
        Assert.Equal(FlushMode.Lazy, options.FlushMode);
    }

    [Theory]
    [InlineData("%Y%m%d", "86400")]
    [InlineData("%Y%m%d%H", "3600")]
    [InlineData("%Y%m%d%H%M", "60")]
    [InlineData("%Y%m%d%H%M%S", "1")]
    public void TimeSliceFormat_GivesTimekeyOfFinestField(string format, string timekey) =>
        Assert.Equal(timekey, BufferCompat.TimekeyOf(format));

    [Fact]
    public void TimeSliceFormatWithoutDay_IsAnError()
    {
        var match = Conf.Section("match", "**", ("time_slice_format", "%Y%m"));
        var diags = new DiagnosticBag();
        BufferCompat.Apply(match, "time", diags);
        Assert.True(diags.HasErrors);
    }

    [Fact]
    public void EveryOldParam_MapsToItsV1Name()
    {
        var (match, buffer, diags) = Convert(
            ("buffer_type", "memory"), ("buffer_chunk_limit", "2m"), ("buffer_queue_limit", "4"), ("num_threads", "3"),
            ("retry_limit", "5"), ("max_retry_wait", "30s"), ("disable_retry_limit", "true"),
            ("buffer_queue_full_action", "exception"), ("flush_interval", "10s"), ("utc", "true"));
        Assert.False(diags.HasErrors);
        Assert.Equal("memory", buffer.Find("@type")!.Value);
        Assert.Equal("2m", buffer.Find("chunk_limit_size")!.Value);
        Assert.Equal("4", buffer.Find("queue_limit_length")!.Value);
        Assert.Equal("3", buffer.Find("flush_thread_count")!.Value);
        Assert.Equal("5", buffer.Find("retry_max_times")!.Value);
        Assert.Equal("30s", buffer.Find("retry_max_interval")!.Value);
        Assert.Equal("true", buffer.Find("retry_forever")!.Value);
        Assert.Equal("throw_exception", buffer.Find("overflow_action")!.Value);
        Assert.Equal("interval", buffer.Find("flush_mode")!.Value);
        Assert.Equal("10s", buffer.Find("flush_interval")!.Value);
        Assert.Equal("true", buffer.Find("timekey_use_utc")!.Value);
        Assert.NotNull(match.Find("utc")); // also configures the formatter
        Assert.Null(match.Find("num_threads"));

        var bound = new ConfigBinder(Plugins.BuiltinPlugins.CreateRegistry()).Bind(buffer, BufferSection.Spec, diags, "<buffer>");
        var o = BufferOptions.FromConfig(bound, new BufferDefaults("time", TimeSpan.FromDays(1)), diags)!;
        Assert.Equal(8L * 1024 * 1024, o.TotalLimitSize);
        Assert.Equal(3, o.FlushThreadCount);
        Assert.True(o.Retry.Forever);
        Assert.Equal(FlushMode.Interval, o.FlushMode);
        Assert.Equal(TimeZoneInfo.Utc, o.Zone);
    }

    [Fact]
    public void LocaltimeFalse_MeansUtc_AndTimezoneBecomesTimekeyZone()
    {
        var (_, buffer, _) = Convert(("time_slice_format", "%Y%m%d%H"), ("localtime", "false"));
        Assert.Equal("true", buffer.Find("timekey_use_utc")!.Value);
        var (_, zoned, _) = Convert(("time_slice_format", "%Y%m%d%H"), ("timezone", "+09:00"));
        Assert.Equal("+09:00", zoned.Find("timekey_zone")!.Value);
    }

    [Fact]
    public void WrittenBufferSection_OldParamsIgnoredWithWarning()
    {
        var match = Conf.Section("match", "**", ("buffer_path", "/tmp/x"), Conf.Section("buffer", "tag"));
        var diags = new DiagnosticBag();
        Assert.False(BufferCompat.Apply(match, "time", diags));
        Assert.Contains(diags.Items, d => d.Severity == DiagnosticSeverity.Warning && d.Message.Contains("buffer_path", StringComparison.Ordinal));
        Assert.Null(match.Find("buffer_path"));
    }

    [Fact]
    public void NoOldParams_NoSectionAdded()
    {
        var match = Conf.Section("match", "**", ("@type", "s3"));
        Assert.False(BufferCompat.Apply(match, "time", new DiagnosticBag()));
        Assert.Empty(match.Sections);
    }
}
