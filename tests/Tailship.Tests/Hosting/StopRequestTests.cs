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
    public async Task SameSignalTwiceAtOnce_IsOneRequest()
    {
        var time = new Tailship.Tests.TestSupport.FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var ignored = new List<string>();
        using var stop = new StopRequest(_ => Assert.Fail("forced"), ignored.Add, time);
        stop.OnSignal("SIGTERM");
        stop.OnSignal("SIGTERM");
        Assert.Equal(["SIGTERM"], ignored);
        Assert.Equal("SIGTERM", await stop.Requested);
    }

    [Fact]
    public void SameSignalAgainLater_ForcesExit()
    {
        var time = new Tailship.Tests.TestSupport.FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var forced = new List<string>();
        using var stop = new StopRequest(forced.Add, _ => Assert.Fail("ignored"), time);
        stop.OnSignal("SIGTERM");
        time.Advance(TimeSpan.FromSeconds(2));
        stop.OnSignal("SIGTERM");
        Assert.Equal(["SIGTERM"], forced);
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
