using System.Globalization;
using System.Runtime.InteropServices;
using Tailship.Hosting;

namespace Tailship.Tests.Hosting;

public sealed class IdlePageTrimTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan FiveSeconds = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData(null, 30.0)]
    [InlineData("", 30.0)]
    [InlineData("on", 30.0)]
    [InlineData("yes", 30.0)]
    [InlineData("120", 120.0)]
    [InlineData(" 0.5 ", 0.5)]
    public void TryParseMinInterval_OnOrSeconds_GivesTheInterval(string? value, double seconds)
    {
        Assert.True(IdlePageTrim.TryParseMinInterval(value, out var interval));
        Assert.Equal(TimeSpan.FromSeconds(seconds), interval);
    }

    [Theory]
    [InlineData("off")]
    [InlineData("false")]
    [InlineData("0")]
    public void TryParseMinInterval_Off_GivesNoInterval(string value)
    {
        Assert.True(IdlePageTrim.TryParseMinInterval(value, out var interval));
        Assert.Null(interval);
    }

    [Theory]
    [InlineData("hourly")]
    [InlineData("-5")]
    [InlineData("90000")]
    public void TryParseMinInterval_Nonsense_IsRejectedWithTheDefault(string value)
    {
        Assert.False(IdlePageTrim.TryParseMinInterval(value, out var interval));
        Assert.Equal(IdlePageTrim.DefaultMinInterval, interval);
    }

    [Theory]
    [InlineData(null, 1024)]
    [InlineData(" ", 1024)]
    [InlineData("3", 3072)]
    [InlineData("0.5", 512)]
    [InlineData("0", 0)]
    public void TryParseGrowth_MegabytesOrDefault_GivesKilobytes(string? value, long kb)
    {
        Assert.True(IdlePageTrim.TryParseGrowth(value, out var growthKb));
        Assert.Equal(kb, growthKb);
    }

    [Theory]
    [InlineData("big")]
    [InlineData("-1")]
    [InlineData("4MB")]
    public void TryParseGrowth_Nonsense_IsRejectedWithTheDefault(string value)
    {
        Assert.False(IdlePageTrim.TryParseGrowth(value, out var growthKb));
        Assert.Equal(1024, growthKb);
    }

    [Fact]
    public void IsDue_QuietAfterGrowthLongAfterTheLastTrim_Trims() =>
        Assert.True(IdlePageTrim.IsDue(Minute, IdlePageTrim.DefaultMinInterval, 10_000, 4096, TimeSpan.FromMilliseconds(10), FiveSeconds));

    [Fact]
    public void IsDue_Busy_DoesNotTrim() =>
        // 200 ms of CPU in 5 s: 4 % of a core, a pipeline at work.
        Assert.False(IdlePageTrim.IsDue(Minute, IdlePageTrim.DefaultMinInterval, 10_000, 4096, TimeSpan.FromMilliseconds(200), FiveSeconds));

    [Fact]
    public void IsDue_NoThreshold_TrimsWheneverQuiet() =>
        Assert.True(IdlePageTrim.IsDue(Minute, IdlePageTrim.DefaultMinInterval, 0, 0, TimeSpan.Zero, FiveSeconds));

    [Fact]
    public void IsDue_TooSoonAfterTheLastTrim_DoesNotTrim() =>
        Assert.False(IdlePageTrim.IsDue(TimeSpan.FromSeconds(20), IdlePageTrim.DefaultMinInterval, 10_000, 4096, TimeSpan.Zero, FiveSeconds));

    [Theory]
    [InlineData(700L, 1024L)] // the idle loop's own pages coming back
    [InlineData(0L, 1L)] // nothing came back at all
    public void IsDue_NotEnoughGrowth_DoesNotTrim(long growthKb, long thresholdKb) =>
        Assert.False(IdlePageTrim.IsDue(Minute, IdlePageTrim.DefaultMinInterval, growthKb, thresholdKb, TimeSpan.Zero, FiveSeconds));

    [Fact]
    public void CheckIntervalFor_NeverLongerThanTheMinimumInterval()
    {
        Assert.Equal(IdlePageTrim.CheckInterval, IdlePageTrim.CheckIntervalFor(IdlePageTrim.DefaultMinInterval));
        Assert.Equal(TimeSpan.FromSeconds(0.5), IdlePageTrim.CheckIntervalFor(TimeSpan.FromSeconds(0.5)));
    }

    [Fact]
    public void ReadFileKb_ThisProcess_MatchesTheStatusFile()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "reads /proc/self/statm");
        var file = ResidentSet.ReadFileKb();
        // statm counts shared memory with the files (the JIT of this test process maps some; the AOT agent none).
        var shmem = File.ReadLines("/proc/self/status").Single(l => l.StartsWith("RssShmem:", StringComparison.Ordinal));
        var status = ResidentSet.Read().FileKb + long.Parse(shmem.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

        Assert.True(file > 0);
        // Read a moment apart: the test process may fault in a page or two in between.
        Assert.InRange(file, status * 9 / 10, status * 11 / 10);
    }

    [Fact]
    public void NativeHeapTrim_FreedBlocksInTheHeap_AreReleasedAndTheHeapStillWorks()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "glibc malloc_trim");
        var blocks = Enumerable.Range(0, 64).Select(_ => Marshal.AllocHGlobal(64 * 1024)).ToList();
        // A block after them, so that the freed ones are inside the heap, not at its top (which free returns itself).
        var fence = Marshal.AllocHGlobal(64);
        blocks.ForEach(Marshal.FreeHGlobal);

        // 4 MB free inside the heap: glibc has whole pages to release, and malloc goes on working after it.
        Assert.True(NativeHeapTrim.Trim());
        Marshal.FreeHGlobal(fence);
        var again = Marshal.AllocHGlobal(1024);
        Marshal.FreeHGlobal(again);
    }
}
