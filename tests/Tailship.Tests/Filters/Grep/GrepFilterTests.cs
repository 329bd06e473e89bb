using System.Text;
using Tailship.Config;
using Tailship.Events;
using Tailship.Filters.Grep;
using Tailship.Tests.TestSupport;
using Record = Tailship.Events.Record;

namespace Tailship.Tests.Filters.Grep;

public sealed class GrepFilterTests
{
    private static GrepFilter Grep(string body) =>
        PluginHarness.Build<GrepFilter>(PluginKind.Filter, $"<filter **>\n  @type grep\n{body}\n</filter>");

    private static string[] Kept(GrepFilter grep, params string[] records) =>
        grep.Filter("app", Records.Batch(records)).Select(e => Records.Show(e.Record)).ToArray();

    private static bool Keeps(GrepFilter grep, string record) => Kept(grep, record).Length == 1;

    [Fact]
    public void Regexp_KeepsOnlyMatchingEventsInOrder()
    {
        var grep = Grep("<regexp>\n key message\n pattern /cool/\n</regexp>");
        var kept = Kept(grep, """{"message":"cool 1"}""", """{"message":"dull"}""", """{"message":"so cool"}""");
        Assert.Equal(["""{"message"=>"cool 1"}""", """{"message"=>"so cool"}"""], kept);
    }

    [Fact]
    public void Exclude_DropsMatchingEvents()
    {
        var grep = Grep("<exclude>\n key level\n pattern /^debug$/\n</exclude>");
        Assert.False(Keeps(grep, """{"level":"debug"}"""));
        Assert.True(Keeps(grep, """{"level":"debugging"}"""));
    }

    [Theory]
    [InlineData("""{"a":"x","b":"y"}""", true)]
    [InlineData("""{"a":"x","b":"n"}""", false)]
    [InlineData("""{"a":"n","b":"y"}""", false)]
    public void SeveralTopLevelRegexps_AllMustMatch(string record, bool kept)
    {
        var grep = Grep("<regexp>\n key a\n pattern /x/\n</regexp>\n<regexp>\n key b\n pattern /y/\n</regexp>");
        Assert.Equal(kept, Keeps(grep, record));
    }

    [Theory]
    [InlineData("""{"a":"x","b":"y"}""", false)]
    [InlineData("""{"a":"x","b":"n"}""", false)]
    [InlineData("""{"a":"n","b":"n"}""", true)]
    public void SeveralTopLevelExcludes_AnyMatchDrops(string record, bool kept)
    {
        var grep = Grep("<exclude>\n key a\n pattern /x/\n</exclude>\n<exclude>\n key b\n pattern /y/\n</exclude>");
        Assert.Equal(kept, Keeps(grep, record));
    }

    [Theory]
    [InlineData("""{"a":"x","b":"y"}""", true)]
    [InlineData("""{"a":"x","b":"n"}""", true)]
    [InlineData("""{"a":"n","b":"y"}""", true)]
    [InlineData("""{"a":"n","b":"n"}""", false)]
    public void OrOfRegexps_OneMustMatch(string record, bool kept)
    {
        var grep = Grep("<or>\n<regexp>\n key a\n pattern /x/\n</regexp>\n<regexp>\n key b\n pattern /y/\n</regexp>\n</or>");
        Assert.Equal(kept, Keeps(grep, record));
    }

    [Theory]
    [InlineData("""{"a":"x","b":"y"}""", false)]
    [InlineData("""{"a":"x","b":"n"}""", true)]
    [InlineData("""{"a":"n","b":"y"}""", true)]
    [InlineData("""{"a":"n","b":"n"}""", true)]
    public void AndOfExcludes_DropsOnlyWhenAllMatch(string record, bool kept)
    {
        var grep = Grep("<and>\n<exclude>\n key a\n pattern /x/\n</exclude>\n<exclude>\n key b\n pattern /y/\n</exclude>\n</and>");
        Assert.Equal(kept, Keeps(grep, record));
    }

    [Theory]
    [InlineData("""{"a":"x","b":"y","c":"z"}""", true)]
    [InlineData("""{"a":"x","b":"n","c":"z"}""", false)]
    [InlineData("""{"a":"x","b":"y","c":"n"}""", false)]
    [InlineData("""{"a":"n","b":"y","c":"z"}""", false)]
    public void AndOfRegexpsWithTopLevelRegexp_AllMustMatch(string record, bool kept)
    {
        var grep = Grep("<regexp>\n key c\n pattern /z/\n</regexp>\n<and>\n<regexp>\n key a\n pattern /x/\n</regexp>\n<regexp>\n key b\n pattern /y/\n</regexp>\n</and>");
        Assert.Equal(kept, Keeps(grep, record));
    }

