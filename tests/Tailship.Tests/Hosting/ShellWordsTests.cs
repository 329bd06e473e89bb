using Tailship.Hosting;

namespace Tailship.Tests.Hosting;

public sealed class ShellWordsTests
{
    [Theory]
    [InlineData("-c /fluentd/etc/fluent.conf", new[] { "-c", "/fluentd/etc/fluent.conf" })]
    [InlineData("  -c\t/a.conf   -v  ", new[] { "-c", "/a.conf", "-v" })]
    [InlineData("-c '/etc/my conf/fluent.conf'", new[] { "-c", "/etc/my conf/fluent.conf" })]
    [InlineData("-c \"/etc/my conf/f.conf\" -q", new[] { "-c", "/etc/my conf/f.conf", "-q" })]
    [InlineData(@"-c /etc/my\ conf", new[] { "-c", "/etc/my conf" })]
    [InlineData(@"a""b c""'d e'", new[] { "ab cd e" })]
    [InlineData(@"""say \""hi\"" \$x""", new[] { @"say ""hi"" $x" })]
    [InlineData("''", new[] { "" })]
    [InlineData("", new string[0])]
    public void Split_ShellLikeQuoting_GivesWords(string text, string[] expected)
    {
        var words = ShellWords.Split(text, out var error);
        Assert.Null(error);
        Assert.Equal(expected, words);
    }

    [Theory]
    [InlineData("-c '/etc/fluent.conf", "unterminated single quote")]
    [InlineData("-c \"/etc/fluent.conf", "unterminated double quote")]
    public void Split_UnclosedQuote_IsAnError(string text, string expected)
    {
        Assert.Null(ShellWords.Split(text, out var error));
        Assert.Equal(expected, error);
    }
}
