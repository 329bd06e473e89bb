using Tailship.Config;

namespace Tailship.Tests.Config.Reading;

public sealed class FluentConfReaderTests : IDisposable
{
    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void SeedConfig_ReadsTwoTailSourcesAndOneS3Match()
    {
        var seed = FindRepoFile("examples/seed/fluent.conf");
        var bag = new DiagnosticBag();

        var root = ConfigLoader.Load(seed, bag, _files.Options);

        Assert.Empty(bag.Items);
        Assert.NotNull(root);
        Assert.Equal(ConfigSection.RootName, root.Name);
        Assert.Equal(["source", "source", "match"], root.Sections.Select(s => s.Name));
        for (var i = 0; i < 2; i++)
        {
            var source = root.Sections[i];
            Assert.Equal(["@type", "format", "path", "pos_file", "tag"], source.Params.Select(p => p.Key));
            Assert.Equal("tail", source.Type);
            Assert.Equal("none", source.Find("format")!.Value);
            Assert.Equal($"/var/log/{i + 1}.log", source.Find("path")!.Value);
            Assert.Equal($"/var/log/{i + 1}.log.pos", source.Find("pos_file")!.Value);
            Assert.Equal($"count.format{i + 1}", source.Find("tag")!.Value);
        }

        var match = root.Sections[2];
        Assert.Equal("**", match.Argument);
        Assert.Equal("s3", match.Type);
        Assert.Equal("$s3_bucket", match.Find("s3_bucket")!.Value);
        Assert.Equal("%Y%m%d%H%M", match.Find("time_slice_format")!.Value);
        Assert.Equal("1m", match.Find("time_slice_wait")!.Value);
        var credentials = Assert.Single(match.Sections);
        Assert.Equal("instance_profile_credentials", credentials.Name);
        Assert.Empty(credentials.Params);
        Assert.Equal(new SourceLocation(seed, 20, 1), match.Location);
        Assert.Equal(new SourceLocation(seed, 23, 3), match.Find("s3_bucket")!.Location);
        Assert.Equal(new SourceLocation(seed, 23, 13), match.Find("s3_bucket")!.ValueLocation);
    }

    [Fact]
    public void NestedSections_AnyDepth_KeepArgumentsAndOrder()
    {
        var root = _files.LoadClean("""
            <match app.** other.*>
              @type copy
              <store>
                @type file
                <buffer time,tag>
                  timekey 60
                  <nested deeper>
                    <deepest>
                      k v
                    </deepest>
                  </nested>
                </buffer>
              </store>
              <store   >
              </store>
            </match>
            <label @ERR>
              <match **>
                @type null
              </match>
            </label>
            <system>
              workers 2
            </system>
            <worker 0-1>
            </worker>
            """);

        Assert.Equal(["match", "label", "system", "worker"], root.Sections.Select(s => s.Name));
        var match = root.Sections[0];
        Assert.Equal("app.** other.*", match.Argument);
        Assert.Equal(["store", "store"], match.Sections.Select(s => s.Name));
        Assert.Equal(string.Empty, match.Sections[1].Argument);
        var buffer = Assert.Single(match.Sections[0].Sections);
        Assert.Equal("time,tag", buffer.Argument);
        Assert.Equal("v", buffer.Sections[0].Sections[0].Find("k")!.Value);
        Assert.Equal("deeper", buffer.Sections[0].Argument);
        Assert.Equal("@ERR", root.Sections[1].Argument);
        Assert.Equal("0-1", root.Sections[3].Argument);
        Assert.Equal(5, buffer.Location.Line);
        Assert.Equal(5, buffer.Location.Column);
    }

    [Theory]
    [InlineData("path /var/log/a.log", "/var/log/a.log")]
    [InlineData("path   spaced value inside   ", "spaced value inside")]
    [InlineData("path a b # a comment", "a b")]
    [InlineData("path a\t# a comment after a tab", "a")]
    [InlineData("path a#b", "a#b")]
    [InlineData("path /x/#{ENV['HOME']}", "/x/#{ENV['HOME']}")]
    [InlineData("path 'single # not a comment'", "single # not a comment")]
    [InlineData("path 'it\\'s \\\\ \\n'", "it's \\ \\n")]
    [InlineData("path \"a\" # comment", "a")]
    [InlineData("path \"a\"#comment", "a")]
    [InlineData("path \"#{}\"", "")]
    public void Values_FollowFluentdLiteralRules(string line, string expected)
    {
        var root = _files.LoadClean(line + "\n");
        Assert.Equal(expected, root.Find("path")!.Value);
    }

