namespace Tailship.Tests.Config.Reading;

public sealed class IncludeTests : IDisposable
{
    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void RelativePath_IsRelativeToTheIncludingFile()
    {
        _files.Write("etc/fluent.conf", "@include sub/inputs.conf\n<match **>\n</match>\n");
        _files.Write("etc/sub/inputs.conf", "<source>\n  @type tail\n</source>\n@include more/extra.conf\n");
        _files.Write("etc/sub/more/extra.conf", "<source>\n  @type sample\n</source>\n");

        var (root, diagnostics) = _files.Load("etc/fluent.conf");

        Assert.Empty(diagnostics);
        Assert.Equal(["source", "source", "match"], root!.Sections.Select(s => s.Name));
        Assert.Equal("sample", root.Sections[1].Type);
        Assert.EndsWith(Path.Combine("etc", "sub", "more", "extra.conf"), root.Sections[1].Location.File, StringComparison.Ordinal);
        Assert.Equal(1, root.Sections[1].Location.Line);
    }

    [Fact]
    public void Glob_ExpandsInAlphabeticalOrder()
    {
        _files.Write("fluent.conf", "@include conf.d/*.conf\nlast x\n");
        foreach (var name in new[] { "b", "c", "a", "B" })
        {
            _files.Write($"conf.d/{name}.conf", $"<source>\n  @id {name}\n</source>\n");
        }

        _files.Write("conf.d/ignored.txt", "not a conf");
        _files.Write("conf.d/.hidden.conf", "<source>\n</source>\n");

        var (root, diagnostics) = _files.Load("fluent.conf");

        Assert.Empty(diagnostics);
        Assert.Equal(["B", "a", "b", "c"], root!.Sections.Select(s => s.Find("@id")!.Value));
        Assert.Equal("x", root.Find("last")!.Value);
    }

    [Fact]
    public void GlobWithBracesAndRecursion_FindsNestedFiles()
    {
        _files.Write("fluent.conf", "@include {in,out}/**/*.conf\n");
        _files.Write("in/one.conf", "<source>\n</source>\n");
        _files.Write("out/deep/er/two.conf", "<match **>\n</match>\n");

        var (root, diagnostics) = _files.Load("fluent.conf");

        Assert.Empty(diagnostics);
        Assert.Equal(["source", "match"], root!.Sections.Select(s => s.Name));
    }

    [Fact]
    public void InsideASection_IncludedParamsAndSectionsLandThere()
    {
        _files.Write("fluent.conf", "<match **>\n  @type s3\n  @include buffer.conf\n  after yes\n</match>\n");
        _files.Write("buffer.conf", "# shared buffer settings\nflush_interval 5s\n<buffer time>\n  timekey 60\n</buffer>\n");

        var (root, diagnostics) = _files.Load("fluent.conf");

        Assert.Empty(diagnostics);
        var match = Assert.Single(root!.Sections);
        Assert.Equal(["@type", "flush_interval", "after"], match.Params.Select(p => p.Key));
        Assert.Equal("time", Assert.Single(match.Sections).Argument);
        Assert.Equal(new Tailship.Config.SourceLocation(Path.Combine(_files.Root, "buffer.conf"), 2, 1), match.Find("flush_interval")!.Location);
    }

    [Fact]
    public void MissingFile_IsAnErrorAtTheIncludePath()
    {
        _files.Write("fluent.conf", "<source>\n</source>\n@include   missing.conf\n");

        var (root, diagnostics) = _files.Load("fluent.conf");

        Assert.Null(root);
        Assert.Equal(["fluent.conf:3:12: error: cannot include 'missing.conf': no such file (looked for missing.conf)"], diagnostics);
    }

    [Fact]
    public void GlobMatchingNothing_IsOnlyAWarning()
    {
        _files.Write("fluent.conf", "@include conf.d/*.conf\n");

        var (root, diagnostics) = _files.Load("fluent.conf");

        Assert.NotNull(root);
        Assert.Equal(["fluent.conf:1:10: warning: @include pattern 'conf.d/*.conf' matches no file (looked for conf.d/*.conf)"], diagnostics);
    }

    [Fact]
    public void Cycle_IsAnErrorNamingTheChain()
    {
        _files.Write("fluent.conf", "@include a.conf\n");
        _files.Write("a.conf", "@include b.conf\n");
        _files.Write("b.conf", "@include a.conf\n");

        var (root, diagnostics) = _files.Load("fluent.conf");

        Assert.Null(root);
        Assert.Equal(["b.conf:1:10: error: include cycle: a.conf -> b.conf -> a.conf"], diagnostics);
    }

    [Fact]
    public void SelfInclude_IsACycle()
    {
        _files.Write("fluent.conf", "@include *.conf\n");

        var (root, diagnostics) = _files.Load("fluent.conf");

        Assert.Null(root);
        Assert.Equal(["fluent.conf:1:10: error: include cycle: fluent.conf -> fluent.conf"], diagnostics);
    }

    [Fact]
    public void Url_IsNotImplementedYet()
    {
        _files.Write("fluent.conf", "@include http://example.com/fluent.conf\n");

        var (root, diagnostics) = _files.Load("fluent.conf");

        Assert.Null(root);
        var error = Assert.Single(diagnostics);
        Assert.StartsWith("fluent.conf:1:10: error: @include of a URL ('http://example.com/fluent.conf') is not implemented yet", error, StringComparison.Ordinal);
    }

    [Fact]
    public void IncludedFile_MustCloseWhatItOpensAndCannotCloseTheIncluder()
    {
        _files.Write("fluent.conf", "<match **>\n  @include part.conf\n</match>\n");
        _files.Write("part.conf", "<buffer>\n</match>\n");

        var (root, diagnostics) = _files.Load("fluent.conf");

        Assert.Null(root);
        Assert.Equal(
            [
                "part.conf:2:1: error: expected '</buffer>' to close <buffer> opened at part.conf:1:1, found '</match>', which closes no open section",
                "part.conf:3:1: error: expected '</buffer>' to close <buffer> opened at part.conf:1:1, found end of file (an included file must close the sections it opens)",
            ],
            diagnostics);
    }

    [Fact]
    public void DeprecatedBareInclude_WorksAtTopLevelWithAWarning()
    {
        _files.Write("fluent.conf", "include other.conf\n<source>\n  include plain_param\n</source>\n");
        _files.Write("other.conf", "<match **>\n</match>\n");

        var (root, diagnostics) = _files.Load("fluent.conf");

        Assert.NotNull(root);
        Assert.Equal(["fluent.conf:1:1: warning: 'include' is deprecated: write '@include'"], diagnostics);
        Assert.Equal(["match", "source"], root.Sections.Select(s => s.Name));
        Assert.Equal("plain_param", root.Sections[1].Find("include")!.Value);
    }

    [Theory]
    [InlineData("@include \"bad\\0name.conf\"\n", "found a path containing a NUL character")]
    [InlineData("@include conf.d/[z-a].conf\n", "matches no file")]
    public void OddPaths_AreReportedNotThrown(string text, string message)
    {
        _files.Write("fluent.conf", text);

        var (_, diagnostics) = _files.Load("fluent.conf");

        Assert.Contains(message, Assert.Single(diagnostics), StringComparison.Ordinal);
    }
}
