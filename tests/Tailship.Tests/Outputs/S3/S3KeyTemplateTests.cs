using Tailship.Buffers;
using Tailship.Outputs.S3;
using Tailship.Text;

namespace Tailship.Tests.Outputs.S3;

public sealed class S3KeyTemplateTests
{
    private static readonly S3KeyValues Values = new(
        Path: "logs/",
        TimeSlice: "202611260120",
        Index: "3",
        FileExtension: "gz",
        UuidFlush: "0f8fad5b-d9cb-469f-a165-70867728950e",
        HexRandom: "a1b2",
        Hostname: "web-1",
        ChunkId: "5f1e0000000000000000000000000abc");

    [Theory]
    [InlineData("%{path}%{time_slice}_%{index}.%{file_extension}", "logs/202611260120_3.gz")]
    [InlineData("%{path}%{time_slice}_%{uuid_flush}.%{file_extension}", "logs/202611260120_0f8fad5b-d9cb-469f-a165-70867728950e.gz")]
    [InlineData("%{hex_random}/%{path}%{hostname}-%{index}", "a1b2/logs/web-1-3")]
    [InlineData("%{path}${chunk_id}.%{file_extension}", "logs/5f1e0000000000000000000000000abc.gz")]
    [InlineData("${tag}/${tag[1]}/${tag[-1]}/%{index}", "app.web.access/web/access/3")]
    [InlineData("${region}/%Y/%m/%d/%H%M_%{index}", "eu/2026/11/26/0120_3")]
    [InlineData("%{unknown}_%{index}", "%{unknown}_3")]
    public void Render_Table(string format, string expected)
    {
        var metadata = new ChunkMetadata("app.web.access", 1795656000, new Dictionary<string, string> { ["region"] = "eu" });
        Assert.Equal(expected, S3KeyTemplate.Parse(format).Render(Values, metadata, TimeZoneSpec.Utc));
    }

    [Fact]
    public void TimePlaceholders_WithoutTimeKey_KeptAsWritten()
    {
        var metadata = new ChunkMetadata(null, null, new Dictionary<string, string>());
        Assert.Equal("%Y/x_3", S3KeyTemplate.Parse("%Y/x_%{index}").Render(Values, metadata, TimeZoneSpec.Utc));
    }

    [Theory]
    [InlineData("%{path}%{time_slice}_%{index}.%{file_extension}", true, false)]
    [InlineData("%{path}%{time_slice}_%{index}_%{uuid_flush}", true, true)]
    [InlineData("%{path}${chunk_id}", false, true)]
    public void Template_KnowsIndexAndUniqueness(string format, bool usesIndex, bool unique)
    {
        var template = S3KeyTemplate.Parse(format);
        Assert.Equal(usesIndex, template.UsesIndex);
        Assert.Equal(unique, template.UniquePerChunk);
    }

    [Theory]
    [InlineData("%d", 7, "7")]
    [InlineData("%03d", 7, "007")]
    [InlineData("%x", 255, "ff")]
    [InlineData("part-%02d-x", 3, "part-03-x")]
    [InlineData("%-3d|", 5, "5  |")]
    [InlineData("100%%-%d", 2, "100%-2")]
    public void IndexFormat_Table(string format, long index, string expected)
    {
        Assert.True(S3IndexFormat.TryParse(format, out var parsed, out var error), error);
        Assert.Equal(expected, parsed.Format(index));
    }

    [Theory]
    [InlineData("no conversion")]
    [InlineData("%q")]
    [InlineData("%d%d")]
    public void IndexFormat_Invalid_Rejected(string format)
    {
        Assert.False(S3IndexFormat.TryParse(format, out _, out var error));
        Assert.Contains("index_format", error, StringComparison.Ordinal);
    }
}
