using Tailship.Hosting;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Hosting;

/// <summary>The built <c>tailship</c> trims its pages when it goes quiet after delivering lines, then goes on delivering.</summary>
public sealed class IdlePageTrimProcessTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AfterIdleTrims_NewLinesAreStillDeliveredExactlyOnce()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the trim is Linux only");
        var cancel = TestContext.Current.CancellationToken;
        var log = _dir["app.log"];
        await File.WriteAllTextAsync(log, "first 000\n", cancel);
        var config = await TrimTestConfigs.WriteTailToStdoutAsync(_dir, log, cancel);

        // No start-up trim: every trim seen is an idle one. Any growth, looked at twice a second.
        using var agent = TailshipProcess.Start(
            ["-c", config, "-v", "--suppress-config-dump"],
            new Dictionary<string, string>
            {
                [StartupPageTrim.Variable] = "off",
                [IdlePageTrim.Variable] = "0.5",
                [IdlePageTrim.GrowthVariable] = "0",
            });
        await agent.WaitForStdoutAsync("first 000", TimeSpan.FromSeconds(30));

        for (var round = 1; round <= 3; round++)
        {
            // A trim after the last delivery, then more lines through the trimmed code.
            var trims = Count(agent.Stderr, "trimmed idle pages");
            await agent.WaitUntilStderrAsync(text => Count(text, "trimmed idle pages") > trims, TimeSpan.FromSeconds(30));
            await File.AppendAllLinesAsync(log, Enumerable.Range(1, 100).Select(i => $"round {round} line {i:D3}"), cancel);
            await agent.WaitForStdoutAsync($"round {round} line 100", TimeSpan.FromSeconds(30));
        }

        await agent.SignalAsync("TERM");
        var code = await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(code == 0, agent.Stderr);
        Assert.Contains("trimmed idle pages", agent.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("trimmed start-up pages", agent.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("trimming idle pages failed", agent.Stderr, StringComparison.Ordinal);
        var lines = agent.Stdout.Split('\n').Where(l => l.Contains("\"round ", StringComparison.Ordinal)).ToList();
        Assert.Equal(300, lines.Count);
        Assert.Equal(300, lines.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task IdleTrimOff_SaysSoAndNeverTrims()
    {
        var config = await TrimTestConfigs.WriteSampleToNullAsync(_dir, TestContext.Current.CancellationToken);

        using var agent = TailshipProcess.Start(
            ["-c", config, "-v", "--suppress-config-dump"],
            new Dictionary<string, string> { [StartupPageTrim.Variable] = "off", [IdlePageTrim.Variable] = "off" });
        await agent.WaitForStderrAsync("trimming idle pages is off (TAILSHIP_TRIM_IDLE_PAGES)", TimeSpan.FromSeconds(30));
        await agent.SignalAsync("TERM");
        var code = await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(code == 0, agent.Stderr);
        Assert.DoesNotContain("trimmed", agent.Stderr, StringComparison.Ordinal);
    }

    private static int Count(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