    [Theory]
    [InlineData("""{"a":"x","b":"y"}""", false)]
    [InlineData("""{"a":"x","b":"n"}""", false)]
    [InlineData("""{"a":"n","b":"n"}""", true)]
    public void OrOfExcludes_AnyMatchDrops(string record, bool kept)
    {
        var grep = Grep("<or>\n<exclude>\n key a\n pattern /x/\n</exclude>\n<exclude>\n key b\n pattern /y/\n</exclude>\n</or>");
        Assert.Equal(kept, Keeps(grep, record));
    }

    [Theory]
    [InlineData("""{"other":1}""", true)]
    [InlineData("""{"x":null}""", true)]
    [InlineData("""{"x":""}""", true)]
    [InlineData("""{"x":"v"}""", false)]
    public void MissingOrNullKey_IsMatchedAsEmptyString(string record, bool kept)
    {
        var grep = Grep("<regexp>\n key x\n pattern /^$/\n</regexp>");
        Assert.Equal(kept, Keeps(grep, record));
    }

    [Fact]
    public void MissingKey_IsNotExcludedByANonEmptyPattern()
    {
        var grep = Grep("<exclude>\n key x\n pattern /./\n</exclude>");
        Assert.True(Keeps(grep, """{"y":"v"}"""));
    }

    [Theory]
    [InlineData("""{"v":200}""", "^200$")]
    [InlineData("""{"v":1.5}""", "^1\\.5$")]
    [InlineData("""{"v":1000.0}""", "^1000\\.0$")]
    [InlineData("""{"v":true}""", "^true$")]
    [InlineData("""{"v":{"a":1,"b":"c"}}""", "^\\{\"a\"=>1, \"b\"=>\"c\"\\}$")]
    [InlineData("""{"v":["a",null,2]}""", "^\\[\"a\", nil, 2\\]$")]
    public void NonStringValue_IsMatchedAsRubyToS(string record, string pattern)
    {
        var grep = Grep($"<regexp>\n key v\n pattern /{pattern}/\n</regexp>");
        Assert.True(Keeps(grep, record));
    }

    [Theory]
    [InlineData("$.a.b")]
    [InlineData("$['a']['b']")]
    [InlineData("$.list[1].b")]
    [InlineData("$['list'][-1]['b']")]
    public void RecordAccessorKey_ReachesNestedValue(string key)
    {
        var grep = Grep($"<regexp>\n key {key}\n pattern /^deep$/\n</regexp>");
        Assert.True(Keeps(grep, """{"a":{"b":"deep"},"list":[{"b":"no"},{"b":"deep"}]}"""));
        Assert.False(Keeps(grep, """{"a":{"b":"shallow"},"list":[{"b":"x"},{"b":"y"}]}"""));
    }

    [Fact]
    public void PlainKeyWithDots_IsOneTopLevelKey()
    {
        var grep = Grep("<regexp>\n key a.b\n pattern /^v$/\n</regexp>");
        Assert.True(Keeps(grep, """{"a.b":"v"}"""));
        Assert.False(Keeps(grep, """{"a":{"b":"v"}}"""));
    }

    [Fact]
    public void AccessorIntoAString_KeepsTheEventAsFluentdDoes()
    {
        // Ruby raises inside dig; Fluentd's grep rescues and keeps the record.
        var grep = Grep("<regexp>\n key $.a.b\n pattern /never/\n</regexp>");
        Assert.True(Keeps(grep, """{"a":"text"}"""));
    }

    [Fact]
    public void LegacyParameters_KeyThenPatternAsWritten()
    {
        var grep = Grep("regexp1 message WARN|ERROR\nexclude1 host ^test");
        Assert.True(Keeps(grep, """{"message":"an ERROR","host":"prod1"}"""));
        Assert.False(Keeps(grep, """{"message":"an ERROR","host":"test1"}"""));
        Assert.False(Keeps(grep, """{"message":"INFO","host":"prod1"}"""));
    }

    [Fact]
    public void LegacyPattern_SlashesAreLiteral()
    {
        var grep = Grep("regexp1 path /api/");
        Assert.True(Keeps(grep, """{"path":"GET /api/v1"}"""));
        Assert.False(Keeps(grep, """{"path":"api"}"""));
    }

    [Fact]
    public void Flags_IgnoreCaseAndDotAll()
    {
        Assert.True(Keeps(Grep("<regexp>\n key m\n pattern /error/i\n</regexp>"), """{"m":"ERROR"}"""));
        Assert.False(Keeps(Grep("<regexp>\n key m\n pattern /error/\n</regexp>"), """{"m":"ERROR"}"""));
        Assert.True(Keeps(Grep("<regexp>\n key m\n pattern /a.b/m\n</regexp>"), """{"m":"a\nb"}"""));
        Assert.False(Keeps(Grep("<regexp>\n key m\n pattern /a.b/\n</regexp>"), """{"m":"a\nb"}"""));
    }

