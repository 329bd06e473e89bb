using System.Text;

namespace Tailship.Inputs.Tail;

/// <summary>
/// The tag of a file's events: in <c>tag a.*</c> the <c>*</c> becomes the path with <c>/</c> turned into <c>.</c>,
/// runs of dots squeezed and the leading dot dropped (<c>/tmp/x/web.log</c> -> <c>a.tmp.x.web.log</c>), as in_tail does.
/// </summary>
internal sealed class TailTag
{
    private readonly string _tag;
    private readonly string? _prefix;
    private readonly string _suffix = string.Empty;

    public TailTag(string tag)
    {
        _tag = tag;
        if (tag.Contains('*', StringComparison.Ordinal))
        {
            // Ruby's tag.split('*'): trailing empty parts are dropped; only the first two parts are used.
            var parts = tag.Split('*').ToList();
            while (parts.Count > 0 && parts[^1].Length == 0)
            {
                parts.RemoveAt(parts.Count - 1);
            }

            _prefix = parts.Count > 0 ? parts[0] : string.Empty;
            _suffix = parts.Count > 1 ? parts[1] : string.Empty;
        }
    }

    public string For(string path) => _prefix is null ? _tag : _prefix + PathTag(path) + _suffix;

    internal static string PathTag(string path)
    {
        var sb = new StringBuilder(path.Length);
        foreach (var c in path)
        {
            var ch = c == '/' ? '.' : c;
            if (ch == '.' && (sb.Length == 0 || sb[^1] == '.'))
            {
                continue;
            }

            sb.Append(ch);
        }

        return sb.ToString();
    }
}
