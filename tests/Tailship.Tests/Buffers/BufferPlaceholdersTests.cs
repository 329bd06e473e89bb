using Tailship.Buffers;

namespace Tailship.Tests.Buffers;

public class BufferPlaceholdersTests
{
    private static readonly ChunkMetadata Meta = new(
        "app.web.access",
        new DateTimeOffset(2026, 11, 26, 1, 20, 0, TimeSpan.Zero).ToUnixTimeSeconds(),
        new Dictionary<string, string> { ["$.k8s.pod"] = "web-1", ["level"] = "info" });

    [Theory]
    [InlineData("logs/${tag}/", "logs/app.web.access/")]
    [InlineData("${tag[0]}/${tag[1]}/${tag[-1]}", "app/web/access")]
    [InlineData("${$.k8s.pod}-${level}", "web-1-info")]
    [InlineData("logs/%Y/%m/%d/%H%M_${tag}", "logs/2026/11/26/0120_app.web.access")]
    [InlineData("100%% ${nope}", "100% ${nope}")]
    public void Expand_FillsFromMetadata(string template, string expected) =>
        Assert.Equal(expected, BufferPlaceholders.Expand(template, Meta, TimeZoneInfo.Utc));

    [Fact]
    public void Expand_RendersStrftimeInTheZone()
    {
        Assert.True(BufferZones.TryParse("+09:00", out var tokyo));
        Assert.Equal("20261126-1020+0900", BufferPlaceholders.Expand("%Y%m%d-%H%M%z", Meta, tokyo));
    }

    [Theory]
    [InlineData("%-d %b %e %j %I%p %Z", "26 Nov 26 330 01AM UTC")]
    [InlineData("%F_%T.%L %s", "2026-11-26_01:20:00.000 1795656000")]
    [InlineData("%^a %q", "THU %q")]
    public void Expand_RendersRubysStrftime(string template, string expected) =>
        Assert.Equal(expected, BufferPlaceholders.Expand(template, Meta, TimeZoneInfo.Utc));

    [Fact]
    public void Validate_NamesTheMissingChunkKey()
    {
        Assert.True(ChunkKeys.TryParse("time", out var timeOnly, out _));
        Assert.Contains("'tag'", BufferPlaceholders.Validate("${tag}/%Y", timeOnly), StringComparison.Ordinal);
        Assert.True(ChunkKeys.TryParse("tag", out var tagOnly, out _));
        Assert.Contains("'time'", BufferPlaceholders.Validate("${tag}/%Y", tagOnly), StringComparison.Ordinal);
        Assert.True(ChunkKeys.TryParse("tag,time,level", out var all, out _));
        Assert.Null(BufferPlaceholders.Validate("${tag}/${level}/%Y", all));
    }

    [Fact]
    public void SliceStart_CutsInLocalZone()
    {
        Assert.True(BufferZones.TryParse("+05:30", out var india));
        var t = new DateTimeOffset(2024, 1, 5, 20, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var start = BufferStrftime.SliceStart(t, 86400, india);
        Assert.Equal(new DateTimeOffset(2024, 1, 6, 0, 0, 0, TimeSpan.FromHours(5.5)).ToUnixTimeSeconds(), start);
        Assert.Equal("20240106", BufferStrftime.Format("%Y%m%d", start, india));
    }
}
