using System.Text;
using Tailship.Config;

namespace Tailship.Tests.TestSupport;

/// <summary>
/// Reads a small fluent.conf fragment into a <see cref="ConfigSection"/> for plugin tests, with real line and
/// column numbers (file <c>test.conf</c>). It knows sections, <c>key value</c> lines, quoted values and comments;
/// the full reader lives in Config/.
/// </summary>
public static class ConfSnippet
{
    public const string File = "test.conf";

    /// <summary>The first section of <paramref name="text"/>.</summary>
    public static ConfigSection Parse(string text)
    {
        var root = new ConfigSection(ConfigSection.RootName, string.Empty, new SourceLocation(File, 1, 1));
        var stack = new Stack<ConfigSection>();
        stack.Push(root);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            var start = line.Length - line.TrimStart().Length;
            var body = line.Trim();
            if (body.Length == 0 || body.StartsWith('#'))
            {
                continue;
            }

            var location = new SourceLocation(File, n + 1, start + 1);
            if (body.StartsWith("</", StringComparison.Ordinal))
            {
                stack.Pop();
                continue;
            }

            if (body.StartsWith('<'))
            {
                var inner = body[1..^1].Trim();
                var space = inner.IndexOf(' ', StringComparison.Ordinal);
                var section = space < 0
                    ? new ConfigSection(inner, string.Empty, location)
                    : new ConfigSection(inner[..space], inner[(space + 1)..].Trim(), location);
                stack.Peek().Sections.Add(section);
                stack.Push(section);
                continue;
            }

            var keyEnd = body.IndexOfAny([' ', '\t']);
            var key = keyEnd < 0 ? body : body[..keyEnd];
            var raw = keyEnd < 0 ? string.Empty : body[keyEnd..].TrimStart();
            var valueColumn = start + 1 + (keyEnd < 0 ? body.Length : body.Length - raw.Length);
            var (value, style) = Unquote(raw);
            stack.Peek().Params.Add(new ConfigParam(key, value, location, new SourceLocation(File, n + 1, valueColumn), style));
        }

        return root.Sections.Single();
    }

    private static (string Value, ConfigValueStyle Style) Unquote(string raw)
    {
        if (raw.Length >= 2 && raw[0] == '\'' && raw[^1] == '\'')
        {
            return (raw[1..^1], ConfigValueStyle.SingleQuoted);
        }

        if (raw.Length >= 2 && raw[0] == '"' && raw[^1] == '"')
        {
            var sb = new StringBuilder();
            for (var i = 1; i < raw.Length - 1; i++)
            {
                if (raw[i] == '\\' && i + 1 < raw.Length - 1)
                {
                    i++;
                    sb.Append(raw[i] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => raw[i] });
                }
                else
                {
                    sb.Append(raw[i]);
                }
            }

            return (sb.ToString(), ConfigValueStyle.DoubleQuoted);
        }

        return (raw, raw.StartsWith('{') || raw.StartsWith('[') ? ConfigValueStyle.Json : ConfigValueStyle.Bare);
    }
}
