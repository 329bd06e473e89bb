using Tailship.Hosting;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Hosting;

/// <summary>The built <c>tailship</c> trims its start-up pages, then goes on reading and delivering lines.</summary>
public sealed class StartupPageTrimProcessTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AfterTheTrim_NewLinesAreStillDelivered()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the trim is Linux only");
        var log = _dir["app.log"];
        await File.WriteAllTextAsync(log, "before trim\n", TestContext.Current.CancellationToken);
        var config = await TrimTestConfigs.WriteTailToStdoutAsync(_dir, log, TestContext.Current.CancellationToken);

        using var agent = TailshipProcess.Start(
            ["-c", config, "-v", "--suppress-config-dump"],
            new Dictionary<string, string> { [StartupPageTrim.Variable] = "0.5" });
        await agent.WaitForStdoutAsync("before trim", TimeSpan.FromSeconds(30));
        await agent.WaitForStderrAsync("trimmed start-up pages", TimeSpan.FromSeconds(30));
        Assert.Contains(" 0 refused", agent.Stderr, StringComparison.Ordinal);

        await File.AppendAllLinesAsync(log, Enumerable.Range(1, 100).Select(i => $"after trim {i:D3}"), TestContext.Current.CancellationToken);
        await agent.WaitForStdoutAsync("after trim 100", TimeSpan.FromSeconds(30));
        await agent.SignalAsync("TERM");
        var code = await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(code == 0, agent.Stderr);
        var lines = agent.Stdout.Split('\n').Where(l => l.Contains("after trim", StringComparison.Ordinal)).ToList();
        Assert.Equal(100, lines.Count);
        Assert.Contains("{\"message\":\"after trim 001\"}", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrimOff_NothingIsTrimmed()
    {
        var config = await TrimTestConfigs.WriteSampleToNullAsync(_dir, TestContext.Current.CancellationToken);

        using var agent = TailshipProcess.Start(
            ["-c", config, "-v", "--suppress-config-dump"],
            new Dictionary<string, string> { [StartupPageTrim.Variable] = "off" });
        await agent.WaitForStderrAsync("trimming start-up pages is off (TAILSHIP_TRIM_STARTUP_PAGES)", TimeSpan.FromSeconds(30));
        await agent.SignalAsync("TERM");
        var code = await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(code == 0, agent.Stderr);
        Assert.DoesNotContain("trimmed start-up pages", agent.Stderr, StringComparison.Ordinal);
    }
}
