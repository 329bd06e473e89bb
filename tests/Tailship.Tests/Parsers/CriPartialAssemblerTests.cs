using System.Text;
using Tailship.Parsers.Cri;

namespace Tailship.Tests.Parsers;

public sealed class CriPartialAssemblerTests
{
    private static string? Feed(CriPartialAssembler assembler, string line) =>
        assembler.Add(Encoding.UTF8.GetBytes(line), out var complete) ? Encoding.UTF8.GetString(complete) : null;

    [Fact]
    public void Partials_JoinIntoTheFollowingFullLine()
    {
        var assembler = new CriPartialAssembler();
        Assert.Null(Feed(assembler, "2024-01-01T00:00:00.1Z stdout P abc"));
        Assert.Null(Feed(assembler, "2024-01-01T00:00:00.2Z stdout P def"));
        Assert.Equal(6, assembler.BufferedBytes);
        Assert.Equal("2024-01-01T00:00:00.1Z stdout F abcdefghi", Feed(assembler, "2024-01-01T00:00:00.3Z stdout F ghi"));
        Assert.Equal(0, assembler.BufferedBytes);
    }

    [Fact]
    public void Streams_AreAssembledSeparately()
    {
        var assembler = new CriPartialAssembler();
        Assert.Null(Feed(assembler, "t1 stdout P out-1 "));
        Assert.Null(Feed(assembler, "t2 stderr P err-1 "));
        Assert.Equal("t2 stderr F err-1 err-2", Feed(assembler, "t3 stderr F err-2"));
        Assert.Equal("t1 stdout F out-1 out-2", Feed(assembler, "t4 stdout F out-2"));
    }

    [Fact]
    public void FullAndForeignLines_PassThroughUnchanged()
    {
        var assembler = new CriPartialAssembler();
        Assert.Equal("t stdout F whole", Feed(assembler, "t stdout F whole"));
        Assert.Equal("not a cri line", Feed(assembler, "not a cri line"));
    }

    [Fact]
    public void HeldPartials_AreGivenBackBeyondTheLimit()
    {
        var assembler = new CriPartialAssembler(maxBytes: 8);
        Assert.Null(Feed(assembler, "t stdout P 1234"));
        Assert.Equal("t stdout F 12345678", Feed(assembler, "t stdout P 5678"));
        Assert.Equal(0, assembler.BufferedBytes);
    }

    [Fact]
    public void Flush_GivesBackUnfinishedParts()
    {
        var assembler = new CriPartialAssembler();
        Feed(assembler, "t stdout P tail of file");
        var flushed = assembler.Flush().Select(Encoding.UTF8.GetString).ToList();
        Assert.Equal(["t stdout F tail of file"], flushed);
        Assert.Empty(assembler.Flush());
    }

    [Fact]
    public void AssembledLine_ParsesAsOneEvent()
    {
        var assembler = new CriPartialAssembler();
        Feed(assembler, "2024-01-01T00:00:00.1Z stdout P {\"a\":");
        assembler.Add("2024-01-01T00:00:00.2Z stdout F 1}"u8, out var complete);
        var parser = ParserHarness.Create("@type cri\n<parse>\n@type json\n</parse>");
        Assert.Equal(
            """{"time":"2026-11-26T01:20:00.500000000Z","record":{"a":1,"stream":"stdout","logtag":"F"}}""",
            Assert.Single(ParserHarness.Run(parser, complete)));
    }
}
