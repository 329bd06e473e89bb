using BenchmarkDotNet.Attributes;
using Tailship.Inputs.Tail;

namespace Tailship.Benchmarks;

/// <summary>
/// in_tail's line framing: <see cref="TailFileReader"/> reading a file from the page cache and splitting it into lines
/// (LF, CRLF chomped), in batches of <c>read_lines_limit</c> (1,000, the default) as the tail loop asks for them. The
/// file ends in a partial line, which the reader must hold back. One operation is one line; the figure includes the
/// <c>pread</c> calls (64 KB at a time) and the moves of a line cut at a buffer boundary.
/// </summary>
[MemoryDiagnoser]
public class LineFramingBenchmarks : ILineSink
{
    private const int Lines = 20_000;
    private const int ReadLinesLimit = 1000;

    private string _directory = string.Empty;
    private TailFileReader _reader = null!;
    private long _bytes;
    private int _lines;

    /// <summary><c>plain</c>: the e2e harness's 100-byte lines; <c>web</c>: Apache combined lines (about 190 bytes), CRLF-terminated.</summary>
    [Params("plain", "web")]
    public string Input { get; set; } = "plain";

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("tailship-bench-framing-").FullName;
        var path = Path.Combine(_directory, "input.log");
        var r = new Random(7);
        using (var writer = new StreamWriter(path))
        {
            for (var i = 0; i < Lines; i++)
            {
                writer.Write(Input == "web" ? SampleLogs.Apache(r, i) + "\r\n" : SampleLogs.Plain(i) + "\n");
            }

            writer.Write("a partial last line that has no LF yet");
        }

        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        _reader = new TailFileReader(handle, path, inode: 1, offset: 0, generation: 1, maxLineSize: 0);
        if (Frame() != Lines || _reader.PendingBytes == 0)
        {
            throw new InvalidOperationException($"framed {_lines} lines, holding {_reader.PendingBytes} bytes");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _reader.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Lines)]
    public int Frame()
    {
        _lines = 0;
        _reader.Reset(0);
        while (_reader.Read(this, ReadLinesLimit, long.MaxValue, out _, out _) == ReadOutcome.LimitReached)
        {
        }

        return _lines;
    }

    public void OnLine(ReadOnlySpan<byte> line)
    {
        _lines++;
        _bytes += line.Length;
    }

    public void OnLineTooLong(long length) => throw new InvalidOperationException("no line is too long here");
}
