using System.IO.Compression;
using System.Text;
using Tailship.Config;
using Tailship.Events;
using Tailship.Outputs.File;
using Tailship.Tests.TestSupport;
using Tailship.Text;

namespace Tailship.Tests.Outputs.File;

public sealed class FileOutputTests : IDisposable
{
    // 2024-01-05T20:00:00Z: already 2024-01-06 at +05:30.
    private static readonly EventTime Evening = EventTime.FromSeconds(1_704_484_800);
    private static readonly EventTime NextDay = EventTime.FromSeconds(1_704_484_800 + 86_400);
    private static readonly TimeZoneInfo Kolkata = TimeZoneInfo.CreateCustomTimeZone("IST", TimeSpan.FromMinutes(330), "IST", "IST");

    // The formatter shows times in a fixed zone so that results do not depend on TZ.
    private const string Utc0Format = "  <format>\n    @type out_file\n    timezone +00:00\n  </format>";

    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_704_484_800), TimeZoneInfo.Utc);

    public void Dispose() => _dir.Dispose();

    private FileOutput Create(string body, FakeTimeProvider? time = null) =>
        PluginHarness.Build<FileOutput>(
            PluginKind.Output,
            $"<match **>\n  @type file\n{body.Replace("DIR", _dir.Path, StringComparison.Ordinal)}\n</match>",
            PluginHarness.Context(time ?? _time));

    private static EventBatch Batch(params (EventTime Time, string Json)[] events)
    {
        var batch = new EventBatch();
        foreach (var (time, json) in events)
        {
            batch.Add(time, Records.FromJson(json));
        }

        return batch;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task WriteAndStopAsync(FileOutput output, string tag, params (EventTime Time, string Json)[] events)
    {
        await output.StartAsync(Token);
        await output.EmitAsync(tag, Batch(events), Token);
        await output.StopAsync(Token);
    }

    private string Read(string relative) => System.IO.File.ReadAllText(_dir[relative]);

    // Moves the clock one flush tick at a time and waits until the output is idle again after each.
    private async Task TickAsync(int seconds)
    {
        for (var i = 0; i < seconds; i++)
        {
            await _time.WaitForTimerAsync();
            _time.AdvanceToNextTimer();
        }

        await _time.WaitForTimerAsync();
    }

    [Fact]
    public async Task Append_WritesPathDotDayDotLogWithTheOutFileLines()
    {
        var output = Create($"  path DIR/out/app\n  append true\n{Utc0Format}");
        await WriteAndStopAsync(output, "app.web", (Evening, """{"a":1}"""), (Evening, """{"b":"x"}"""));
        Assert.Equal(["out/app.20240105.log"], _dir.Files());
        Assert.Equal("2024-01-05T20:00:00+00:00\tapp.web\t{\"a\":1}\n2024-01-05T20:00:00+00:00\tapp.web\t{\"b\":\"x\"}\n", Read("out/app.20240105.log"));
    }

    [Fact]
    public async Task Day_IsTheEventTimesDayInTheLocalZone()
    {
        var output = Create($"  path DIR/app\n  append true\n{Utc0Format}", new FakeTimeProvider(DateTimeOffset.UnixEpoch, Kolkata));
        await WriteAndStopAsync(output, "t", (Evening, "{}"));
        Assert.Equal(["app.20240106.log"], _dir.Files());
    }

    [Fact]
    public async Task TimekeyZone_ChoosesTheZoneOfTheDay()
    {
        var output = Create($"  path DIR/app\n  append true\n  <buffer>\n    timekey_zone +05:30\n  </buffer>\n{Utc0Format}");
        await WriteAndStopAsync(output, "t", (Evening, "{}"));
        Assert.Equal(["app.20240106.log"], _dir.Files());
    }

    [Fact]
    public async Task TimekeyUseUtc_CutsDaysInUtc()
    {
        var output = Create($"  path DIR/app\n  append true\n  <buffer>\n    timekey_use_utc true\n  </buffer>\n{Utc0Format}", new FakeTimeProvider(DateTimeOffset.UnixEpoch, Kolkata));
        await WriteAndStopAsync(output, "t", (Evening, "{}"));
        Assert.Equal(["app.20240105.log"], _dir.Files());
    }

    [Fact]
    public async Task DifferentDays_GoToDifferentFilesInArrivalOrder()
    {
        var output = Create($"  path DIR/app\n  append true\n{Utc0Format}");
        await WriteAndStopAsync(output, "t", (Evening, """{"n":1}"""), (NextDay, """{"n":2}"""), (Evening, """{"n":3}"""));
        Assert.Equal(["app.20240105.log", "app.20240106.log"], _dir.Files());
        Assert.Equal("2024-01-05T20:00:00+00:00\tt\t{\"n\":1}\n2024-01-05T20:00:00+00:00\tt\t{\"n\":3}\n", Read("app.20240105.log"));
        Assert.Equal("2024-01-06T20:00:00+00:00\tt\t{\"n\":2}\n", Read("app.20240106.log"));
    }

    [Fact]
    public async Task Append_AddsToTheSameFileAtEachFlush()
    {
        var output = Create($"  path DIR/app\n  append true\n  <buffer>\n    flush_mode immediate\n  </buffer>\n{Utc0Format}");
        await output.StartAsync(Token);
        await output.EmitAsync("t", Batch((Evening, """{"n":1}""")), Token);
        await output.EmitAsync("t", Batch((Evening, """{"n":2}""")), Token);
        await output.StopAsync(Token);
        Assert.Equal(["app.20240105.log"], _dir.Files());
        Assert.Equal(2, Read("app.20240105.log").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task WithoutAppend_EachFlushTakesTheFirstFreeIndex()
    {
        System.IO.File.WriteAllText(_dir["app.20240105_0.log"], "kept\n");
        var output = Create($"  path DIR/app\n  <buffer>\n    flush_mode immediate\n  </buffer>\n{Utc0Format}");
        await output.StartAsync(Token);
        await output.EmitAsync("t", Batch((Evening, """{"n":1}""")), Token);
        await output.EmitAsync("t", Batch((Evening, """{"n":2}""")), Token);
        await output.StopAsync(Token);
        Assert.Equal(["app.20240105_0.log", "app.20240105_1.log", "app.20240105_2.log"], _dir.Files());
        Assert.Equal("kept\n", Read("app.20240105_0.log"));
        Assert.Equal("2024-01-05T20:00:00+00:00\tt\t{\"n\":1}\n", Read("app.20240105_1.log"));
        Assert.Equal("2024-01-05T20:00:00+00:00\tt\t{\"n\":2}\n", Read("app.20240105_2.log"));
    }

    [Fact]
    public async Task PathWithDayPlaceholders_GetsNoDateSuffix()
    {
        var output = Create($"  path DIR/%Y/%m/%d/app\n{Utc0Format}");
        await WriteAndStopAsync(output, "t", (Evening, "{}"));
        Assert.Equal(["2024/01/05/app_0.log"], _dir.Files());
    }

    [Fact]
    public async Task TagPlaceholders_WithChunkKeyTag_ExpandIntoDirectories()
    {
        var output = Create($"  path DIR/${{tag}}/${{tag[-1]}}\n  append true\n  <buffer tag,time>\n  </buffer>\n{Utc0Format}");
        await WriteAndStopAsync(output, "app.web", (Evening, """{"a":1}"""));
        Assert.Equal(["app.web/web.20240105.log"], _dir.Files());
    }

    [Fact]
    public async Task Star_IsReplacedByTheTimeAndIndex()
    {
        var output = Create($"  path DIR/app.*.txt\n{Utc0Format}");
        await WriteAndStopAsync(output, "t", (Evening, "{}"));
        Assert.Equal(["app.20240105_0.txt"], _dir.Files());
    }

    [Theory]
    [InlineData("  add_path_suffix false", "app.20240105_0")]
    [InlineData("  path_suffix .txt", "app.20240105_0.txt")]
    [InlineData("  <buffer>\n    timekey 1h\n  </buffer>", "app.2024010520_0.log")]
    [InlineData("  <buffer>\n    timekey 5m\n  </buffer>", "app.202401052000_0.log")]
    [InlineData("  <buffer>\n    timekey 30s\n  </buffer>", "app.20240105200000_0.log")]
    [InlineData("  time_slice_format %Y%m%d%H", "app.2024010520_0.log")]
    [InlineData("  <buffer tag>\n  </buffer>\n  path DIR/${tag}", "t_0.log")]
    public async Task Naming_FollowsFluentd(string extra, string expected)
    {
        var output = Create($"  path DIR/app\n{extra}\n{Utc0Format}");
        await WriteAndStopAsync(output, "t", (Evening, "{}"));
        Assert.Equal([expected], _dir.Files());
    }

    [Fact]
    public async Task Timekey_AlignsSlicesToTheZone()
    {
        // 20:00Z is 01:30 at +05:30; hourly slices in that zone start at :30 past UTC hours.
        var output = Create($"  path DIR/app\n  append true\n  <buffer>\n    timekey 1h\n    timekey_zone +05:30\n  </buffer>\n{Utc0Format}");
        await WriteAndStopAsync(output, "t", (Evening, "{}"), (new EventTime(Evening.UnixNanoseconds + (29L * 60 * 1_000_000_000)), "{}"), (new EventTime(Evening.UnixNanoseconds + (31L * 60 * 1_000_000_000)), "{}"));
        Assert.Equal(["app.2024010601.log", "app.2024010602.log"], _dir.Files());
    }

    [Fact]
    public async Task Gzip_WritesAReadableGzFile()
    {
        var output = Create($"  path DIR/app\n  compress gzip\n{Utc0Format}");
        await WriteAndStopAsync(output, "t", (Evening, """{"a":1}"""));
        Assert.Equal(["app.20240105_0.log.gz"], _dir.Files());
        Assert.Equal("2024-01-05T20:00:00+00:00\tt\t{\"a\":1}\n", Gunzip(_dir["app.20240105_0.log.gz"]));
    }

    [Fact]
    public async Task GzipAppend_AddsGzipMembersThatReadAsOneText()
    {
        var output = Create($"  path DIR/app\n  compress gz\n  append true\n  <buffer>\n    flush_mode immediate\n  </buffer>\n{Utc0Format}");
        await output.StartAsync(Token);
        await output.EmitAsync("t", Batch((Evening, """{"n":1}""")), Token);
        await output.EmitAsync("t", Batch((Evening, """{"n":2}""")), Token);
        await output.StopAsync(Token);
        Assert.Equal("2024-01-05T20:00:00+00:00\tt\t{\"n\":1}\n2024-01-05T20:00:00+00:00\tt\t{\"n\":2}\n", Gunzip(_dir["app.20240105.log.gz"]));
    }

    [Fact]
    public async Task FlushInterval_WritesAChunkThatLongAfterItsFirstEvent()
    {
        var output = Create($"  path DIR/app\n  <buffer>\n    flush_interval 10s\n  </buffer>\n{Utc0Format}");
        await output.StartAsync(Token);
        await output.EmitAsync("t", Batch((Evening, """{"n":1}""")), Token);
        await TickAsync(9);
        Assert.Empty(_dir.Files());
        await TickAsync(1);
        Assert.Equal(["app.20240105_0.log"], _dir.Files());

        await output.EmitAsync("t", Batch((Evening, """{"n":2}""")), Token);
        await TickAsync(10);
        Assert.Equal(["app.20240105_0.log", "app.20240105_1.log"], _dir.Files());
        await output.StopAsync(Token);
        Assert.Equal(2, _dir.Files().Count);
    }

    [Fact]
    public async Task DefaultFlush_IsLazyForTimeChunks_AsInFluentd()
    {
        var output = Create($"  path DIR/app\n{Utc0Format}");
        Assert.Equal(Tailship.Buffers.FlushMode.Lazy, output.Host.Options.FlushMode);
        await output.StartAsync(Token);
        await output.EmitAsync("t", Batch((Evening, "{}")), Token);
        await TickAsync(60);
        Assert.Empty(_dir.Files()); // the day has not ended: nothing is written yet
        await output.StopAsync(Token);
        Assert.Equal(["app.20240105_0.log"], _dir.Files()); // flush_at_shutdown
    }

    [Fact]
    public async Task Lazy_WritesAfterTheSliceEndsAndTimekeyWait()
    {
        // The clock starts at 20:00:00Z; the hourly slice 20:00-21:00 is written at 21:00 + 10 s.
        var output = Create($"  path DIR/app\n  <buffer>\n    flush_mode lazy\n    timekey 1h\n    timekey_wait 10s\n  </buffer>\n{Utc0Format}");
        await output.StartAsync(Token);
        await output.EmitAsync("t", Batch((Evening, """{"n":1}""")), Token);
        await TickAsync(3600);
        await output.EmitAsync("t", Batch((Evening, """{"n":2}""")), Token);
        await TickAsync(9);
        Assert.Empty(_dir.Files());
        await TickAsync(1);
        Assert.Equal(["app.2024010520_0.log"], _dir.Files());
        Assert.Equal(2, Read("app.2024010520_0.log").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        await output.StopAsync(Token);
    }

    [Fact]
    public async Task ChunkLimitSize_StartsANewFile()
    {
        // Each line is 36 bytes (plus the buffer's frame header); 120 bytes hold two.
        var output = Create($"  path DIR/app\n  <buffer>\n    chunk_limit_size 120\n  </buffer>\n{Utc0Format}");
        await output.StartAsync(Token);
        foreach (var n in new[] { 1, 2, 3 })
        {
            await output.EmitAsync("t", Batch((Evening, $$"""{"n":{{n}}}""")), Token);
        }

        await output.StopAsync(Token);
        Assert.Equal(["app.20240105_0.log", "app.20240105_1.log"], _dir.Files());
        Assert.Equal(2, Read("app.20240105_0.log").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal("2024-01-05T20:00:00+00:00\tt\t{\"n\":3}\n", Read("app.20240105_1.log"));
    }

    [Fact]
    public async Task V012Format_AndUtc_GoToTheFormatter()
    {
        var output = Create("  path DIR/app\n  append true\n  utc\n  output_tag false");
        await WriteAndStopAsync(output, "t", (Evening, """{"a":1}"""));
        Assert.Equal("2024-01-05T20:00:00Z\t{\"a\":1}\n", Read("app.20240105.log"));

        var json = Create("  path DIR/j\n  append true\n  format json");
        await WriteAndStopAsync(json, "t", (Evening, """{"a":1}"""));
        Assert.Equal("{\"a\":1}\n", Read("j.20240105.log"));
    }

    [Fact]
    public async Task V012BufferParameters_BecomeTheBuffer()
    {
        var output = Create($"  path DIR/app\n  time_slice_format %Y%m%d%H%M\n  flush_interval 5s\n{Utc0Format}");
        await output.StartAsync(Token);
        await output.EmitAsync("t", Batch((Evening, "{}")), Token);
        await TickAsync(5);
        Assert.Equal(["app.202401052000_0.log"], _dir.Files());
        await output.StopAsync(Token);
    }

    [Fact]
    public async Task DefaultFormat_IsOutFileInTheLocalZone()
    {
        var output = Create("  path DIR/app\n  append true");
        await WriteAndStopAsync(output, "t", (Evening, """{"a":1}"""));
        var time = Strftime.Compile("%Y-%m-%dT%H:%M:%S%:z").Format(CivilTime.From(Evening, TimeZones.Local()));
        Assert.Equal($"{time}\tt\t{{\"a\":1}}\n", Read("app.20240105.log"));
    }

    [Fact]
    public async Task Permissions_ApplyToNewFilesAndDirectories()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var output = Create($"  path DIR/sub/app\n  file_permission 0600\n  dir_permission 0700\n{Utc0Format}");
        await WriteAndStopAsync(output, "t", (Evening, "{}"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, System.IO.File.GetUnixFileMode(_dir["sub/app.20240105_0.log"]));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, System.IO.File.GetUnixFileMode(_dir["sub"]));
    }

    [Fact]
    public async Task FailedWrite_IsKeptAndRetried()
    {
        System.IO.File.WriteAllText(_dir["blocked"], "a file where a directory is needed");
        var output = Create($"  path DIR/blocked/app\n  <buffer>\n    flush_mode immediate\n  </buffer>\n{Utc0Format}");
        await output.StartAsync(Token);
        await output.EmitAsync("t", Batch((Evening, """{"n":1}""")), Token);
        Assert.Equal(["blocked"], _dir.Files());

        System.IO.File.Delete(_dir["blocked"]);

        // The retry runs on the flush thread after its (randomized) wait: move the clock timer by timer until the
        // write has happened, within a bound, instead of assuming which timer comes next.
        // The file is created before its bytes are written, so wait for the bytes.
        const string Expected = "2024-01-05T20:00:00+00:00\tt\t{\"n\":1}\n";
        var target = _dir["blocked/app.20240105_0.log"];
        for (var i = 0; i < 200 && !(System.IO.File.Exists(target) && System.IO.File.ReadAllText(target) == Expected); i++)
        {
            if (i < 20)
            {
                await _time.WaitForTimerAsync(TimeSpan.FromSeconds(5));
                _time.AdvanceToNextTimer();
            }

            await Task.Delay(20, Token);
        }

        Assert.Equal(["blocked/app.20240105_0.log"], _dir.Files());
        Assert.Equal(Expected, Read("blocked/app.20240105_0.log"));
        await output.StopAsync(Token);
    }

    [Fact]
    public async Task FailedWriteAtStop_MemoryBufferReportsTheLossAtTheDeadline()
    {
        System.IO.File.WriteAllText(_dir["blocked"], "x");
        var output = Create($"  path DIR/blocked/app\n{Utc0Format}");
        await output.StartAsync(Token);
        await output.EmitAsync("t", Batch((Evening, "{}")), Token);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await output.StopAsync(deadline.Token); // the buffer retries until the stop deadline, then drops
        Assert.Equal(1, output.Host.Counters.DroppedRecords);
        Assert.Equal(["blocked"], _dir.Files());
    }

    [Fact]
    public async Task EmitAfterStop_Throws()
    {
        var output = Create($"  path DIR/app\n{Utc0Format}");
        await output.StartAsync(Token);
        await output.StopAsync(Token);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await output.EmitAsync("t", Batch((Evening, "{}")), Token));
    }

    [Theory]
    [InlineData("  path /tmp/${tag}", "3:8: Parameter 'path: /tmp/${tag}.%Y%m%d_**.log' has tag placeholders, but chunk key 'tag' is not configured")]
    [InlineData("  path /tmp/app\n  <buffer tag,time>\n  </buffer>", "3:8: Parameter 'path: /tmp/app.%Y%m%d_**.log' doesn't have tag placeholder")]
    [InlineData("  path /tmp/%Y/app", "3:8: insufficient timestamp placeholders in path: a timekey of 86400s needs %Y, %m, %d")]
    [InlineData("  path /tmp/%Y%m%d/app\n  <buffer>\n    timekey 1h\n  </buffer>", "3:8: insufficient timestamp placeholders in path: a timekey of 3600s needs %Y, %m, %d, %H")]
    [InlineData("  path /tmp/app\n  time_slice_format %Y%m%d\n  <buffer>\n    timekey 1h\n  </buffer>", "3:8: Parameter 'path: /tmp/app.%Y%m%d_**.log' doesn't have timestamp placeholder for timekey 3600: it shows days ('%d') at the finest; add %H")]
    [InlineData("  path /tmp/app.*\n  <buffer tag>\n  </buffer>", "3:8: path including '*' must be used with buffer chunk key 'time'")]
    [InlineData("  path /tmp/%Y%m%d\n  <buffer tag>\n  </buffer>", "3:8: Parameter 'path: /tmp/%Y%m%d_**.log' has timestamp placeholders, but chunk key 'time' is not configured")]
    [InlineData("  path /tmp/a\n  <buffer>\n    @type file\n  </buffer>", "4:3: a file buffer needs 'path'")]
    [InlineData("  path /tmp/a\n  symlink_path /tmp/l", "4:3: parameter 'symlink_path' is a Fluentd parameter that Tailship does not implement yet")]
    [InlineData("  path /tmp/a\n  file_permission 0x1", "4:19: parameter 'file_permission': expected an octal mode such as 0644, found '0x1'")]
    [InlineData("  path /tmp/a\n  <buffer $.key>\n  </buffer>", "4:3: out_file supports the chunk keys time and tag, not record keys")]
    [InlineData("  path /tmp/a\n  <buffer>\n    @type redis\n  </buffer>", "5:11: parameter '@type': expected one of memory, file, found 'redis'")]
    [InlineData("  path /tmp/a\n  <buffer>\n    timekey_zone Mars/Base\n  </buffer>", "5:18: unknown time zone 'Mars/Base'")]
    [InlineData("  path /tmp/a\n  compress zip", "4:12: parameter 'compress': expected one of text, gz, gzip, found 'zip'")]
    [InlineData("  path /tmp/a\n  time_slice_format %Y%m", "4:21: time_slice_format '%Y%m' has no day, hour, minute or second field")]
    public void InvalidConfiguration_IsReportedWhereWritten(string body, string expected)
    {
        var errors = PluginHarness.Errors(PluginKind.Output, $"<match **>\n  @type file\n{body}\n</match>");
        Assert.True(errors.Any(e => e.StartsWith(expected, StringComparison.Ordinal)), string.Join("\n", errors));
    }

    [Fact]
    public void MissingPath_IsReported()
    {
        var errors = PluginHarness.Errors(PluginKind.Output, "<match **>\n  @type file\n</match>");
        Assert.StartsWith("1:1: missing required parameter 'path'", Assert.Single(errors), StringComparison.Ordinal);
    }

    private static string Gunzip(string path)
    {
        using var file = System.IO.File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
