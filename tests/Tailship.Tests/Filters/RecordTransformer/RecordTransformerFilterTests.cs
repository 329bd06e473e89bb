using Tailship.Config;
using Tailship.Events;
using Tailship.Filters.RecordTransformer;
using Tailship.Tests.TestSupport;
using Record = Tailship.Events.Record;

namespace Tailship.Tests.Filters.RecordTransformer;

public sealed class RecordTransformerFilterTests
{
    private static readonly EventTime Time = EventTime.FromSeconds(1_704_103_200); // 2024-01-01T10:00:00Z

    private static RecordTransformerFilter Build(string body, CapturingRouter? router = null, TimeZoneInfo? zone = null) =>
        PluginHarness.Build<RecordTransformerFilter>(
            PluginKind.Filter,
            $"<filter **>\n  @type record_transformer\n{body}\n</filter>",
            PluginHarness.Context(new FakeTimeProvider(DateTimeOffset.UnixEpoch, zone), router, hostname: "web-1"));

    private static string Transform(string body, string record, string tag = "app.web.access", TimeZoneInfo? zone = null)
    {
        var batch = new EventBatch();
        batch.Add(Time, Records.FromJson(record));
        var result = Build(body, zone: zone).Filter(tag, batch);
        return Records.Show(Assert.Single(result).Record);
    }

    [Fact]
    public void Record_AddsNewKeysLastInOrderAndOverwritesInPlace()
    {
        var shown = Transform("<record>\n z 1\n a new\n b 2\n</record>", """{"a":"old","m":"x"}""");
        Assert.Equal("""{"a"=>"new", "m"=>"x", "z"=>"1", "b"=>"2"}""", shown);
    }

