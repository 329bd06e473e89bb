using Tailship.Config;
using Tailship.Hosting;
using Tailship.Plugins;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Outputs.File;

/// <summary>The plugins of this folder's siblings together, read from a real config file and run by the real pipeline.</summary>
public sealed class SampleToFilePipelineTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task SampleThroughGrepAndRecordTransformer_IsWrittenToAFilePerTag()
    {
        var conf = $$"""
            <source>
              @type sample
              tag app.web
              rate 100
              auto_increment_key n
              sample [{"level":"info","msg":"a"},{"level":"debug","msg":"b"}]
            </source>
            <filter app.**>
              @type grep
              <exclude>
                key level
                pattern /^debug$/
              </exclude>
            </filter>
            <filter app.**>
              @type record_transformer
              remove_keys level
              <record>
                host ${hostname}
                service ${tag_parts[1]}
              </record>
            </filter>
            <match app.**>
              @type file
              path {{_dir.Path}}/out/${tag}
              append true
              <buffer tag,time>
                flush_mode immediate
              </buffer>
              <format>
                @type json
              </format>
            </match>
            """;
        var file = _dir["fluent.conf"];
        await System.IO.File.WriteAllTextAsync(file, conf, TestContext.Current.CancellationToken);
        var diagnostics = new DiagnosticBag();
        var root = ConfigLoader.Load(file, diagnostics);
        var plan = root is null ? null : PipelinePlan.Create(root, new PipelineOptions { Registry = BuiltinPlugins.CreateRegistry(), Hostname = "e2e-host" }, diagnostics);
        Assert.True(plan is not null, string.Join("\n", diagnostics.Items));

        await using var pipeline = Pipeline.Build(plan);
        await pipeline.StartAsync(TestContext.Current.CancellationToken);
        var lines = await WaitForLinesAsync(10);
        await pipeline.StopAsync(TestContext.Current.CancellationToken);

        var written = Assert.Single(_dir.Files(), f => f.StartsWith("out/", StringComparison.Ordinal));
        Assert.Matches(@"^out/app\.web\.\d{8}\.log$", written);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal($"{{\"msg\":\"a\",\"n\":{2 * i},\"host\":\"e2e-host\",\"service\":\"web\"}}", lines[i]);
        }
    }

    // The output writes at every emit; the file is read until it holds enough lines (bounded in time).
    private async Task<string[]> WaitForLinesAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var path = Directory.Exists(_dir["out"]) ? Directory.GetFiles(_dir["out"]).FirstOrDefault() : null;
            if (path is not null)
            {
                var lines = (await System.IO.File.ReadAllTextAsync(path, TestContext.Current.CancellationToken)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
                if (lines.Length >= count)
                {
                    return lines;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, "the sample events did not reach the file");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
