using Microsoft.Extensions.Logging.Abstractions;
using Tailship.Config;
using Tailship.Inputs.Tail;

namespace Tailship.Tests.Inputs.Tail;

public sealed class TailPathExpanderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tailship-glob-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Touch(string relative)
    {
        var path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "x\n");
        return path;
    }

    private static List<string> Expand(params (string Key, string Value)[] parameters)
    {
        var diagnostics = new DiagnosticBag();
        var bound = TailHarness.Bind(TailHarness.Section([("tag", "t"), .. parameters]), diagnostics);
        Assert.False(diagnostics.HasErrors, string.Join("\n", diagnostics.Items));
        var time = TimeProvider.System;
        var expander = new TailPathExpander((TailOptions)bound!.Options, time, NullLogger.Instance, new WarningLimiter(time, TimeSpan.FromMinutes(1)));
        return expander.Expand().Select(f => f.Path).ToList();
    }

    [Fact]
    public void CommaListWithSpaces_GlobsAndLiterals_SortedPerPattern_MissingIgnored()
    {
        var b = Touch("b.log");
        var a = Touch("a.log");
        Touch("c.txt");
        var web = Touch("web/access.log");
        var found = Expand(("path", $"{_dir}/*.log, {_dir}/web/access.log,{_dir}/missing.log"));
        Assert.Equal([a, b, web], found);
    }

    [Fact]
    public void BracesSetsQuestionMarkAndDoubleStar_Match()
    {
        var x1 = Touch("x1.log");
        var x2 = Touch("x2.log");
        Touch("x3.log");
        var deep = Touch("d/e/f/deep.log");
        Touch(".hidden.log");
        // As in Fluentd, the comma of a brace set needs another path_delimiter.
        Assert.Equal([x1, x2], Expand(("path", $"{_dir}/x{{1,2}}.log"), ("path_delimiter", "|")));
        Assert.Equal([x1, x2], Expand(("path", $"{_dir}/x[12].log")));
        Assert.Equal([x1, x2, Path.Combine(_dir, "x3.log")], Expand(("path", $"{_dir}/x?.log")));
        Assert.Equal([deep], Expand(("path", $"{_dir}/**/deep.log")));
        Assert.DoesNotContain(Path.Combine(_dir, ".hidden.log"), Expand(("path", $"{_dir}/*.log")));
    }

    [Fact]
    public void ExcludePath_RemovesMatches()
    {
        var keep = Touch("app.log");
        Touch("app.debug.log");
        Assert.Equal([keep], Expand(("path", $"{_dir}/*.log"), ("exclude_path", $"[\"{_dir}/*.debug.log\"]")));
    }

    [Fact]
    public void StrftimePattern_ExpandedInPathTimezone()
    {
        var now = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(9));
        var day = Touch($"{now:yyyy}/{now:MM}/{now:dd}.log");
        Assert.Equal([day], Expand(("path", $"{_dir}/%Y/%m/%d.log"), ("path_timezone", "+09:00")));
    }

    [Fact]
    public void SymlinkedFiles_AreFollowed_AndKeepTheLinkPath()
    {
        var target = Touch("pods/p1/0.log");
        Directory.CreateDirectory(Path.Combine(_dir, "containers"));
        var link = Path.Combine(_dir, "containers", "p1.log");
        File.CreateSymbolicLink(link, target);
        Assert.Equal([link], Expand(("path", $"{_dir}/containers/*.log")));
    }

    [Fact]
    public void LimitRecentlyModified_LeavesOutOldFiles()
    {
        var old = Touch("old.log");
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddHours(-2));
        var fresh = Touch("fresh.log");
        Assert.Equal([fresh], Expand(("path", $"{_dir}/*.log"), ("limit_recently_modified", "1h")));
    }

    [Fact]
    public void Directories_AreNotTailed()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "dir.log"));
        var file = Touch("file.log");
        Assert.Equal([file], Expand(("path", $"{_dir}/*.log")));
    }
}
