using System.Text.Json;

namespace Tailship.Tests.Hosting;

/// <summary>
/// Issue 2's end-to-end check as a process: the built <c>tailship</c> binary runs sample -> grep ->
/// record_transformer -> file from a real fluent.conf, is stopped with SIGTERM, and the file holds exactly the
/// events the filters let through, in Fluentd's out_file layout.
/// </summary>
public sealed class SampleToFileProcessTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("tailship-sample-file-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task SampleThroughFiltersToFile_KeptEventsWrittenInOutFileLayout()
    {
        var outDir = Path.Combine(_dir.FullName, "out");
        var config = Path.Combine(_dir.FullName, "fluent.conf");
        await File.WriteAllTextAsync(config, $$"""
            <source>
              @type sample
              tag demo.events
              rate 50
              auto_increment_key id
              sample [{"message":"keep me","level":"info"},{"message":"drop me","level":"debug"}]
            </source>

            <filter demo.**>
              @type grep
              <exclude>
                key level
                pattern /debug/
              </exclude>
            </filter>

            <filter demo.**>
              @type record_transformer
              <record>
                part ${tag_parts[1]}
              </record>
            </filter>

            <match demo.**>
              @type file
              path {{outDir}}/events
              append true
              <buffer>
                flush_mode interval
                flush_interval 1s
              </buffer>
            </match>
            """, TestContext.Current.CancellationToken);

        using var agent = TailshipProcess.Start(["-c", config, "--shutdown-timeout", "10s"]);
        await agent.WaitForStderrAsync("tailship is now running", TimeSpan.FromSeconds(30));
        await WaitForLinesAsync(outDir, minimum: 20, TimeSpan.FromSeconds(30));
        await agent.SignalAsync("TERM");
        var code = await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(code == 0, agent.Stderr);

        var files = Directory.GetFiles(outDir, "events.*.log");
        var file = Assert.Single(files);
        var lines = File.ReadAllLines(file);
        Assert.True(lines.Length >= 20, $"only {lines.Length} lines");
        var previousId = -1L;
        foreach (var line in lines)
        {
            // TIME<TAB>TAG<TAB>JSON, the time as ISO 8601 with whole seconds and a numeric offset.
            var fields = line.Split('\t');
            Assert.Equal(3, fields.Length);
            Assert.True(DateTimeOffset.TryParseExact(fields[0], "yyyy-MM-ddTHH:mm:sszzz", null, System.Globalization.DateTimeStyles.None, out _), fields[0]);
            Assert.Equal("demo.events", fields[1]);
            using var json = JsonDocument.Parse(fields[2]);
            var root = json.RootElement;
            Assert.Equal("keep me", root.GetProperty("message").GetString());
            Assert.Equal("info", root.GetProperty("level").GetString());
            Assert.Equal("events", root.GetProperty("part").GetString());
            var id = root.GetProperty("id").GetInt64();
            Assert.True(id > previousId, $"id {id} after {previousId}: lost order or repeated");
            previousId = id;
        }

        Assert.DoesNotContain(lines, l => l.Contains("drop me", StringComparison.Ordinal));
    }

    private static async Task WaitForLinesAsync(string directory, int minimum, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var count = Directory.Exists(directory)
                ? Directory.GetFiles(directory, "events.*.log").Sum(f => File.ReadLines(f).Count())
                : 0;
            if (count >= minimum)
            {
                return;
            }

            // The file output flushes every second; look again shortly after.
            await Task.Delay(TimeSpan.FromMilliseconds(200), cts.Token);
        }
    }
}