    [Theory]
    [InlineData("${tag}", "\"app.web.access\"")]
    [InlineData("${tag_parts[0]}", "\"app\"")]
    [InlineData("${tag_parts[2]}", "\"access\"")]
    [InlineData("${tag_parts[-1]}", "\"access\"")]
    [InlineData("${tag_parts[-3]}", "\"app\"")]
    [InlineData("${tag_prefix[1]}", "\"app.web\"")]
    [InlineData("${tag_prefix[-1]}", "\"app.web.access\"")]
    [InlineData("${tag_suffix[1]}", "\"web.access\"")]
    [InlineData("${tag_suffix[-1]}", "\"access\"")]
    [InlineData("${hostname}", "\"web-1\"")]
    [InlineData("${time}", "\"2024-01-01 10:00:00 +0000\"")]
    [InlineData("${record[\"n\"]}", "5")]
    [InlineData("${record[\"m\"]}", "{\"k\"=>\"v\"}")]
    [InlineData("${tag_parts[3]}", "nil")]
    [InlineData("${tag_parts[-4]}", "nil")]
    [InlineData("${record[\"absent\"]}", "nil")]
    [InlineData("${message}", "nil")]
    public void WholeValuePlaceholder_KeepsTheTypeOfWhatItNames(string template, string expected)
    {
        var shown = Transform($"<record>\n out {template}\n</record>", """{"n":5,"m":{"k":"v"},"message":"hi"}""");
        Assert.EndsWith($"\"out\"=>{expected}}}", shown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<${tag_parts[1]}>", "<web>")]
    [InlineData("n=${record[\"n\"]} f=${record[\"f\"]}", "n=5 f=1000.0")]
    [InlineData("m=${record[\"m\"]}", "m={\\\"k\\\"=>\\\"v\\\"}")]
    [InlineData("x${record[\"nil\"]}y${record[\"absent\"]}z", "xyz")]
    [InlineData("[${message}] [__TAG__]", "[] []")]
    [InlineData("at ${time}", "at 2024-01-01 10:00:00 +0000")]
    [InlineData("${tag}-${tag}", "app.web.access-app.web.access")]
    public void PlaceholdersInText_ExpandAsRubyToS(string template, string expected)
    {
        var shown = Transform($"<record>\n out {template}\n</record>", """{"n":5,"f":1000.0,"m":{"k":"v"},"nil":null}""");
        Assert.EndsWith($"\"out\"=>\"{expected}\"}}", shown, StringComparison.Ordinal);
    }

    [Fact]
    public void AutoTypecastFalse_MakesEveryValueText()
    {
        var shown = Transform("auto_typecast false\n<record>\n out ${record[\"n\"]}\n gone ${record[\"absent\"]}\n</record>", """{"n":5}""");
        Assert.Equal("""{"n"=>5, "out"=>"5", "gone"=>""}""", shown);
    }

    [Fact]
    public void Time_IsShownInTheLocalZone()
    {
        var kolkata = TimeZoneInfo.CreateCustomTimeZone("IST", TimeSpan.FromMinutes(330), "IST", "IST");
        var shown = Transform("<record>\n t ${time}\n</record>", "{}", zone: kolkata);
        Assert.Equal("""{"t"=>"2024-01-01 15:30:00 +0530"}""", shown);

        var west = TimeZoneInfo.CreateCustomTimeZone("W", TimeSpan.FromHours(-5), "W", "W");
        Assert.Equal("""{"t"=>"2024-01-01 05:00:00 -0500"}""", Transform("<record>\n t ${time}\n</record>", "{}", zone: west));
    }

    [Fact]
    public void Placeholders_ReadTheRecordAsItArrived()
    {
        var shown = Transform("<record>\n a changed\n b ${record[\"a\"]}\n</record>", """{"a":"orig"}""");
        Assert.Equal("""{"a"=>"changed", "b"=>"orig"}""", shown);
    }

    [Fact]
    public void KeyTemplates_AreExpandedAsText()
    {
        var shown = Transform("<record>\n ${tag_parts[1]}_n ${record[\"n\"]}\n</record>", """{"n":5}""");
        Assert.Equal("""{"n"=>5, "web_n"=>5}""", shown);
    }

    [Fact]
    public void JsonValue_BecomesMapWithExpandedStrings()
    {
        var shown = Transform("<record>\n meta {\"tag\":\"${tag}\",\"n\":1.5,\"list\":[1,\"${tag_parts[0]}\",null],\"${tag_parts[1]}\":true}\n</record>", "{}");
        Assert.Equal("""{"meta"=>{"tag"=>"app.web.access", "n"=>1.5, "list"=>[1, "app", nil], "web"=>true}}""", shown);
    }

    [Fact]
    public void JsonArrayValue_BecomesArray()
    {
        Assert.Equal("""{"a"=>[1, 2]}""", Transform("<record>\n a [1,2]\n</record>", "{}"));
    }

    [Fact]
    public void InvalidJsonValue_IsAStringWithAWarning()
    {
        var (bound, diagnostics) = PluginHarness.Bind(PluginKind.Filter, "<filter **>\n  @type record_transformer\n  <record>\n    a {oops\n  </record>\n</filter>");
        Assert.NotNull(bound);
        var warning = Assert.Single(diagnostics.Items);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal(4, warning.Location.Line);
        Assert.Equal("""{"a"=>"{oops"}""", Transform("<record>\n a {oops\n</record>", "{}"));
    }

    [Fact]
    public void UnknownPlaceholder_IsWarnedAtReadTime()
    {
        var (bound, diagnostics) = PluginHarness.Bind(PluginKind.Filter, "<filter **>\n  @type record_transformer\n  <record>\n    a ${message}\n  </record>\n</filter>");
        Assert.NotNull(bound);
        var warning = Assert.Single(diagnostics.Items);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("unknown placeholder `${message}`", warning.Message, StringComparison.Ordinal);
        Assert.Contains("${record[\"message\"]}", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RemoveKeys_RemovesTopLevelAndNestedKeysAfterSetting()
    {
        var shown = Transform("remove_keys a,$.n.x,added\n<record>\n added 1\n</record>", """{"a":1,"b":2,"n":{"x":1,"y":2}}""");
        Assert.Equal("""{"b"=>2, "n"=>{"y"=>2}}""", shown);
    }

    [Fact]
    public void RenewRecord_StartsEmptyAndKeepsListedKeys()
    {
        var shown = Transform("renew_record true\nkeep_keys b,absent\n<record>\n c ${record[\"a\"]}\n</record>", """{"a":1,"b":2,"z":3}""");
        Assert.Equal("""{"b"=>2, "c"=>1}""", shown);
    }

    [Fact]
    public void RenewTimeKey_SetsTheEventTimeFromTheNewRecord()
    {
        var filter = Build("renew_time_key t\n<record>\n t ${record[\"ts\"]}\n</record>");
        var batch = new EventBatch();
        batch.Add(Time, Records.FromJson("""{"ts":"1704067200.25"}"""));
        batch.Add(Time, Records.FromJson("""{"ts":1704067201}"""));
        batch.Add(Time, Records.FromJson("""{"ts":-1.5}"""));
        var times = filter.Filter("t", batch).Select(e => e.Time).ToArray();
        Assert.Equal([EventTime.FromSeconds(1_704_067_200, 250_000_000), EventTime.FromSeconds(1_704_067_201), EventTime.FromSeconds(-2, 500_000_000)], times);
    }

    [Fact]
    public void RenewTimeKey_FromTheIncomingRecordWhenNotSet()
    {
        var filter = Build("renew_time_key ts");
        var batch = new EventBatch();
        batch.Add(Time, Records.FromJson("""{"ts":"12abc"}"""));
        batch.Add(Time, Records.FromJson("""{"other":1}"""));
        var times = filter.Filter("t", batch).Select(e => e.Time).ToArray();
        Assert.Equal([EventTime.FromSeconds(12), Time], times);
    }

    [Fact]
    public void RenewTimeKey_WithAMapValue_SendsTheOriginalEventToTheErrorRoute()
    {
        var router = new CapturingRouter();
        var filter = Build("renew_time_key t\n<record>\n added x\n</record>", router);
        var batch = new EventBatch();
        batch.Add(Time, Records.FromJson("""{"t":{"a":1}}"""));
        batch.Add(Time, Records.FromJson("""{"t":5}"""));
        var result = filter.Filter("tag.x", batch);
        Assert.Equal(EventTime.FromSeconds(5), Assert.Single(result).Time);
        var error = Assert.Single(router.Errors);
        Assert.Equal("tag.x", error.Tag);
        Assert.Equal("""{"t"=>{"a"=>1}}""", Records.Show(error.Event.Record));
    }

    [Fact]
    public void InvalidUtf8_IsCopiedUnchangedIntoExpandedText()
    {
        var filter = Build("<record>\n out <${record[\"m\"]}>\n</record>");
        var record = new Record();
        record.Set("m", RecordValue.FromUtf8([(byte)'a', 0xFF]));
        var batch = new EventBatch();
        batch.Add(Time, record);
        var value = Assert.Single(filter.Filter("t", batch)).Record["out"];
        Assert.Equal(new byte[] { (byte)'<', (byte)'a', 0xFF, (byte)'>' }, value.ToUtf8Bytes());
    }

    [Fact]
    public void RecordKeyNamedType_IsARecordKey()
    {
        Assert.Equal("""{"type"=>"access"}""", Transform("<record>\n type access\n</record>", "{}"));
    }

    [Fact]
    public void SeveralRecordSections_AreMerged()
    {
        Assert.Equal("""{"a"=>"3", "b"=>"2"}""", Transform("<record>\n a 1\n b 2\n</record>\n<record>\n a 3\n</record>", "{}"));
    }

    [Fact]
    public void KeepKeysWithoutRenewRecord_IsAnErrorAtKeepKeys()
    {
        var errors = PluginHarness.Errors(PluginKind.Filter, "<filter **>\n  @type record_transformer\n  keep_keys a\n</filter>");
        Assert.Equal(["3:13: `renew_record` must be true to use `keep_keys`"], errors);
    }

    [Fact]
    public void EnableRuby_IsAClearError()
    {
        var errors = PluginHarness.Errors(PluginKind.Filter, "<filter **>\n  @type record_transformer\n  enable_ruby true\n</filter>");
        var error = Assert.Single(errors);
        Assert.StartsWith("3:15: enable_ruby: Tailship does not run Ruby", error, StringComparison.Ordinal);
        Assert.Contains("${tag_parts[N]}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void EnableRubyFalse_IsAccepted()
    {
        Assert.Equal("""{"a"=>"1"}""", Transform("enable_ruby false\n<record>\n a 1\n</record>", "{}"));
    }

    [Fact]
    public void BadRemoveKeysAccessor_IsReported()
    {
        var errors = PluginHarness.Errors(PluginKind.Filter, "<filter **>\n  @type record_transformer\n  remove_keys $.a[x\n</filter>");
        Assert.Equal(["3:15: parameter 'remove_keys': '[' found but ']' not found. Invalid syntax: $.a[x"], errors);
    }

    [Fact]
    public void NumericRecordValue_InTextUsesUtf8()
    {
        var shown = Transform("<record>\n out é${record[\"n\"]}\n</record>", """{"n":-7}""");
        Assert.Equal("""{"n"=>-7, "out"=>"é-7"}""", shown);
    }
}
