using Tailship.Outputs.S3;

namespace Tailship.Tests.Outputs.S3;

public sealed class S3IndexStoreTests
{
    [Fact]
    public void MarkUsed_SurvivesReopen()
    {
        var dir = S3OutputHarness.TempDirectory();
        var store = S3IndexStore.Open(dir, TimeProvider.System);
        Assert.False(store.TryGetNext("logs/a_%{index}.txt", out _));
        store.MarkUsed("logs/a_%{index}.txt", 0);
        store.MarkUsed("logs/a_%{index}.txt", 1);
        store.MarkUsed("logs/b_%{index}.txt", 4);

        var reopened = S3IndexStore.Open(dir, TimeProvider.System);
        Assert.True(reopened.TryGetNext("logs/a_%{index}.txt", out var a));
        Assert.Equal(2, a);
        Assert.True(reopened.TryGetNext("logs/b_%{index}.txt", out var b));
        Assert.Equal(5, b);
        Assert.False(System.IO.File.Exists(Path.Combine(dir, S3IndexStore.FileName + ".tmp")));
    }

    [Fact]
    public void OldSlots_Dropped()
    {
        var dir = S3OutputHarness.TempDirectory();
        var time = new ManualTime(DateTimeOffset.Parse("2026-11-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var store = S3IndexStore.Open(dir, time);
        store.MarkUsed("old_%{index}", 0);
        time.Now = time.Now.AddDays(8);
        store.MarkUsed("new_%{index}", 0);

        var reopened = S3IndexStore.Open(dir, time);
        Assert.False(reopened.TryGetNext("old_%{index}", out _));
        Assert.True(reopened.TryGetNext("new_%{index}", out _));
    }

    [Fact]
    public void WithoutDirectory_KeptInMemory()
    {
        var store = S3IndexStore.Open(null, TimeProvider.System);
        store.MarkUsed("x_%{index}", 2);
        Assert.True(store.TryGetNext("x_%{index}", out var next));
        Assert.Equal(3, next);
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
