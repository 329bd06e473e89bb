using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace Tailship.Routing;

/// <summary>
/// One Fluentd match pattern (no whitespace), compiled to the cheapest matcher that gives Fluentd's answer:
/// everything (<c>**</c>), an exact tag, a tag and its sub-tags (<c>a.b.**</c>), or an anchored regex for the rest.
/// </summary>
/// <remarks>
/// Glob rules, as Fluentd's <c>GlobMatchPattern</c> applies them: <c>*</c> is any run of characters without a dot
/// (so <c>a.*</c> matches <c>a.</c> and <c>a.b</c>, not <c>a</c>); <c>**</c> is zero or more tag parts, and a dot
/// before it is optional (<c>a.**</c> matches <c>a</c>, <c>a.b</c>, <c>a.b.c</c>, not <c>ab</c>); a dot after it
/// too (<c>**.b</c> matches <c>b</c> and <c>a.b</c>); <c>{x,y}</c> is x or y, nestable, each a pattern;
/// <c>\c</c> is the character c; other characters are literal. A trailing dot is dropped (<c>a.</c> matches
/// <c>a</c>), as in Fluentd. A pattern written <c>/regex/</c> is a regular expression that must match the whole
/// tag. Unlike Fluentd, an unclosed <c>{</c> is closed at the end of the pattern.
/// </remarks>
internal abstract class TagMatcher
{
    public abstract bool IsMatch(string tag);

    public static bool TryCompile(string pattern, out TagMatcher? matcher, out string? error)
    {
        error = null;
        if (pattern == "**")
        {
            matcher = AllMatcher.Instance;
            return true;
        }

        if (pattern.Length >= 2 && pattern[0] == '/' && pattern[^1] == '/')
        {
            return TryRegex(@"\A(?:" + pattern[1..^1] + @")\z", pattern, out matcher, out error);
        }

        // "prefix.**" where the prefix is a plain tag: the commonest pattern after "**", matched without a regex.
        if (pattern.Length > 3 && pattern.EndsWith(".**", StringComparison.Ordinal))
        {
            var prefix = pattern[..^3];
            if (IsPlain(prefix) && prefix[^1] != '.')
            {
                matcher = new PrefixMatcher(prefix);
                return true;
            }
        }

        var regex = GlobToRegex(pattern, out var literal);
        if (literal is not null)
        {
            matcher = new LiteralMatcher(literal);
            return true;
        }

        return TryRegex(@"\A" + regex + @"\z", pattern, out matcher, out error);
    }

    private static readonly SearchValues<char> GlobSpecials = SearchValues.Create("*{}\\,/");

    private static bool IsPlain(string text) => text.AsSpan().IndexOfAny(GlobSpecials) < 0;

    private static bool TryRegex(string regex, string pattern, out TagMatcher? matcher, out string? error)
    {
        try
        {
            matcher = new RegexMatcher(new Regex(regex, RegexOptions.CultureInvariant));
            error = null;
            return true;
        }
        catch (ArgumentException ex)
        {
            matcher = null;
            error = $"invalid match pattern '{pattern}': {ex.Message}";
            return false;
        }
    }

    /// <summary>
    /// Translates a glob into a .NET regex (without anchors). <paramref name="literal"/> is the exact tag the glob
    /// stands for when it has no wildcard or alternation, else null.
    /// </summary>
    internal static string GlobToRegex(string pattern, out string? literal)
    {
        // Alternation groups under construction: each holds the finished alternatives; the builders stack holds
        // the regex being written at each nesting level (the top one is the current alternative).
        var groups = new Stack<List<string>>();
        var builders = new Stack<StringBuilder>();
        builders.Push(new StringBuilder());
        var plain = new StringBuilder();
        var isLiteral = true;
        var escape = false;
        var dot = false;

        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            var current = builders.Peek();
            if (escape)
            {
                current.Append(Regex.Escape(c.ToString()));
                plain.Append(c);
                escape = false;
                i++;
                continue;
            }

            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                isLiteral = false;
                if (dot)
                {
                    // The dot before ** is optional: what precedes must end the tag or be followed by a dot.
                    current.Append(@"(?![^.])");
                    dot = false;
                }

                if (i + 2 < pattern.Length && pattern[i + 2] == '.')
                {
                    current.Append(@"(?:.*\.|\A)");
                    i += 3;
                }
                else
                {
                    current.Append(".*");
                    i += 2;
                }

                continue;
            }

            if (dot)
            {
                current.Append(@"\.");
                plain.Append('.');
                dot = false;
            }

            switch (c)
            {
                case '\\':
                    escape = true;
                    break;
                case '.':
                    dot = true;
                    break;
                case '*':
                    isLiteral = false;
                    current.Append(@"[^.]*");
                    break;
                case '{':
                    isLiteral = false;
                    groups.Push([]);
                    builders.Push(new StringBuilder());
                    break;
                case '}' when groups.Count > 0:
                    CloseGroup(groups, builders);
                    break;
                case ',' when groups.Count > 0:
                    groups.Peek().Add(builders.Pop().ToString());
                    builders.Push(new StringBuilder());
                    break;
                default:
                    current.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c.ToString() : Regex.Escape(c.ToString()));
                    plain.Append(c);
                    break;
            }

            i++;
        }

        while (groups.Count > 0)
        {
            CloseGroup(groups, builders);
        }

        literal = isLiteral ? plain.ToString() : null;
        return builders.Pop().ToString();
    }

    private static void CloseGroup(Stack<List<string>> groups, Stack<StringBuilder> builders)
    {
        var alternatives = groups.Pop();
        alternatives.Add(builders.Pop().ToString());
        builders.Peek().Append("(?:").AppendJoin('|', alternatives).Append(')');
    }

    private sealed class AllMatcher : TagMatcher
    {
        public static readonly AllMatcher Instance = new();

        public override bool IsMatch(string tag) => true;
    }

    private sealed class LiteralMatcher(string expected) : TagMatcher
    {
        public override bool IsMatch(string tag) => string.Equals(expected, tag, StringComparison.Ordinal);
    }

    /// <summary><c>prefix.**</c>: the prefix itself, or the prefix followed by a dot and anything.</summary>
    private sealed class PrefixMatcher(string prefix) : TagMatcher
    {
        public override bool IsMatch(string tag) =>
            tag.StartsWith(prefix, StringComparison.Ordinal) && (tag.Length == prefix.Length || tag[prefix.Length] == '.');
    }

    private sealed class RegexMatcher(Regex regex) : TagMatcher
    {
        public override bool IsMatch(string tag) => regex.IsMatch(tag);
    }
}
