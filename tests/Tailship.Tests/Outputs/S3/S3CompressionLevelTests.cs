using System.IO.Compression;
using System.Text;
using ZstdSharp;

namespace Tailship.Tests.Outputs.S3;

/// <summary>
/// <c>gzip_compression_level</c> and <c>zstd_compression_level</c> reach the encoder: the levels bound from a config
/// give objects of different sizes that decode to the same lines.
/// </summary>
public sealed class S3CompressionLevelTests
{
    // Log-like lines: repetitive enough to compress well, varied enough that the levels differ.
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 20_000).Select(i =>
        $"2026-11-26T01:20:{i % 60:00}+00:00\tcount.format{i % 2 + 1}\t{{\"message\":\"{i * 7919 % 100_003}: Thu Nov 26 01:20:{i % 60:00} UTC 2026 INFO {i}\"}}\n")));

    [Theory]
    [InlineData("gzip", "gzip_compression_level", 1, 9)]
    [InlineData("zstd", "zstd_compression_level", 1, 19)]
    public async Task Level_ChangesTheObjectNotItsContent(string storeAs, string parameter, int fast, int small)
    {
        var fastBytes = await EncodeAsync(storeAs, parameter, fast);
        var smallBytes = await EncodeAsync(storeAs, parameter, small);

        Assert.True(smallBytes.Length < fastBytes.Length, $"{parameter} {small} gave {smallBytes.Length} bytes, {fast} gave {fastBytes.Length}");
        Assert.Equal(Payload, Decode(storeAs, fastBytes));
        Assert.Equal(Payload, Decode(storeAs, smallBytes));
    }

    private static async Task<byte[]> EncodeAsync(string storeAs, string parameter, int level)
    {
        var options = S3OutputHarness.Options(("s3_bucket", "b"), ("store_as", storeAs), (parameter, level.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var input = new MemoryStream(Payload);
        using var output = new MemoryStream();
        await options.StoreAs.EncodeAsync(input, output, TestContext.Current.CancellationToken);
        return output.ToArray();
    }

    private static byte[] Decode(string storeAs, byte[] encoded)
    {
        using var input = new MemoryStream(encoded);
        using Stream decoder = storeAs == "gzip" ? new GZipStream(input, CompressionMode.Decompress) : new DecompressionStream(input);
        using var result = new MemoryStream();
        decoder.CopyTo(result);
        return result.ToArray();
    }
}
