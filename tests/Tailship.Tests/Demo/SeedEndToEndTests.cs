using System.Text.RegularExpressions;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Demo;

/// <summary>
/// The seed's scenario end to end (issue 6): the published Native AOT binary, the seed's <c>fluent.conf</c> (only
/// <c>$s3_bucket</c> filled in by a shell, as in the lab), the seed's counter, <c>&lt;instance_profile_credentials&gt;</c>
/// answered by the metadata stand-in, the endpoint from <c>AWS_ENDPOINT_URL_S3</c>, the local S3 server. See
/// <see cref="SeedScenario"/> for how the seed's /var/log paths are kept without touching the machine's.
/// </summary>
[Collection(S3ServerCollection.Name)]
public sealed partial class SeedEndToEndTests(S3ServerFixture s3)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Faster than the seed's 1 s so that a short run still spans several chunks of lines.</summary>
    private static readonly TimeSpan CounterInterval = TimeSpan.FromMilliseconds(100);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SeedConfig_RunsWatchedAndFlushesEveryLineOnceOnSigterm()
    {
        var bucket = await s3.CreateBucketAsync("seed-e2e", Token);
        await using var scenario = await SeedScenario.CreateAsync(s3, bucket, edit: null, Token);
        await scenario.StartTailshipAsync();
        scenario.StartCounter(CounterInterval);

        // While it runs: readiness, the monitor API and the metrics the operations page tells operators to watch.
        await scenario.WaitForMetricsAsync(m => m.Sum("tailship_plugin_records_in_total", "type=\"tail\"") >= 40, Timeout, "tail reads the counter's lines");
        Assert.Equal("ok", (await scenario.GetAsync("/healthz")).Trim());
        await WaitForReadyAsync(scenario);
        var plugins = await scenario.GetAsync("/api/plugins.json");
        Assert.Equal(2, PluginType().Matches(plugins).Count(m => m.Groups[1].Value == "tail"));
        Assert.Contains("\"type\":\"s3\",", plugins, StringComparison.Ordinal);
        Assert.Contains("\"output_plugin\":true", plugins, StringComparison.Ordinal);

        var running = await scenario.WaitForMetricsAsync(
            m => m.Sum("tailship_buffer_total_bytes", "type=\"s3\"") > 0 && m.Sum("tailship_plugin_records_in_total", "type=\"s3\"") > 0,
            Timeout,
            "the s3 output buffers what tail emits");

        // One series per tail input; each of the seed's inputs watches one file, so each is that file's lag.
        Assert.Equal(2, running.Values("tailship_tail_lag_bytes", "type=\"tail\"").Count);
        Assert.Equal(2, running.Values("tailship_plugin_records_out_total", "type=\"tail\"").Count);
        Assert.Single(running.Values("tailship_buffer_stage_length", "type=\"s3\""));

        // The minute slice is still open (time_slice_wait 1m: nothing can be uploaded before a minute after its end), so
        // its events wait in the buffer and the oldest of them ages.
        var waiting = await scenario.WaitForMetricsAsync(
            m => m.Values("tailship_buffer_oldest_unsent_age_seconds", "type=\"s3\"") is [> 0],
            Timeout,
            "the oldest unsent event ages while its slice is open");
        Assert.Equal(0, waiting.Sum("tailship_output_writes_total", "type=\"s3\""));
        Assert.True(waiting.Sum("tailship_buffer_total_bytes", "type=\"s3\"") > 0);

        // A minute slice with time_slice_wait 1m: nothing is uploaded yet, SIGTERM's flush has to do it.
        var (one, two) = await scenario.StopCounterAsync();
        await WaitForAllReadAsync(scenario, one.Length + two.Length);
        await scenario.Tailship.SignalAsync("TERM");
        Assert.Equal(0, await scenario.Tailship.WaitForExitAsync(Timeout));

        await AssertEveryLineOnceAsync(scenario, one, two, sliceDigits: 12);
        Assert.True(scenario.Imds.CredentialRequests > 0, "the credentials did not come from the metadata stand-in");
        Assert.DoesNotContain(s3.SecretKey, scenario.Tailship.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuickSlices_ObjectsAppearWhileRunning()
    {
        var bucket = await s3.CreateBucketAsync("seed-quick", Token);
        await using var scenario = await SeedScenario.CreateAsync(s3, bucket, QuickVariant, Token);
        await scenario.StartTailshipAsync();
        scenario.StartCounter(CounterInterval);
        await WaitForReadyAsync(scenario);

        // 1 s slices and time_slice_wait 5s: objects land while tailship runs, before any signal.
        var uploaded = await scenario.WaitForMetricsAsync(
            m => m.Sum("tailship_output_writes_total", "type=\"s3\"") >= 2,
            Timeout,
            "objects uploaded while running");
        Assert.True(uploaded.Sum("tailship_plugin_records_out_total", "type=\"s3\"") > 0);
        Assert.True(uploaded.Sum("tailship_plugin_bytes_out_total", "type=\"s3\"") > 0);
        Assert.True(uploaded.Sum("tailship_output_flush_duration_seconds_count", "type=\"s3\"") >= 2);
        var early = await scenario.ObjectsAsync();
        Assert.NotEmpty(early);
        Assert.Contains(early, o => o.Body.Contains("\tcount.format1\t", StringComparison.Ordinal));
        Assert.All(early, o => Assert.Matches(KeyPattern(14), o.Key));

        var (one, two) = await scenario.StopCounterAsync();
        await WaitForAllReadAsync(scenario, one.Length + two.Length);
        await scenario.Tailship.SignalAsync("TERM");
        Assert.Equal(0, await scenario.Tailship.WaitForExitAsync(Timeout));

        await AssertEveryLineOnceAsync(scenario, one, two, sliceDigits: 14);
    }

    /// <summary>scripts/demo-seed --quick's VARIANT: seconds in the time slice and time_slice_wait 5s, nothing else.</summary>
    private static string QuickVariant(string config)
    {
        var variant = config
            .Replace("  time_slice_format %Y%m%d%H%M\n", "  time_slice_format %Y%m%d%H%M%S\n", StringComparison.Ordinal)
            .Replace("  time_slice_wait 1m\n", "  time_slice_wait 5s\n", StringComparison.Ordinal);
        Assert.Equal(2, config.Split('\n').Zip(variant.Split('\n')).Count(pair => pair.First != pair.Second));
        return variant;
    }

    private static async Task WaitForReadyAsync(SeedScenario scenario)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var (status, _, body) = await Observability.HttpProbe.GetAsync(scenario.Http, "/readyz");
            if (status == 200)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"/readyz stayed {status}:\n{body}\ntailship:\n{scenario.Tailship.Stderr}");
            await Task.Delay(200);
        }
    }

    /// <summary>Tail has read every line the counter wrote and is at the end of both files.</summary>
    private static Task<SeedScenario.Metrics> WaitForAllReadAsync(SeedScenario scenario, int lines) =>
        scenario.WaitForMetricsAsync(
            m => m.Sum("tailship_plugin_records_in_total", "type=\"tail\"") >= lines
                && m.Values("tailship_tail_lag_bytes", "type=\"tail\"") is [0, 0],
            Timeout,
            $"tail reads all {lines} lines");

    /// <summary>
    /// The object layout of the seed's config (<c>path logs/</c>, the default <c>%{path}%{time_slice}_%{index}.%{file_extension}</c>,
    /// <c>store_as text</c>, out_file lines) and every counter line in the bucket exactly once, in the slice of its time.
    /// </summary>
    private static async Task AssertEveryLineOnceAsync(SeedScenario scenario, string[] one, string[] two, int sliceDigits)
    {
        var objects = await scenario.ObjectsAsync();
        Assert.NotEmpty(objects);
        var shipped = new Dictionary<(string Tag, string Message), int>();
        foreach (var indexes in objects.Select(o => KeyPattern(sliceDigits).Match(o.Key)).GroupBy(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)))
        {
            // %{index} counts 0, 1, 2... within a slice, allocated without gaps.
            Assert.Equal(Enumerable.Range(0, indexes.Count()), indexes.Order());
        }

        foreach (var (key, body) in objects)
        {
            var match = KeyPattern(sliceDigits).Match(key);
            Assert.True(match.Success, $"object key {key} does not follow logs/<time_slice>_<index>.txt");
            Assert.EndsWith("\n", body, StringComparison.Ordinal);
            foreach (var line in body[..^1].Split('\n'))
            {
                var parsed = OutFileLine().Match(line);
                Assert.True(parsed.Success, $"{key}: not an out_file line: {line}");

                // time_slice_format applied to the event's time, as written in the line (both in local time).
                Assert.Equal(match.Groups[1].Value, Digits(parsed.Groups[1].Value)[..sliceDigits]);
                var tag = parsed.Groups[2].Value;
                if (tag.StartsWith("fluent.", StringComparison.Ordinal))
                {
                    continue; // tailship's own log events: <match **> takes them too, as in Fluentd
                }

                var message = Assert.IsType<string>(MessageOf(parsed.Groups[3].Value));
                shipped[(tag, message)] = shipped.GetValueOrDefault((tag, message)) + 1;
            }
        }

        var expected = one.Select(l => ("count.format1", l)).Concat(two.Select(l => ("count.format2", l))).ToList();
        Assert.All(one, l => Assert.Matches(FormatOne(), l));
        Assert.All(two, l => Assert.Matches(FormatTwo(), l));
        var missing = expected.Where(e => !shipped.ContainsKey(e)).ToList();
        var repeated = shipped.Where(s => s.Value > 1).Select(s => s.Key).ToList();
        var foreign = shipped.Keys.Except(expected).ToList();
        Assert.True(
            missing.Count == 0 && repeated.Count == 0 && foreign.Count == 0,
            $"{expected.Count} lines written; missing {missing.Count} (first {missing.FirstOrDefault()}), repeated {repeated.Count} "
            + $"(first {repeated.FirstOrDefault()}), not written {foreign.Count} (first {foreign.FirstOrDefault()})\ntailship:\n{scenario.Tailship.Stderr}");
    }

    private static string Digits(string time) => new([.. time.TakeWhile(c => c != '+' && c != 'Z').Where(char.IsAsciiDigit)]);

    /// <summary>The message of <c>{"message":"..."}</c>; the counter's lines hold no character JSON escapes.</summary>
    private static string? MessageOf(string record)
    {
        using var json = System.Text.Json.JsonDocument.Parse(record);
        return json.RootElement.EnumerateObject().Single().Value.GetString();
    }

    private static Regex KeyPattern(int sliceDigits) => new($@"^logs/(\d{{{sliceDigits}}})_(\d+)\.txt$");

    [GeneratedRegex(@"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-]\d\d:\d\d))\t([^\t]+)\t(\{.*\})$")]
    private static partial Regex OutFileLine();

    [GeneratedRegex("\"plugin_category\":\"input\",\"type\":\"([a-z_]+)\"")]
    private static partial Regex PluginType();

    // `$i: $(date)` and `$(date) INFO $i`, as the seed's `count` container writes them.
    [GeneratedRegex(@"^\d+: [A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d [A-Z]+ \d{4}$")]
    private static partial Regex FormatOne();

    [GeneratedRegex(@"^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d [A-Z]+ \d{4} INFO \d+$")]
    private static partial Regex FormatTwo();
}
