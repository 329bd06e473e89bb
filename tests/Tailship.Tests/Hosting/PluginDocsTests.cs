using Tailship.Hosting;
using Tailship.Plugins;

namespace Tailship.Tests.Hosting;

public sealed class PluginDocsTests
{
    [Fact]
    public void DocsPluginsFolder_MatchesTheDeclarations()
    {
        var expected = PluginDocs.Render(BuiltinPlugins.CreateRegistry());
        var folder = Path.Combine(RepoPaths.Root, "docs", "plugins");
        var actual = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.md").ToDictionary(p => Path.GetFileName(p), File.ReadAllText, StringComparer.Ordinal)
            : [];

        var problems = new List<string>();
        problems.AddRange(expected.Keys.Where(name => !actual.ContainsKey(name)).Select(name => $"docs/plugins/{name} is missing"));
        problems.AddRange(actual.Keys.Where(name => !expected.ContainsKey(name)).Select(name => $"docs/plugins/{name} belongs to no plugin"));
        problems.AddRange(expected.Where(kv => actual.TryGetValue(kv.Key, out var text) && text != kv.Value).Select(kv => $"docs/plugins/{kv.Key} differs from its plugin's declaration"));

        Assert.True(problems.Count == 0, string.Join("\n", problems) + "\nRun scripts/gen-docs to regenerate the plugin reference.");
    }

    [Fact]
    public void Render_OneFilePerPluginAndAnIndex()
    {
        var files = PluginDocs.Render(FakePlugins.Registry());

        Assert.Equal(["README.md", "formatter-salted.md", "output-vault.md"], files.Keys);
        var index = files["README.md"];
        Assert.Contains("| [`vault`](output-vault.md) | Writes events to a vault. |", index);
        Assert.Contains("## Inputs (`<source>`)\n\nNone yet.", index);
    }

    [Fact]
    public void Render_PluginPage_HasParameterTableSectionsAndMarks()
    {
        var page = PluginDocs.Render(FakePlugins.Registry())["output-vault.md"];

        Assert.Contains("# `@type vault` (output plugin)\n\nWrites events to a vault. Second sentence.\n\nUsed in `<match>`.\n", page);
        Assert.Contains("| Name | Type | Default | Required | Description |\n|---|---|---|---|---|\n", page);
        Assert.Contains("| `endpoint` | string | `https://vault.local` |  | Where the vault listens. |", page);
        Assert.Contains("| `credential` | string |  | yes | The vault token. Secret: shown as `xxxxxx` in the agent's log. |", page);
        Assert.Contains("| `chunk` | size | `8m` |  | Largest write \\| in bytes. |", page);
        Assert.Contains("| `timeout` | time | `5m` |  | How long to wait. |", page);
        Assert.Contains("| `mode` | enum (fast, safe) | `fast` |  | Write mode. |", page);
        Assert.Contains("| `legacy` | string |  |  | **Not implemented yet** (setting it is an error). An old Fluentd switch. |", page);
        Assert.Contains("### `<auth>`\n\nHow to log in.\n\n#### Parameters\n", page);
        Assert.Contains("| `key` | string |  |  | Login key. Secret: shown as `xxxxxx` in the agent's log. |", page);
        Assert.Contains("### `<format>`\n\n*A formatter plugin chosen by @type, default salted.* How events are written.\n", page);
    }

    [Fact]
    public void WriteTo_WritesChangedFilesAndRemovesStaleOnes()
    {
        var dir = Directory.CreateTempSubdirectory("tailship-docs-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "input-gone.md"), "old");
            File.WriteAllText(Path.Combine(dir.FullName, "notes.txt"), "kept");

            var written = PluginDocs.WriteTo(dir.FullName, FakePlugins.Registry());
            var again = PluginDocs.WriteTo(dir.FullName, FakePlugins.Registry());

            Assert.Equal(3, written.Count);
            Assert.Empty(again);
            Assert.False(File.Exists(Path.Combine(dir.FullName, "input-gone.md")));
            Assert.True(File.Exists(Path.Combine(dir.FullName, "notes.txt")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData(8L * 1024 * 1024, "8m")]
    [InlineData(256L * 1024, "256k")]
    [InlineData(64L << 30, "64g")]
    [InlineData(1000L, "1000")]
    public void Size_UsesTheLargestExactUnit(long bytes, string expected) => Assert.Equal(expected, ParamText.Size(bytes));

    [Theory]
    [InlineData(86400, "1d")]
    [InlineData(600, "10m")]
    [InlineData(3600 * 72, "3d")]
    [InlineData(5, "5s")]
    [InlineData(0.5, "0.5s")]
    public void Time_UsesTheLargestExactUnit(double seconds, string expected) => Assert.Equal(expected, ParamText.Time(TimeSpan.FromSeconds(seconds)));
}
