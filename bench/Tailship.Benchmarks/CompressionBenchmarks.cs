using System.Buffers;
using BenchmarkDotNet.Attributes;
using Tailship.Config;
using Tailship.Events;
using Tailship.Outputs.S3;
using Tailship.Plugins;

namespace Tailship.Benchmarks;

/// <summary>
/// The S3 output's <c>store_as</c> encodings at their default levels (gzip 6, zstd 3), taken from an
/// <c>@type s3</c> section bound through the registry, on one realistic 8 MB chunk: Apache combined lines parsed by
/// <c>apache2</c> and formatted by <c>out_file</c> (S3's default format). The chunk is streamed in and the object
/// written to a reused memory stream, as the upload writer does with each part. The chunk holds a fixed number of
/// events (about 8 MiB), and one operation is one of its events, so the figures compare with the parsers' and
/// formatters'; the chunk's time is the mean times <see cref="Events"/>. <c>text</c> (a plain copy) is the baseline.
/// </summary>
[MemoryDiagnoser]
public class CompressionBenchmarks
{
    /// <summary>Events in the chunk: as many <c>out_file</c> lines as fill 8 MiB (checked in the set-up).</summary>
    public const int Events = 34_000;

    private const int ChunkBytes = 8 * 1024 * 1024;

    private readonly MemoryStream _object = new(ChunkBytes + (1024 * 1024));
    private byte[] _chunk = [];
    private S3StoreAs _storeAs = null!;

    [Params("text", "gzip", "zstd")]
    public string StoreAs { get; set; } = "gzip";

    [GlobalSetup]
    public void Setup()
    {
        _chunk = WebChunk();
        var bound = BenchPlugins.Bind(PluginKind.Output, BenchPlugins.Section("match", "bench.**", ("@type", "s3"), ("s3_bucket", "bench"), ("store_as", StoreAs)));
        _storeAs = ((S3OutputOptions)bound.Options).StoreAs;
        Encode().GetAwaiter().GetResult();
        Console.WriteLine($"// store_as {StoreAs}: {Events:N0} events, {_chunk.Length:N0} bytes -> {_object.Length:N0} bytes");
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public async Task<long> Encode()
    {
        _object.SetLength(0);
        using var input = new MemoryStream(_chunk, writable: false);
        await _storeAs.EncodeAsync(input, _object, CancellationToken.None);
        return _object.Length;
    }

    /// <summary><see cref="Events"/> <c>out_file</c> lines from parsed Apache lines, about 100 events per second of event time.</summary>
    private static byte[] WebChunk()
    {
        var parser = BenchPlugins.Build<IParser>(PluginKind.Parser, BenchPlugins.Section("parse", string.Empty, ("@type", "apache2")));
        var formatter = BenchPlugins.Build<IFormatter>(PluginKind.Formatter, BenchPlugins.Section("format", string.Empty, ("@type", "out_file"), ("utc", "true")));
        var output = new ArrayBufferWriter<byte>(ChunkBytes + 4096);
        var r = new Random(7);
        for (var i = 0; i < Events; i++)
        {
            var readTime = EventTime.FromSeconds(1_764_120_000 + (i / 100));
            parser.Parse(SampleLogs.Utf8(SampleLogs.Apache(r, i)), readTime, (t, record) => formatter.Format("bench.web", t, record, output));
        }

        if (Math.Abs(output.WrittenCount - ChunkBytes) > ChunkBytes / 10)
        {
            throw new InvalidOperationException($"{Events} events make {output.WrittenCount} bytes, not about 8 MiB: adjust {nameof(Events)}");
        }

        return output.WrittenSpan.ToArray();
    }
}
