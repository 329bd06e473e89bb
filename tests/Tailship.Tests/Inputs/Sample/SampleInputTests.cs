using Tailship.Config;
using Tailship.Events;
using Tailship.Inputs.Sample;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Inputs.Sample;

public sealed class SampleInputTests
{
    private static readonly DateTimeOffset Origin = DateTimeOffset.FromUnixTimeSeconds(1_000);

    private static (SampleInput Input, FakeTimeProvider Time, CapturingRouter Router) Create(string body, DateTimeOffset? at = null, string type = "sample")
    {
        var time = new FakeTimeProvider(at ?? Origin);
        var router = new CapturingRouter();
        var input = PluginHarness.Build<SampleInput>(
            PluginKind.Input,
            $"<source>\n  @type {type}\n{body}\n</source>",
            PluginHarness.Context(time, router));
        return (input, time, router);
    }

    // Drives the clock timer by timer until the input has emitted at least count events.
    private static async Task<IReadOnlyList<(string Tag, Event Event)>> RunUntilAsync(SampleInput input, FakeTimeProvider time, CapturingRouter router, int count)
    {
        await input.StartAsync(router, TestContext.Current.CancellationToken);
        for (var guard = 0; router.Events.Count < count; guard++)
        {
            Assert.True(guard < 10_000, "the input stopped emitting");
            await time.WaitForTimerAsync();
            time.AdvanceToNextTimer();
            await time.WaitForTimerAsync();
        }

        await input.StopAsync(TestContext.Current.CancellationToken);
        return router.Events;
    }

    private static double Seconds(Event e) => e.Time.UnixNanoseconds / 1e9;

    [Fact]
    public async Task Rate1_EmitsTheDefaultRecordOncePerSecondAtTheSecond()
    {
        var (input, time, router) = Create("  tag sample.test", Origin.AddMilliseconds(500));
        var events = await RunUntilAsync(input, time, router, 3);
        Assert.Equal([1001.0, 1002.0, 1003.0], events.Take(3).Select(e => Seconds(e.Event)));
        Assert.All(events, e => Assert.Equal("sample.test", e.Tag));
        Assert.All(events, e => Assert.Equal("""{"message"=>"sample"}""", Records.Show(e.Event.Record)));
    }

    [Fact]
    public async Task Rate25_Emits25EventsPerSecondSpreadOverTheSecond()
    {
        var (input, time, router) = Create("  tag t\n  rate 25");
        var events = await RunUntilAsync(input, time, router, 70);
        var second = events.Where(e => Seconds(e.Event) >= 1001 && Seconds(e.Event) < 1002).ToList();
        Assert.Equal(25, second.Count);

        // Two per 100 ms step, and the remaining five at the start of the second.
        Assert.Equal(7, second.Count(e => Seconds(e.Event) == 1001.0));
        Assert.Equal(2, second.Count(e => Math.Abs(Seconds(e.Event) - 1001.5) < 1e-6));
    }

    [Fact]
    public async Task Size_IsTheNumberOfEventsPerBatch()
    {
        var (input, time, router) = Create("  tag t\n  rate 2\n  size 3");
        await RunUntilAsync(input, time, router, 12);
        Assert.All(router.Batches, b => Assert.Equal(3, b.Count));
        Assert.Equal(6, router.Events.Count(e => Seconds(e.Event) == 1001.0));
    }

    [Fact]
    public async Task SampleArray_IsUsedInTurn()
    {
        var (input, time, router) = Create("  tag t\n  rate 3\n  sample [{\"a\":1},{\"a\":2,\"b\":[true,null]}]");
        var events = await RunUntilAsync(input, time, router, 4);
        Assert.Equal(
            ["""{"a"=>1}""", """{"a"=>2, "b"=>[true, nil]}""", """{"a"=>1}""", """{"a"=>2, "b"=>[true, nil]}"""],
            events.Take(4).Select(e => Records.Show(e.Event.Record)));
    }

    [Fact]
    public async Task AutoIncrementKey_CountsFromZeroOnItsOwnCopies()
    {
        var (input, time, router) = Create("  tag t\n  rate 2\n  auto_increment_key n\n  sample {\"m\":\"x\",\"n\":\"old\"}");
        var events = await RunUntilAsync(input, time, router, 3);
        Assert.Equal(
            ["""{"m"=>"x", "n"=>0}""", """{"m"=>"x", "n"=>1}""", """{"m"=>"x", "n"=>2}"""],
            events.Take(3).Select(e => Records.Show(e.Event.Record)));
        Assert.NotSame(events[0].Event.Record, events[1].Event.Record);
    }

    [Fact]
    public async Task DummyType_AndDummyParameter_AreTheOldNames()
    {
        var (input, time, router) = Create("  tag t\n  dummy {\"old\":true}", type: "dummy");
        var events = await RunUntilAsync(input, time, router, 1);
        Assert.Equal("""{"old"=>true}""", Records.Show(events[0].Event.Record));
    }

    [Fact]
    public async Task Stop_EndsEmission()
    {
        var (input, time, router) = Create("  tag t\n  rate 10");
        await RunUntilAsync(input, time, router, 1);
        var count = router.Events.Count;
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(count, router.Events.Count);
        Assert.Equal(0, time.PendingTimers);
    }

    [Fact]
    public void MissingTag_IsAnError()
    {
        var errors = PluginHarness.Errors(PluginKind.Input, "<source>\n  @type sample\n</source>");
        Assert.Equal(["1:1: missing required parameter 'tag' (The tag of the generated events)"], errors);
    }

    [Theory]
    [InlineData("sample {\"a\":", "3:10: parameter 'sample': invalid JSON")]
    [InlineData("sample [{\"a\":1},2]", "3:10: parameter 'sample': element 1 (2) is not a JSON object")]
    [InlineData("sample []", "3:10: parameter 'sample': the array is empty")]
    [InlineData("size 0", "3:8: parameter 'size': expected 1 to 1000000 events per emit, found 0")]
    [InlineData("rate -1", "3:8: parameter 'rate': expected 0 to 1000000 emits per second, found -1")]
    [InlineData("rate fast", "3:8: parameter 'rate': expected an integer, found 'fast'")]
    public void BadValues_AreReportedWhereWritten(string line, string expected)
    {
        var errors = PluginHarness.Errors(PluginKind.Input, $"<source>\n  @type sample\n  {line}\n  tag t\n</source>");
        Assert.StartsWith(expected, Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Suspend_IsAcceptedWithAWarning()
    {
        var (bound, diagnostics) = PluginHarness.Bind(PluginKind.Input, "<source>\n  @type sample\n  tag t\n  suspend true\n</source>");
        Assert.NotNull(bound);
        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(diagnostics.Items).Severity);
    }
}
