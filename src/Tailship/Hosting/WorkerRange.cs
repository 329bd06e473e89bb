using System.Globalization;

namespace Tailship.Hosting;

/// <summary>The argument of <c>&lt;worker N&gt;</c> or <c>&lt;worker N-M&gt;</c>.</summary>
internal readonly record struct WorkerRange(int First, int Last)
{
    public bool Contains(int worker) => worker >= First && worker <= Last;

    public static bool TryParse(string text, out WorkerRange range)
    {
        range = default;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var first = dash < 0 ? text : text[..dash];
        var last = dash < 0 ? text : text[(dash + 1)..];
        if (!int.TryParse(first.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var a)
            || !int.TryParse(last.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var b)
            || b < a)
        {
            return false;
        }

        range = new WorkerRange(a, b);
        return true;
    }
}
