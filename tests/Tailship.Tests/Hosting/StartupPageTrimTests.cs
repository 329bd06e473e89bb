using Tailship.Hosting;

namespace Tailship.Tests.Hosting;

public sealed class StartupPageTrimTests
{
    private const string Smaps = """
        55d0c0000000-55d0c0018000 r--p 00000000 08:01 100 /opt/tailship/tailship
        Size:                 96 kB
        Rss:                  96 kB
        Shared_Dirty:          0 kB
        Private_Dirty:         0 kB
        Anonymous:             0 kB
        VmFlags: rd mr mw me sd
        55d0c0018000-55d0c07d5000 r-xp 00018000 08:01 100 /opt/tailship/tailship
        Rss:                6872 kB
        Shared_Dirty:          0 kB
        Private_Dirty:         0 kB
        Anonymous:             0 kB
        VmFlags: rd ex mr mw me sd
        55d0c07d5000-55d0c07d7000 r--p 007d5000 08:01 100 /opt/tailship/tailship
        Rss:                   8 kB
        Shared_Dirty:          0 kB
        Private_Dirty:         8 kB
        Anonymous:             8 kB
        VmFlags: rd mr mw me ac sd
        55d0c07d7000-55d0c0804000 rw-p 007d7000 08:01 100 /opt/tailship/tailship
        Rss:                 180 kB
        Private_Dirty:        76 kB
        Anonymous:            76 kB
        VmFlags: rd wr mr mw me ac sd
        55d0c0804000-55d0c0b9b000 rw-p 00000000 00:00 0
        Rss:                3540 kB
        Anonymous:          3540 kB
        VmFlags: rd wr mr mw me ac sd
        7f0000000000-7f0000100000 r-xp 00000000 08:01 200 /usr/lib/x86_64-linux-gnu/libc.so.6
        Rss:                1176 kB
        Shared_Dirty:          0 kB
        Private_Dirty:         0 kB
        Anonymous:             0 kB
        VmFlags: rd ex mr mw me lo sd
        7f0000200000-7f0000300000 r--s 00000000 00:05 300 /dev/shm/segment
        Rss:                  64 kB
        Anonymous:             0 kB
        VmFlags: rd sh mr mw me ms sd
        7f0000400000-7f0000500000 r--p 00000000 08:01 400 /usr/lib/x86_64-linux-gnu/libm.so.6
        Rss:                   0 kB
        Anonymous:             0 kB
        VmFlags: rd mr mw me sd
        7f0000600000-7f0000700000 r--p 00000000 08:01 500 /usr/lib/locale/C.utf8/LC_CTYPE (deleted)
        Rss:                  12 kB
        Shared_Dirty:          0 kB
        Private_Dirty:         0 kB
        Anonymous:             0 kB
        VmFlags: rd mr mw me sd
        7ffd00000000-7ffd00002000 r-xp 00000000 00:00 0                          [vdso]
        Rss:                   8 kB
        Anonymous:             0 kB
        VmFlags: rd ex mr mw me de sd
        """;

    [Fact]
    public void Parse_ReadsRangesPermissionsPathsAndSizes()
    {
        var mappings = SmapsMapping.Parse(Smaps.Split('\n'));

        Assert.Equal(10, mappings.Count);
        var code = mappings[1];
        Assert.Equal(0x55d0c0018000UL, code.Start);
        Assert.Equal(0x55d0c07d5000UL, code.End);
        Assert.Equal("r-xp", code.Permissions);
        Assert.Equal("/opt/tailship/tailship", code.Path);
        Assert.Equal(6872, code.RssKb);
        Assert.Equal(0, code.AnonymousKb);
        Assert.Equal("", mappings[4].Path);
        Assert.Equal("/usr/lib/locale/C.utf8/LC_CTYPE (deleted)", mappings[8].Path);
        Assert.Equal("[vdso]", mappings[9].Path);
    }

    [Fact]
    public void IsTrimmable_OnlyCleanReadOnlyFileMappingsWithResidentPages()
    {
        var trimmable = SmapsMapping.Parse(Smaps.Split('\n')).Where(m => m.IsTrimmable).Select(m => m.Start).ToList();

        // The binary's read-only data and code, and a deleted but still mapped file; not: RELRO pages written by
        // the dynamic linker (anonymous), writable data, anonymous memory, mlock'ed code, a /dev mapping, a mapping
        // with nothing resident, the vDSO.
        Assert.Equal([0x55d0c0000000UL, 0x55d0c0018000UL, 0x7f0000600000UL], trimmable);
    }

    [Theory]
    [InlineData(null, 30.0)]
    [InlineData("", 30.0)]
    [InlineData("on", 30.0)]
    [InlineData("true", 30.0)]
    [InlineData("5", 5.0)]
    [InlineData(" 0.5 ", 0.5)]
    public void TryParseDelay_OnOrSeconds_GivesTheDelay(string? value, double seconds)
    {
        Assert.True(StartupPageTrim.TryParseDelay(value, out var delay));
        Assert.Equal(TimeSpan.FromSeconds(seconds), delay);
    }

    [Theory]
    [InlineData("off")]
    [InlineData("false")]
    [InlineData("no")]
    [InlineData("0")]
    public void TryParseDelay_Off_GivesNoDelay(string value)
    {
        Assert.True(StartupPageTrim.TryParseDelay(value, out var delay));
        Assert.Null(delay);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-1")]
    [InlineData("1e9")]
    public void TryParseDelay_Nonsense_IsRejectedWithTheDefault(string value)
    {
        Assert.False(StartupPageTrim.TryParseDelay(value, out var delay));
        Assert.Equal(StartupPageTrim.DefaultDelay, delay);
    }

    [Fact]
    public void Trim_ThisProcess_DropsResidentFilePagesAndTheCodeStillRuns()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "reads /proc/self/smaps");
        var before = ResidentSet.Read();

        var result = StartupPageTrim.Trim();
        var after = ResidentSet.Read();

        Assert.True(result.Mappings > 0, $"{result}");
        Assert.Equal(0, result.Failed);
        Assert.True(after.FileKb < before.FileKb, $"{before} -> {after}");
        // The dropped pages come back from their files on use: the runtime, this code and libc go on working.
        var again = StartupPageTrim.Trim();
        Assert.Equal(0, again.Failed);
        Assert.True(again.Mappings > 0, $"{again}");
    }
}
