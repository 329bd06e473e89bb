using System.Text;

namespace Tailship.Tests.Inputs.Tail;

/// <summary>Multi-line events and CRI partial lines: held until complete, and never covered by a saved position.</summary>
public sealed class TailHeldLinesTests : IAsyncDisposable
{
    private readonly TailHarness _h = new();
    private readonly CapturingRouter _router = new();

    public async ValueTask DisposeAsync()
    {
        await _h.DisposeAsync();
        _router.Dispose();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly (string, string)[] Multiline =
    [
        ("parse.@type", "multiline"),
        ("parse.format_firstline", "/^\\d{4}-/"),
        ("parse.format1", "/^(?<message>.*)/"),
    ];

    [Fact]
    public async Task MultilineGroup_HeldUntilNextFirstLine_PositionStaysBeforeIt()
    {
        var log = _h.PathOf("m.log");
        var pos = _h.PathOf("m.pos");
        const string First = "2024-01-01 a\n  at x\n  at y\n";
        await File.WriteAllTextAsync(log, "orphan\n" + First + "2024-01-02 b\n  at z\n", Ct);
        (string, string)[] config = [("path", log), ("tag", "t"), ("read_from_head", "true"), ("pos_file", pos), .. Multiline];
        var input = await _h.StartAsync(_router, config);
        await _router.WaitForCountAsync(1);
        await _h.Logs.WaitForAsync(m => m.Contains("incomplete line before first line", StringComparison.Ordinal));
        await input.StopAsync(Ct);
        Assert.Equal("2024-01-01 a\n  at x\n  at y", Assert.Single(_router.Events).Message);
        var offset = Convert.ToInt64(Assert.Single(TailHarness.ReadPosFile(pos)).Split('\t')[1], 16);
        Assert.Equal(Encoding.UTF8.GetByteCount("orphan\n" + First), offset);

        await File.AppendAllTextAsync(log, "2024-01-03 c\n", Ct);
        await _h.StartAsync(_router, config);
        await _router.WaitForCountAsync(2);
        Assert.Equal("2024-01-02 b\n  at z", _router.Events[1].Message);
    }

    [Fact]
    public async Task MultilineFlushInterval_EmitsTheLastGroupWithoutANextFirstLine()
    {
        var log = _h.PathOf("f.log");
        await File.WriteAllTextAsync(log, "2024-01-01 a\n  more\n", Ct);
        await _h.StartAsync(_router, [("path", log), ("tag", "t"), ("read_from_head", "true"), ("multiline_flush_interval", "0.5"), .. Multiline]);
        await _router.WaitForCountAsync(1, seconds: 10);
        Assert.Equal("2024-01-01 a\n  more", _router.Messages[0]);
    }

    [Fact]
    public async Task CriPartialLines_JoinedIntoOneEvent_PartsNeverCoveredByAPosition()
    {
        var log = _h.PathOf("c.log");
        var pos = _h.PathOf("c.pos");
        await File.WriteAllTextAsync(log, "2020-10-10T00:10:00.333333333Z stdout F whole\n2020-10-10T00:10:01.000000000Z stdout P part one, \n", Ct);
        (string, string)[] config = [("path", log), ("tag", "t"), ("read_from_head", "true"), ("pos_file", pos), ("parse.@type", "cri")];
        var input = await _h.StartAsync(_router, config);
        await _router.WaitForCountAsync(1);
        await input.StopAsync(Ct);
        Assert.Equal("whole", Assert.Single(_router.Events).Message);
        var offset = Convert.ToInt64(Assert.Single(TailHarness.ReadPosFile(pos)).Split('\t')[1], 16);
        Assert.Equal(Encoding.UTF8.GetByteCount("2020-10-10T00:10:00.333333333Z stdout F whole\n"), offset);

        await File.AppendAllTextAsync(log, "2020-10-10T00:10:02.000000000Z stdout F part two\n", Ct);
        await _h.StartAsync(_router, config);
        await _router.WaitForCountAsync(2);
        Assert.Equal("part one, part two", _router.Events[1].Message);
        Assert.Equal("stdout", _router.Events[1].Record["stream"].AsString);
    }
}
