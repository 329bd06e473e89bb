using Tailship.Inputs.Tail;

namespace Tailship.Tests.Inputs.Tail;

public sealed class TailTagTests
{
    [Theory]
    [InlineData("a.*", "/tmp/x/in/web.log", "a.tmp.x.in.web.log")]
    [InlineData("*", "/var/log/app.log", "var.log.app.log")]
    [InlineData("pre.*.post", "/v/a.log", "pre.v.a.log.post")]
    [InlineData("a.*", "/tmp//x/..y.log", "a.tmp.x.y.log")]
    [InlineData("fixed.tag", "/v/a.log", "fixed.tag")]
    public void Star_ExpandsToPathWithDots(string tag, string path, string expected) =>
        Assert.Equal(expected, new TailTag(tag).For(path));
}
