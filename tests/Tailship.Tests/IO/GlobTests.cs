using Tailship.IO;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.IO;

/// <summary>The one glob matcher behind <c>@include</c> and in_tail's <c>path</c>: Ruby's <c>Dir.glob</c> rules.</summary>
public sealed class GlobTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public GlobTests()
    {
        foreach (var file in new[] { "a.log", "b.log", "c.txt", ".hidden.log", "sub/d.log", "sub/deep/e.log", ".dot/f.log", "x[1].log", "n1.log", "n2.log", "n9.log" })
        {
            var path = _dir[file];
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, string.Empty);
        }
    }

    public void Dispose() => _dir.Dispose();

    private List<string> Relative(IEnumerable<string> paths) => paths.Select(p => Path.GetRelativePath(_dir.Path, p)).ToList();

    [Fact]
    public void Star_OneSegment_NoLeadingDot_SortedOrdinally()
    {
        Assert.Equal(["a.log", "b.log", "n1.log", "n2.log", "n9.log", "x[1].log"], Relative(Glob.ExpandFiles(_dir["*.log"])));
    }

    [Fact]
    public void PatternWithLeadingDot_MatchesHiddenFiles()
    {
        Assert.Equal([".hidden.log"], Relative(Glob.ExpandFiles(_dir[".*.log"])));
    }

    [Fact]
    public void DoubleStar_AnyDepth_SkipsHiddenDirectories()
    {
        Assert.Equal(["a.log", "b.log", "n1.log", "n2.log", "n9.log", "sub/d.log", "sub/deep/e.log", "x[1].log"], Relative(Glob.ExpandFiles(_dir["**/*.log"])));
    }

    [Fact]
    public void Braces_NestedAlternatives_Deduplicated()
    {
        Assert.Equal(["a.log", "c.txt", "sub/d.log"], Relative(Glob.ExpandFiles(_dir["{a.log,c.txt,{sub/d,a}.log}"])));
    }

    [Theory]
    [InlineData("n[12].log", "n1.log,n2.log")]
    [InlineData("n[!12].log", "n9.log")]
    [InlineData("n[^12].log", "n9.log")]
    [InlineData("n[0-8].log", "n1.log,n2.log")]
    [InlineData("n?.log", "n1.log,n2.log,n9.log")]
    [InlineData(@"x\[1\].lo?", "x[1].log")]
    [InlineData("n[9-0].log", "")]
    public void SetsQuestionMarkAndEscapes(string pattern, string expected)
    {
        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), Relative(Glob.ExpandFiles(_dir[pattern])));
    }

    [Fact]
    public void FilesOnly_ExcludesDirectories_OtherwiseBothListed()
    {
        Assert.Equal(["sub/d.log"], Relative(Glob.ExpandFiles(_dir["s*/*"])));
        Assert.Equal(["sub/d.log", "sub/deep"], Relative(new Glob(_dir["s*/*"]).Expand()));
    }

    [Fact]
    public void SymlinkedDirectory_Followed()
    {
        Directory.CreateSymbolicLink(_dir["link"], _dir["sub"]);
        Assert.Equal(["link/d.log"], Relative(Glob.ExpandFiles(_dir["l*/*.log"])));
    }

    [Fact]
    public void MissingDirectory_NoMatch()
    {
        Assert.Empty(Glob.ExpandFiles(_dir["nope/*.log"]));
        Assert.Empty(Glob.ExpandFiles(_dir["nope*/*.log"]));
    }

    [Fact]
    public void SameInstance_ExpandedAgain_SeesNewFiles()
    {
        var glob = new Glob(_dir["sub/*.log"]);
        Assert.Equal(["sub/d.log"], Relative(glob.Expand()));
        File.WriteAllText(_dir["sub/z.log"], string.Empty);
        Assert.Equal(["sub/d.log", "sub/z.log"], Relative(glob.Expand()));
    }

    [Theory]
    [InlineData("plain", false)]
    [InlineData("a*", true)]
    [InlineData("a?", true)]
    [InlineData("[ab]", true)]
    [InlineData("{a,b}", true)]
    public void HasWildcards(string text, bool expected) => Assert.Equal(expected, Glob.HasWildcards(text));
}
