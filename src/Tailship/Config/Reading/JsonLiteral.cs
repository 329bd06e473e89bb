using System.Text;
using System.Text.Json;

namespace Tailship.Config.Reading;

/// <summary>
/// A fluent.conf value that starts with <c>[</c> or <c>{</c>: JSON that may span lines until its brackets balance.
/// Outside JSON strings, <c>#</c> starts a comment to the end of the line; inside them, <c>#{...}</c> is embedded
/// Ruby (its result is escaped for JSON). The value becomes compact JSON, as Fluentd's <c>JSON.dump</c> makes it.
/// </summary>
internal static class JsonLiteral
{
    private const string Hint = "a value that starts with '[' or '{' is read as JSON and may span lines; quote the value to use it as text";

    /// <summary>Reads the value at the cursor; null after reporting an error, with the cursor at a line to resume from.</summary>
    public static string? Read(ConfCursor cursor, ConfigReadContext context)
    {
        var start = cursor.Pos;
        var text = cursor.Text;
        var kind = text[start] == '[' ? "array" : "hash";
        var sb = new StringBuilder();
        var closers = new Stack<char>();
        var inString = false;
        var failed = false;
        var i = start;
        while (true)
        {
            if (i >= text.Length)
            {
                context.Error(
                    cursor.LocationAt(start),
                    $"got incomplete JSON {kind} configuration: expected '{(kind == "array" ? ']' : '}')}' to close the '{text[start]}' here, found end of file ({Hint})");
                cursor.ResumeAfterLineOf(start);
                return null;
            }

            var c = text[i];
            if (inString)
            {
                if (c == '\\' && i + 1 < text.Length)
                {
                    sb.Append(c).Append(text[i + 1]);
                    i += 2;
                    continue;
                }

                if (c == '#' && i + 1 < text.Length && text[i + 1] == '{')
                {
                    i = ReadEmbedded(cursor, context, i, sb, ref failed);
                    continue;
                }

                inString = c != '"';
            }
            else
            {
                switch (c)
                {
                    case '"':
                        inString = true;
                        break;
                    case '#':
                        while (i < text.Length && !ConfCursor.IsLineBreak(text[i]))
                        {
                            i++;
                        }

                        continue;
                    case '[':
                        closers.Push(']');
                        break;
                    case '{':
                        closers.Push('}');
                        break;
                    case ']' or '}':
                        closers.TryPop(out _);
                        break;
                }
            }

            sb.Append(c);
            i++;
            if (closers.Count == 0)
            {
                break;
            }
        }

        cursor.Pos = i;
        if (failed)
        {
            cursor.SkipRestOfLine();
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(sb.ToString());
            var valid = kind == "array"
                ? document.RootElement.ValueKind == JsonValueKind.Array
                : document.RootElement.ValueKind == JsonValueKind.Object;
            if (valid)
            {
                return CompactJson.Write(document.RootElement);
            }
        }
        catch (JsonException ex)
        {
            context.Error(cursor.LocationAt(start), $"invalid JSON {kind} '{Shorten(sb.ToString())}': {Reason(ex)}; {Hint}");
            cursor.SkipRestOfLine();
            return null;
        }

        context.Error(cursor.LocationAt(start), $"invalid JSON {kind} '{Shorten(sb.ToString())}'; {Hint}");
        cursor.SkipRestOfLine();
        return null;
    }

    private static int ReadEmbedded(ConfCursor cursor, ConfigReadContext context, int at, StringBuilder sb, ref bool failed)
    {
        var text = cursor.Text;
        var end = EmbeddedRuby.FindEnd(text, at + 2);
        if (end < 0)
        {
            context.Error(cursor.LocationAt(at), "unterminated embedded Ruby: expected '}' to close the '#{' here, found end of file");
            failed = true;
            sb.Append("#{");
            return at + 2;
        }

        if (EmbeddedRuby.TryEvaluate(text[(at + 2)..end], context.Options, out var value, out var error))
        {
            // Written inside the JSON string being read: escape it, drop CompactJson's surrounding quotes.
            var escaped = new StringBuilder();
            CompactJson.WriteString(value, escaped);
            sb.Append(escaped, 1, escaped.Length - 2);
        }
        else
        {
            context.Error(cursor.LocationAt(at), error!);
            failed = true;
        }

        return end + 1;
    }

    private static string Shorten(string json)
    {
        var oneLine = json.ReplaceLineEndings(" ");
        return oneLine.Length > 60 ? oneLine[..57] + "..." : oneLine;
    }

    // The first sentence of System.Text.Json's message, without its position (the value's place is shown already).
    private static string Reason(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return (cut >= 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }
}
