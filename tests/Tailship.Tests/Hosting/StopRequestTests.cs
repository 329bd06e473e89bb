using Tailship.Hosting;

namespace Tailship.Tests.Hosting;

public sealed class StopRequestTests
{
    [Fact]
    public async Task FirstSignal_RequestsStopAndCancels()
    {
        using var stop = new StopRequest(_ => Assert.Fail("forced"), _ => Assert.Fail("ignored"));
        stop.OnSignal("SIGTERM");
        Assert.Equal("SIGTERM", await stop.Requested);
        Assert.True(stop.Stopping.IsCancellationRequested);
    }

    [Fact]
    public async Task SecondSignal_ForcesExit()
    {
        var forced = new List<string>();
        using var stop = new StopRequest(forced.Add, _ => Assert.Fail("ignored"));
        stop.OnSignal("SIGTERM");
        stop.OnSignal("SIGINT");
        Assert.Equal(["SIGINT"], forced);
        Assert.Equal("SIGTERM", await stop.Requested);
    }

    [Fact]
    public void Sighup_IsNotAStop()
    {
        var ignored = new List<string>();
        using var stop = new StopRequest(_ => Assert.Fail("forced"), ignored.Add);
        stop.OnSignal("SIGHUP");
        stop.OnSignal("SIGHUP");
        Assert.Equal(["SIGHUP", "SIGHUP"], ignored);
        Assert.False(stop.Requested.IsCompleted);
        Assert.False(stop.Stopping.IsCancellationRequested);
    }
}
