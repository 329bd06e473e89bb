using System.Globalization;
using System.Text.Json;

namespace Tailship.Tests.Hosting;

/// <summary>
/// How often each numbered line (<see cref="NumberedLineWriter"/>) arrived at the sink: lines lost (never arrived),
/// lines repeated, and anything that is not one of the written lines.
/// </summary>
internal sealed class LineTally
{
    private readonly int[] _counts;
    private readonly List<string> _unexpected = [];

    public LineTally(int written)
    {
        _counts = new int[written];
    }

    public int Written => _counts.Length;

    /// <summary>Numbers of the lines that never arrived.</summary>
    public IReadOnlyList<int> Missing => [.. Enumerable.Range(0, _counts.Length).Where(i => _counts[i] == 0)];

    /// <summary>Arrivals beyond the first, summed over all lines.</summary>
    public int Duplicates => _counts.Sum(c => Math.Max(0, c - 1));

    /// <summary>Lines that arrived more than once.</summary>
    public int LinesRepeated => _counts.Count(c => c > 1);

    public IReadOnlyList<string> Unexpected => _unexpected;

    /// <summary>Duplicates per written line, in percent.</summary>
    public double DuplicatePercent => Written == 0 ? 0 : 100.0 * Duplicates / Written;

    /// <summary>Counts one message (the record's <c>message</c> as <c>format none</c> gives it).</summary>
    public void Add(string message)
    {
        var n = NumberedLineWriter.NumberOf(message);
        if (n < 0 || n >= _counts.Length)
        {
            _unexpected.Add(message);
            return;
        }

        _counts[n]++;
    }

    /// <summary>Counts every line of out_file's default layout (<c>TIME TAB TAG TAB JSON</c>) in <paramref name="text"/>.</summary>
    public void AddOutFileText(string text)
    {
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split('\t');
            if (fields.Length != 3)
            {
                _unexpected.Add(line);
                continue;
            }

            using var json = JsonDocument.Parse(fields[2]);
            Add(json.RootElement.GetProperty("message").GetString() ?? "");
        }
    }

    /// <summary>A one-line summary for reports.</summary>
    public string Summary() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Written} lines written, {Missing.Count} lost, {Duplicates} duplicates ({DuplicatePercent:F3} %) over {LinesRepeated} lines, {Unexpected.Count} unexpected");

    /// <summary>The saved offset of <paramref name="logPath"/> in a Fluentd pos_file, or -1 when it has no entry (yet).</summary>
    public static long SavedOffset(string posFile, string logPath)
    {
        if (!File.Exists(posFile))
        {
            return -1;
        }

        string[] lines;
        try
        {
            lines = File.ReadAllLines(posFile);
        }
        catch (IOException)
        {
            return -1;
        }

        var offset = -1L;
        foreach (var line in lines)
        {
            var fields = line.Split('\t');
            if (fields.Length == 3 && fields[0] == logPath)
            {
                offset = long.Parse(fields[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }
        }

        return offset;
    }
}
