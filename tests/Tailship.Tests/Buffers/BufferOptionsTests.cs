using Tailship.Buffers;
using Tailship.Config;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Buffers;

public class BufferOptionsTests
{
    [Fact]
    public void MemoryDefaults_AreFluentdsWithFlushAtShutdown()
    {
        var o = BufferTest.Options("tag");
        Assert.False(o.IsFile);
        Assert.True(o.Keys.Tag);
        Assert.Equal(8L * 1024 * 1024, o.ChunkLimitSize);
        Assert.Equal(512L * 1024 * 1024, o.TotalLimitSize);
        Assert.True(o.FlushAtShutdown);
        Assert.Equal(FlushMode.Interval, o.FlushMode);
        Assert.Equal(TimeSpan.FromSeconds(60), o.FlushInterval);
        Assert.Equal(OverflowAction.ThrowException, o.OverflowAction);
        Assert.True(o.Retry.Exponential);
        Assert.Equal(TimeSpan.FromHours(72), o.Retry.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(1), o.Retry.Wait);
        Assert.Equal(0.8, o.Retry.SecondaryThreshold);
    }

    [Fact]
    public void FileBuffer_LargerLimitsAndFlushAtShutdownStillTrue()
    {
        using var temp = new TempDirectory();
        var dir = temp.Path;
        var o = BufferTest.Options("time", ("@type", "file"), ("path", dir), ("timekey", "1h"));
        Assert.True(o.IsFile);
        Assert.Equal(Path.Combine(dir, "buffer.*.log"), o.Path);
        Assert.Equal(256L * 1024 * 1024, o.ChunkLimitSize);
        Assert.Equal(64L * 1024 * 1024 * 1024, o.TotalLimitSize);
        Assert.True(o.FlushAtShutdown);
        Assert.Equal(FlushMode.Lazy, o.FlushMode);
        Assert.Equal(TimeSpan.FromHours(1), o.Timekey);
    }

    [Theory]
    [InlineData("/var/log/buf/s3", "/var/log/buf/s3.*.log")]
    [InlineData("/var/log/buf/", "/var/log/buf/buffer.*.log")]
    [InlineData("/var/log/buf/x.*.chunk", "/var/log/buf/x.*.chunk")]
    [InlineData("/var/log/buf/x.*", "/var/log/buf/x.*.log")]
    public void FilePath_FollowsFluentdsRule(string path, string pattern) =>
        Assert.Equal(pattern, FileBufferPath.Resolve(path, ".log"));

    [Fact]
    public void TimeKeyWithoutTimekey_IsAnError()
    {
        var diags = new DiagnosticBag();
        Assert.Null(BufferTest.TryOptions("time", diags));
        Assert.Contains(diags.Items, d => d.Message.Contains("timekey", StringComparison.Ordinal));
    }

    [Fact]
    public void FileWithoutPath_IsAnError()
    {
        var diags = new DiagnosticBag();
        Assert.Null(BufferTest.TryOptions("tag", diags, ("@type", "file")));
        Assert.Contains(diags.Items, d => d.Message.Contains("'path'", StringComparison.Ordinal));
    }

    [Fact]
    public void BadChunkKey_IsAnError()
    {
        var diags = new DiagnosticBag();
        Assert.Null(BufferTest.TryOptions("tag, a b", diags));
        Assert.Contains(diags.Items, d => d.Message.Contains("invalid chunk key 'a b'", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownParam_IsAnErrorWithSuggestion()
    {
        var diags = new DiagnosticBag();
        Assert.Null(BufferTest.TryOptions("tag", diags, ("flush_intervl", "5s")));
        Assert.Contains(diags.Items, d => d.Message.Contains("did you mean 'flush_interval'", StringComparison.Ordinal));
    }

    [Fact]
    public void QueueLimitLength_SetsTotalLimit()
    {
        var o = BufferTest.Options("tag", ("chunk_limit_size", "1m"), ("queue_limit_length", "8"));
        Assert.Equal(8L * 1024 * 1024, o.TotalLimitSize);
    }

    [Fact]
    public void Zone_FromTimekeyZoneOrUtc()
    {
        Assert.Equal(TimeSpan.FromHours(9), BufferTest.Options("time", ("timekey", "1h"), ("timekey_zone", "+0900")).Zone.BaseUtcOffset);
        Assert.Equal(TimeZoneInfo.Utc, BufferTest.Options("time", ("timekey", "1h"), ("timekey_use_utc", "true")).Zone);
    }

    [Fact]
    public void NestedRecordKeys_AreParsed()
    {
        var o = BufferTest.Options("tag, $.kubernetes.pod, level");
        Assert.Equal(["$.kubernetes.pod", "level"], o.Keys.RecordKeys);
    }
}