    [Fact]
    public void Anchors_MatchAtLineBoundariesAsInRuby()
    {
        var grep = Grep("<regexp>\n key m\n pattern /^second$/\n</regexp>");
        Assert.True(Keeps(grep, """{"m":"first\nsecond\nthird"}"""));
    }

    [Fact]
    public void BarePattern_WithoutSlashes()
    {
        var grep = Grep("<regexp>\n key m\n pattern ^\\h+$\n</regexp>");
        Assert.True(Keeps(grep, """{"m":"00ff"}"""));
        Assert.False(Keeps(grep, """{"m":"00fg"}"""));
    }

    [Fact]
    public void InvalidUtf8_IsMatchedWithQuestionMarks()
    {
        var grep = Grep("<regexp>\n key m\n pattern /^a\\?b$/\n</regexp>");
        var record = new Record();
        record.Set("m", RecordValue.FromUtf8([(byte)'a', 0xFF, (byte)'b']));
        var batch = new EventBatch();
        batch.Add(EventTime.FromSeconds(0), record);
        Assert.Single(grep.Filter("t", batch));
    }

    [Fact]
    public void Utf8Bytes_AreMatchedAsText()
    {
        var grep = Grep("<regexp>\n key m\n pattern /^café$/\n</regexp>");
        var record = new Record();
        record.Set("m", RecordValue.FromUtf8(Encoding.UTF8.GetBytes("café")));
        var batch = new EventBatch();
        batch.Add(EventTime.FromSeconds(0), record);
        Assert.Single(grep.Filter("t", batch));
    }

    [Fact]
    public void NoConditions_KeepsEverything()
    {
        var grep = Grep(string.Empty);
        Assert.Equal(2, Kept(grep, "{}", """{"a":1}""").Length);
    }

    [Fact]
    public void InvalidPattern_IsReportedAtThePattern()
    {
        var errors = PluginHarness.Errors(PluginKind.Filter, "<filter **>\n  @type grep\n  <regexp>\n    key m\n    pattern /a(b/\n  </regexp>\n</filter>");
        var error = Assert.Single(errors);
        Assert.StartsWith("5:13: parameter 'pattern': invalid regexp /a(b/", error, StringComparison.Ordinal);
    }

    [Fact]
    public void PatternWithoutRightSlash_IsReported()
    {
        var errors = PluginHarness.Errors(PluginKind.Filter, "<filter **>\n  @type grep\n  <regexp>\n    key m\n    pattern /abc/def\n  </regexp>\n</filter>");
        Assert.Equal(["5:13: parameter 'pattern': invalid regexp: missing right slash: /abc/def"], errors);
    }

    [Fact]
    public void MissingPattern_IsReportedAtTheSection()
    {
        var errors = PluginHarness.Errors(PluginKind.Filter, "<filter **>\n  @type grep\n  <regexp>\n    key m\n  </regexp>\n</filter>");
        Assert.Equal(["3:3: missing required parameter 'pattern' (The regular expression, /re/ with optional flags i and m, or a bare pattern)"], errors);
    }

    [Fact]
    public void DuplicateKey_IsReported()
    {
        var errors = PluginHarness.Errors(PluginKind.Filter, "<filter **>\n  @type grep\n  <regexp>\n    key m\n    pattern /a/\n  </regexp>\n  <regexp>\n    key m\n    pattern /b/\n  </regexp>\n</filter>");
        Assert.Equal(["8:9: Duplicate key: m"], errors);
    }

    [Fact]
    public void RegexpAndExcludeInOneAnd_IsReported()
    {
        var errors = PluginHarness.Errors(PluginKind.Filter, "<filter **>\n  @type grep\n  <and>\n    <regexp>\n      key a\n      pattern /a/\n    </regexp>\n    <exclude>\n      key b\n      pattern /b/\n    </exclude>\n  </and>\n</filter>");
        Assert.Equal(["3:3: do not specify both <regexp> and <exclude> in <and>: write one <and> for each"], errors);
    }

    [Fact]
    public void LegacyWithoutPattern_IsReported()
    {
        var errors = PluginHarness.Errors(PluginKind.Filter, "<filter **>\n  @type grep\n  regexp3 message\n</filter>");
        Assert.Equal(["3:11: regexp3 does not contain 2 parameters: write 'regexp3 KEY PATTERN'"], errors);
    }

    [Fact]
    public void BadAccessor_IsReportedAtTheKey()
    {
        var errors = PluginHarness.Errors(PluginKind.Filter, "<filter **>\n  @type grep\n  <regexp>\n    key $['a'\n    pattern /a/\n  </regexp>\n</filter>");
        Assert.Equal(["4:9: parameter 'key': Incomplete bracket. Invalid syntax: $['a'"], errors);
    }
}
