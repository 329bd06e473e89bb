namespace Tailship.Routing;

/// <summary>
/// The argument of a <c>&lt;match&gt;</c> or <c>&lt;filter&gt;</c>: one or more Fluentd match patterns separated by
/// whitespace, matching a tag when any of them does. Compiled once; <see cref="IsMatch"/> allocates nothing.
/// </summary>
internal sealed class TagPattern
{
    private readonly TagMatcher[] _matchers;

    private TagPattern(string text, TagMatcher[] matchers)
    {
        Text = text;
        _matchers = matchers;
    }

    /// <summary>The pattern as written.</summary>
    public string Text { get; }

    /// <summary>A pattern that matches every tag (<c>**</c>).</summary>
    public static TagPattern All { get; } = Parse("**");

    /// <summary>Compiles <paramref name="text"/>; false with a message when it is empty or holds an invalid regex.</summary>
    public static bool TryParse(string text, out TagPattern? pattern, out string? error)
    {
        var parts = text.Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            pattern = null;
            error = "empty match pattern";
            return false;
        }

        var matchers = new TagMatcher[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!TagMatcher.TryCompile(parts[i], out var matcher, out error))
            {
                pattern = null;
                return false;
            }

            matchers[i] = matcher!;
        }

        pattern = new TagPattern(text, matchers);
        error = null;
        return true;
    }

    public static TagPattern Parse(string text) =>
        TryParse(text, out var pattern, out var error) ? pattern! : throw new FormatException(error);

    public bool IsMatch(string tag)
    {
        foreach (var m in _matchers)
        {
            if (m.IsMatch(tag))
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() => Text;
}