    [Theory]
    [InlineData("\\\"", "\"")]
    [InlineData("\\\\", "\\")]
    [InlineData("\\n", "\n")]
    [InlineData("\\r", "\r")]
    [InlineData("\\t", "\t")]
    [InlineData("\\f", "\f")]
    [InlineData("\\b", "\b")]
    [InlineData("\\v", "\v")]
    [InlineData("\\a", "\a")]
    [InlineData("\\e", "\u001b")]
    [InlineData("\\s", " ")]
    [InlineData("\\0", "\0")]
    [InlineData("\\'", "'")]
    [InlineData("\\#", "#")]
    [InlineData("\\#{x}", "#{x}")]
    [InlineData("\\$", "$")]
    public void DoubleQuoted_Escape_IsUnescaped(string escape, string expected)
    {
        var root = _files.LoadClean($"key \"<{escape}>\"\n");
        var param = root.Find("key")!;
        Assert.Equal($"<{expected}>", param.Value);
        Assert.Equal(ConfigValueStyle.DoubleQuoted, param.Style);
    }

    [Fact]
    public void DoubleQuoted_UnknownLetterEscape_IsAnErrorAtTheBackslash()
    {
        _files.Write("fluent.conf", "format \"\\d+\"\n");
        var (root, diagnostics) = _files.Load("fluent.conf");
        Assert.Null(root);
        var error = Assert.Single(diagnostics);
        Assert.StartsWith("fluent.conf:1:9: error: unexpected back-slash escape character 'd'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void DoubleQuoted_SpansLines_KeepsLineBreaksAndJoinsContinuations()
    {
        var root = _files.LoadClean("a \"foo\nbar\"\nb \"one \\\ntwo\"\nc after\n");
        Assert.Equal("foo\nbar", root.Find("a")!.Value);
        Assert.Equal("one two", root.Find("b")!.Value);
        Assert.Equal("after", root.Find("c")!.Value);
        Assert.Equal(3, root.Find("b")!.Location.Line);
    }

    [Fact]
    public void KeyAlone_HasEmptyValue()
    {
        var root = _files.LoadClean("<source>\n  flag\n  other x\n</source>\nlast");
        var source = root.Sections[0];
        Assert.Equal(string.Empty, source.Find("flag")!.Value);
        Assert.Equal("x", source.Find("other")!.Value);
        Assert.Equal(string.Empty, root.Find("last")!.Value);
    }

    [Fact]
    public void KeyWithHashNote_IsTheValueAndWarns()
    {
        _files.Write("fluent.conf", "flag # note\ncolor #ff0000\n");
        var (root, diagnostics) = _files.Load("fluent.conf");
        Assert.NotNull(root);
        Assert.Equal("# note", root.Find("flag")!.Value);
        Assert.Equal("#ff0000", root.Find("color")!.Value);
        var warning = Assert.Single(diagnostics);
        Assert.StartsWith("fluent.conf:1:6: warning: the value '# note' starts with '#'", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonValues_SpanLinesWithComments_BecomeCompactJson()
    {
        var root = _files.LoadClean("""
            keys ["a", "b # not a comment",   # a comment
              "c"]
            map {
              "k": "v",  # comment
              "n": 10, "nested": {"x": [1, 2.5, true, null]}
            }
            after done
            """);
        var keys = root.Find("keys")!;
        Assert.Equal("""["a","b # not a comment","c"]""", keys.Value);
        Assert.Equal(ConfigValueStyle.Json, keys.Style);
        Assert.Equal("""{"k":"v","n":10,"nested":{"x":[1,2.5,true,null]}}""", root.Find("map")!.Value);
        Assert.Equal("done", root.Find("after")!.Value);
        Assert.Equal(new SourceLocation("fluent.conf", 3, 5), root.Find("map")!.ValueLocation with { File = "fluent.conf" });
    }

    [Fact]
    public void JsonValue_Unbalanced_IsIncompleteJsonErrorAndReadingGoesOn()
    {
        _files.Write("fluent.conf", "<match **>\n  keys [\"a\", \"b\"\n  x y\n</match>\n");
        var (root, diagnostics) = _files.Load("fluent.conf");
        Assert.Null(root);
        var error = Assert.Single(diagnostics);
        Assert.StartsWith("fluent.conf:2:8: error: got incomplete JSON array configuration", error, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonValue_RubyPlaceholder_IsAnErrorThatSuggestsQuoting()
    {
        _files.Write("fluent.conf", "msg [${record[\"msg\"]}]\n");
        var (root, diagnostics) = _files.Load("fluent.conf");
        Assert.Null(root);
        var error = Assert.Single(diagnostics);
        Assert.Contains("invalid JSON array '[${record[\"msg\"]}]'", error, StringComparison.Ordinal);
        Assert.Contains("quote the value", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Locations_AreOneBasedLineAndColumnOfKeyAndValue()
    {
        var root = _files.LoadClean("# c\n<source>\n\t@type   tail\n    path \"x\"\n</source>\n");
        var source = root.Sections[0];
        Assert.Equal((2, 1), (source.Location.Line, source.Location.Column));
        var type = source.Find("@type")!;
        Assert.Equal((3, 2), (type.Location.Line, type.Location.Column));
        Assert.Equal((3, 10), (type.ValueLocation.Line, type.ValueLocation.Column));
        var path = source.Find("path")!;
        Assert.Equal((4, 5), (path.Location.Line, path.Location.Column));
        Assert.Equal((4, 10), (path.ValueLocation.Line, path.ValueLocation.Column));
    }

    [Fact]
    public void CrLfLineEndings_ReadLikeLf()
    {
        var root = _files.LoadClean("<source>\r\n  @type tail # c\r\n  path 'x'\r\n  flag\r\n</source>\r\n");
        var source = root.Sections[0];
        Assert.Equal("tail", source.Type);
        Assert.Equal("x", source.Find("path")!.Value);
        Assert.Equal(string.Empty, source.Find("flag")!.Value);
    }

    [Fact]
    public void MismatchedCloseTag_NamesBothPlaces()
    {
        _files.Write("fluent.conf", "<match **>\n  <buffer>\n  </match>\n");
        var (root, diagnostics) = _files.Load("fluent.conf");
        Assert.Null(root);
        Assert.Equal(
            ["fluent.conf:3:3: error: expected '</buffer>' to close <buffer> opened at fluent.conf:2:3, found '</match>'"],
            diagnostics);
    }

    [Fact]
    public void UnclosedSection_AtEndOfFile_NamesWhereItOpened()
    {
        _files.Write("fluent.conf", "<source>\n  @type tail\n");
        var (root, diagnostics) = _files.Load("fluent.conf");
        Assert.Null(root);
        Assert.Equal(
            ["fluent.conf:3:1: error: expected '</source>' to close <source> opened at fluent.conf:1:1, found end of file"],
            diagnostics);
    }

    [Fact]
    public void SeveralErrors_AreAllReportedInOneRead()
    {
        _files.Write("fluent.conf", """
            <source
              @type tail
            </source>
            <match **> extra
              a "\q"
              b 'open
              c [1,
            </match>
            </nothing>
            """);
        var (root, diagnostics) = _files.Load("fluent.conf");
        Assert.Null(root);
        Assert.Equal(6, diagnostics.Count);
        Assert.Equal([1, 4, 5, 6, 7, 9], diagnostics.Select(d => int.Parse(d.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void ReservedPrefix_IsAnErrorInPluginSectionsAndAWarningNested()
    {
        _files.Write("fluent.conf", "<source>\n  @foo 1\n  <parse>\n    @bar 2\n  </parse>\n</source>\n");
        var (root, diagnostics) = _files.Load("fluent.conf");
        Assert.Null(root);
        Assert.Equal(2, diagnostics.Count);
        Assert.StartsWith("fluent.conf:2:3: error: '@foo': '@' is the system reserved prefix", diagnostics[0], StringComparison.Ordinal);
        Assert.StartsWith("fluent.conf:4:5: warning: '@bar'", diagnostics[1], StringComparison.Ordinal);
    }

    [Fact]
    public void TextAfterAValue_IsAnErrorSayingWhatWasFound()
    {
        _files.Write("fluent.conf", "keys [1, 2] extra\nname \"a\" b\nok 1\n");
        var (root, diagnostics) = _files.Load("fluent.conf");
        Assert.Null(root);
        Assert.Equal(
            [
                "fluent.conf:1:13: error: expected end of line after the value of 'keys', found 'extra'",
                "fluent.conf:2:10: error: expected end of line after the value of 'name', found 'b'",
            ],
            diagnostics);
    }

    [Fact]
    public void QuotedKey_IsRead()
    {
        var root = _files.LoadClean("\"key with space\" value\n'single' \"v\"\n");
        Assert.Equal("value", root.Find("key with space")!.Value);
        Assert.Equal("v", root.Find("single")!.Value);
    }

    [Fact]
    public void MissingRootFile_IsAnErrorNotAnException()
    {
        var (root, diagnostics) = _files.Load("absent.conf");
        Assert.Null(root);
        Assert.Equal(["absent.conf:1:1: error: cannot read 'absent.conf': no such file"], diagnostics.Select(d => d.Replace(_files.Root + "/", string.Empty, StringComparison.Ordinal)));
    }

    internal static string FindRepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
