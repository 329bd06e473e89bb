using System.Text;
using Tailship.Inputs.Tail;

namespace Tailship.Tests.Inputs.Tail;

public sealed class TailFileReaderTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "tailship-reader-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => File.Delete(_path);

    private sealed class Sink : ILineSink
    {
        public List<byte[]> Lines { get; } = [];

        public List<long> TooLong { get; } = [];

        public void OnLine(ReadOnlySpan<byte> line) => Lines.Add(line.ToArray());

        public void OnLineTooLong(long length) => TooLong.Add(length);

        public List<string> Text => Lines.Select(l => Encoding.UTF8.GetString(l)).ToList();
    }

    private TailFileReader Open(long maxLineSize = 0) =>
        new(File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete), _path, 1, 0, 1, maxLineSize);

    private static void ReadAll(TailFileReader reader, Sink sink)
    {
        while (reader.Read(sink, 1000, long.MaxValue, out _, out _) == ReadOutcome.LimitReached)
        {
        }
    }

    [Fact]
    public void CrLfAndLf_ChompedLikeRuby()
    {
        File.WriteAllBytes(_path, "a\r\nb\nc\r\r\nd\re\n\n"u8.ToArray());
        using var reader = Open();
        var sink = new Sink();
        ReadAll(reader, sink);
        Assert.Equal(["a", "b", "c\r", "d\re", string.Empty], sink.Text);
        Assert.Equal(new FileInfo(_path).Length, reader.LineStartOffset);
    }

    [Fact]
    public void Drained_BufferReleased_HeldPartialLineKeepsIt_NextReadRentsAgain()
    {
        File.WriteAllBytes(_path, "one\ntwo\n"u8.ToArray());
        using var reader = Open();
        var sink = new Sink();
        Assert.False(reader.HoldsBuffer);

        ReadAll(reader, sink);
        Assert.Equal(["one", "two"], sink.Text);
        Assert.False(reader.HoldsBuffer);

        File.AppendAllText(_path, "thr");
        ReadAll(reader, sink);
        Assert.True(reader.HoldsBuffer); // the partial line lives in it
        Assert.Equal(3, reader.PendingBytes);

        File.AppendAllText(_path, "ee\nfour\n");
        ReadAll(reader, sink);
        Assert.Equal(["one", "two", "three", "four"], sink.Text);
        Assert.False(reader.HoldsBuffer);
        Assert.Equal(new FileInfo(_path).Length, reader.LineStartOffset);
    }

    [Fact]
    public void OverLongLineSkippedAfterBufferReleased_CountedAndFollowingLinesRead()
    {
        File.WriteAllBytes(_path, "ok\n"u8.ToArray());
        using var reader = Open(maxLineSize: 8);
        var sink = new Sink();
        ReadAll(reader, sink);
        Assert.False(reader.HoldsBuffer);

        File.AppendAllText(_path, new string('x', 100) + "\nafter\n");
        ReadAll(reader, sink);
        Assert.Equal(["ok", "after"], sink.Text);
        Assert.Equal([101L], sink.TooLong);
        Assert.False(reader.HoldsBuffer);
    }

    [Fact]
    public void UnterminatedLastLine_HeldUntilItsNewlineArrives()
    {
        File.WriteAllBytes(_path, "one\ntw"u8.ToArray());
        using var reader = Open();
        var sink = new Sink();
        ReadAll(reader, sink);
        Assert.Equal(["one"], sink.Text);
        Assert.Equal(4, reader.LineStartOffset);
        Assert.Equal(2, reader.PendingBytes);

        File.AppendAllText(_path, "o\nthree");
        ReadAll(reader, sink);
        Assert.Equal(["one", "two"], sink.Text);
        Assert.Equal(8, reader.LineStartOffset);
    }

    [Fact]
    public void InvalidUtf8AndNul_PassedThroughUnchanged()
    {
        byte[] line = [0x61, 0x00, 0xFF, 0xC3, 0x28, 0xE2, 0x82, 0x62];
        File.WriteAllBytes(_path, [.. line, 0x0A]);
        using var reader = Open();
        var sink = new Sink();
        ReadAll(reader, sink);
        Assert.Equal(line, Assert.Single(sink.Lines));
    }

    [Theory]
    [InlineData(10, 9, false)] // 9 bytes + LF = 10: kept
    [InlineData(10, 10, true)] // 10 bytes + LF = 11 > 10: dropped
    public void MaxLineSize_CountsTheNewline(int max, int length, bool dropped)
    {
        File.WriteAllText(_path, new string('x', length) + "\nok\n");
        using var reader = Open(max);
        var sink = new Sink();
        ReadAll(reader, sink);
        Assert.Equal(dropped ? ["ok"] : [new string('x', length), "ok"], sink.Text);
        Assert.Equal(dropped ? [length + 1L] : [], sink.TooLong);
        Assert.Equal(length + 4, reader.LineStartOffset);
    }

    [Fact]
    public void LineFarOverMaxLineSize_DroppedWithoutBufferingIt()
    {
        var huge = new string('y', 3_000_000);
        File.WriteAllText(_path, "before\n" + huge + "\nafter\n");
        using var reader = Open(1024);
        var sink = new Sink();
        ReadAll(reader, sink);
        Assert.Equal(["before", "after"], sink.Text);
        Assert.Equal([3_000_001L], sink.TooLong);
        Assert.Equal(new FileInfo(_path).Length, reader.LineStartOffset);
    }

    [Fact]
    public void LineLongerThanBuffer_WithoutLimit_KeptWhole()
    {
        var big = new string('z', 200_000);
        File.WriteAllText(_path, big + "\n");
        using var reader = Open();
        var sink = new Sink();
        ReadAll(reader, sink);
        Assert.Equal(big, Assert.Single(sink.Text));
    }

    [Fact]
    public void ReadLinesLimit_StopsAfterThatManyLines()
    {
        File.WriteAllText(_path, "1\n2\n3\n4\n5\n");
        using var reader = Open();
        var sink = new Sink();
        Assert.Equal(ReadOutcome.LimitReached, reader.Read(sink, 2, long.MaxValue, out var lines, out _));
        Assert.Equal(2, lines);
        Assert.Equal(4, reader.LineStartOffset);
    }

    [Fact]
    public void Reset_RereadsFromTheGivenOffset()
    {
        File.WriteAllText(_path, "a\nb\n");
        using var reader = Open();
        var sink = new Sink();
        ReadAll(reader, sink);
        reader.Reset(2);
        ReadAll(reader, sink);
        Assert.Equal(["a", "b", "b"], sink.Text);
    }
}
