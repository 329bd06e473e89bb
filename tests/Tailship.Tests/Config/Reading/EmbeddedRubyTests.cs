using Tailship.Config;

namespace Tailship.Tests.Config.Reading;

public sealed class EmbeddedRubyTests : IDisposable
{
    private readonly ConfigFiles _files = new();

    public EmbeddedRubyTests()
    {
        _files.Environment["LOG_DIR"] = "/data/logs";
        _files.Environment["EMPTY"] = string.Empty;
    }

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData("\"#{ENV['LOG_DIR']}/app.log\"", "/data/logs/app.log")]
    [InlineData("\"#{ENV[\"LOG_DIR\"]}\"", "/data/logs")]
    [InlineData("\"#{ ENV[ 'LOG_DIR' ] }\"", "/data/logs")]
    [InlineData("\"[#{ENV['MISSING']}]\"", "[]")]
    [InlineData("\"#{ENV.fetch('LOG_DIR', 'x')}\"", "/data/logs")]
    [InlineData("\"#{ENV.fetch('MISSING', '/tmp')}\"", "/tmp")]
    [InlineData("\"#{ENV.fetch(\"MISSING\", \"/d}q\")}\"", "/d}q")]
    [InlineData("\"#{ENV.fetch('MISSING', nil)}\"", "")]
    [InlineData("\"#{ENV['MISSING'] || 'fallback'}\"", "fallback")]
    [InlineData("\"#{ENV['EMPTY'] || 'fallback'}\"", "")]
    [InlineData("\"#{ENV['MISSING'] || ENV['LOG_DIR']}\"", "/data/logs")]
    [InlineData("\"host-#{Socket.gethostname}\"", "host-testhost")]
    [InlineData("\"#{hostname}\"", "testhost")]
    [InlineData("\"w#{worker_id}\"", "w3")]
    [InlineData("\"#{'literal'}\"", "literal")]
    public void SupportedExpression_IsEvaluated(string value, string expected)
    {
        var root = _files.LoadClean($"key {value}\n");
        Assert.Equal(expected, root.Find("key")!.Value);
    }

    [Theory]
    [InlineData("key '#{ENV[\"LOG_DIR\"]}'", "#{ENV[\"LOG_DIR\"]}")]
    [InlineData("key #{ENV['LOG_DIR']}", "#{ENV['LOG_DIR']}")]
    public void OutsideDoubleQuotes_IsLiteralText(string line, string expected)
    {
        var root = _files.LoadClean(line + "\n");
        Assert.Equal(expected, root.Find("key")!.Value);
    }

    [Fact]
    public void InsideJsonString_IsEvaluatedAndEscaped()
    {
        _files.Environment["QUOTE"] = "say \"hi\"";
        var root = _files.LoadClean("map {\"dir\": \"#{ENV['LOG_DIR']}\", \"q\": \"#{ENV['QUOTE']}\"}\n");
        Assert.Equal("""{"dir":"/data/logs","q":"say \"hi\""}""", root.Find("map")!.Value);
    }

    [Fact]
    public void FetchOfMissingVariableWithoutDefault_IsAnError()
    {
        _files.Write("fluent.conf", "key \"#{ENV.fetch('NOPE')}\"\n");
        var (root, diagnostics) = _files.Load("fluent.conf");
        Assert.Null(root);
        var error = Assert.Single(diagnostics);
        Assert.StartsWith("fluent.conf:1:6: error: ENV.fetch('NOPE') failed: the environment variable NOPE is not set", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("`hostname`")]
    [InlineData("File.read('/etc/x')")]
    [InlineData("ENV['A'].upcase")]
    [InlineData("1 + 1")]
    [InlineData("ENV['A'] + 'x'")]
    [InlineData("require 'socket'; Socket.gethostname")]
    public void OtherExpression_IsRejectedQuotingItAndListingTheSubset(string code)
    {
        _files.Write("fluent.conf", $"key \"#{{{code}}}\"\nnext ok\n");
        var (root, diagnostics) = _files.Load("fluent.conf");
        Assert.Null(root);
        var error = Assert.Single(diagnostics);
        Assert.Contains($"embedded Ruby '#{{{code}}}' is not supported: Tailship does not run Ruby", error, StringComparison.Ordinal);
        Assert.Contains("ENV.fetch('NAME', 'default'), Socket.gethostname, hostname, worker_id", error, StringComparison.Ordinal);
    }

    [Fact]
    public void UnterminatedCode_IsAnErrorAndTheLineAfterIsStillRead()
    {
        _files.Write("fluent.conf", "key \"#{ENV['A'\"\nnext \"#{bad}\"\n");
        var (root, diagnostics) = _files.Load("fluent.conf");
        Assert.Null(root);
        Assert.Equal(2, diagnostics.Count);
        Assert.Contains("fluent.conf:2:7: error: embedded Ruby '#{bad}'", diagnostics[1], StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultOptions_ReadTheProcessEnvironment()
    {
        var name = "TAILSHIP_TEST_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "from-process");
        try
        {
            var path = _files.Write("fluent.conf", $"key \"#{{ENV['{name}']}}\"\n");
            var bag = new DiagnosticBag();
            var root = ConfigLoader.Load(path, bag);
            Assert.Empty(bag.Items);
            Assert.Equal("from-process", root!.Find("key")!.Value);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }
}
