using Tailship.Config;

namespace Tailship.Tests.Config.Reading;

/// <summary>
/// Broken configurations under Golden/Config: NAME.conf (or .yaml) with NAME.expected holding the exact rendered
/// diagnostics, one per line, with file names relative to the golden directory. On a mismatch the actual text is
/// written next to the copied file as NAME.actual.
/// </summary>
public sealed class GoldenConfigTests
{
    private static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "Golden", "Config");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var expected in System.IO.Directory.EnumerateFiles(Directory, "*.expected").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(expected));
        }

        return data;
    }

    [Fact]
    public void GoldenDirectory_HasAtLeastEightBrokenConfigs()
    {
        Assert.True(Cases().Count >= 8);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BrokenConfig_RendersExpectedDiagnostics(string name)
    {
        var config = System.IO.Directory.EnumerateFiles(Directory, name + ".*")
            .Single(f => f.EndsWith(".conf", StringComparison.Ordinal) || f.EndsWith(".yaml", StringComparison.Ordinal));
        var options = new ConfigLoadOptions
        {
            GetEnvironmentVariable = n => n == "HOME" ? "/home/golden" : null,
            Hostname = "golden-host",
            WorkerId = 0,
        };
        var bag = new DiagnosticBag();

        var root = ConfigLoader.Load(config, bag, options);

        var actual = string.Join("\n", ConfigFiles.Render(bag, Directory)) + "\n";
        var expected = File.ReadAllText(Path.Combine(Directory, name + ".expected")).ReplaceLineEndings("\n");
        if (actual != expected)
        {
            File.WriteAllText(Path.Combine(Directory, name + ".actual"), actual);
        }

        Assert.Equal(expected, actual);
        Assert.Equal(bag.HasErrors, root is null);
    }
}
