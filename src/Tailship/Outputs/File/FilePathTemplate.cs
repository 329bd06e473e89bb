using System.Globalization;
using System.Text.RegularExpressions;
using Tailship.Events;
using Tailship.Text;

namespace Tailship.Outputs.File;

/// <summary>
/// The file name pattern of out_file, built from <c>path</c> as Fluentd builds it:
/// <list type="bullet">
/// <item><c>/dir/file</c> becomes <c>/dir/file.%Y%m%d.log</c> with append, <c>/dir/file.%Y%m%d_**.log</c> without
/// (the time part follows the timekey: <c>%Y%m%d%H</c> below a day, <c>%Y%m%d%H%M</c> below an hour,
/// <c>%Y%m%d%H%M%S</c> below a minute, or the v0.12 <c>time_slice_format</c>);</item>
/// <item>a path that already has the timekey's placeholders (<c>%Y</c>, <c>%m</c>, <c>%d</c> for a day) gets no time part;</item>
/// <item>each <c>*</c> is replaced by the time part (and the index);</item>
/// <item><c>.gz</c> is added when compressed; <c>_**</c> is the index, the first free <c>_0</c>, <c>_1</c>, ….</item>
/// </list>
/// Expanding renders the time of the chunk's slice in the timekey zone, then <c>${tag}</c> and <c>${tag[N]}</c>.
/// </summary>
internal sealed partial class FilePathTemplate
{
    public const string IndexPlaceholder = "_**";

    private readonly Strftime? _time;

    private FilePathTemplate(string text, bool hasTime)
    {
        Text = text;
        _time = hasTime ? Strftime.Compile(text) : null;
        HasTagPlaceholders = TagPlaceholder().IsMatch(text);
        FinestTimePlaceholder = Strftime.Compile(text).FinestPeriod;
    }

    /// <summary>The pattern, e.g. <c>/var/log/app.%Y%m%d_**.log</c>.</summary>
    public string Text { get; }

    public bool HasIndex => Text.Contains(IndexPlaceholder, StringComparison.Ordinal);

    public bool HasTagPlaceholders { get; }

    /// <summary>The finest unit of time the pattern shows; null when it shows none down to a day.</summary>
    public TimeSpan? FinestTimePlaceholder { get; }

    /// <summary>Builds the pattern; null with <paramref name="error"/> when the path cannot be used with these settings.</summary>
    public static FilePathTemplate? Create(string path, long? timekey, bool append, bool gzip, string suffix, string? timeSliceFormat, out string? error)
    {
        error = null;
        var compression = gzip ? ".gz" : string.Empty;
        var index = append ? string.Empty : IndexPlaceholder;
        string text;
        if (path.Contains('*', StringComparison.Ordinal))
        {
            if (timekey is null)
            {
                error = "path including '*' must be used with buffer chunk key 'time'";
                return null;
            }

            text = path.Replace("*", (timeSliceFormat ?? TimeFormatFor(timekey.Value)) + index, StringComparison.Ordinal) + compression;
        }
        else if (timekey is null)
        {
            text = path + index + suffix + compression;
        }
        else if (timeSliceFormat is not null)
        {
            text = $"{path}.{timeSliceFormat}{index}{suffix}{compression}";
        }
        else
        {
            var format = TimeFormatFor(timekey.Value);
            var parts = Enumerable.Range(0, format.Length / 2).Select(i => format.Substring(i * 2, 2)).ToArray();
            if (parts.Any(p => path.Contains(p, StringComparison.Ordinal)))
            {
                if (!parts.All(p => path.Contains(p, StringComparison.Ordinal)))
                {
                    error = $"insufficient timestamp placeholders in path: a timekey of {timekey}s needs {string.Join(", ", parts)}";
                    return null;
                }

                text = path + index + suffix + compression;
            }
            else
            {
                text = $"{path}.{format}{index}{suffix}{compression}";
            }
        }

        return new FilePathTemplate(text, timekey is not null);
    }

    /// <summary>Fluentd's time part for a timekey.</summary>
    public static string TimeFormatFor(long timekey) => timekey switch
    {
        < 60 => "%Y%m%d%H%M%S",
        < 3600 => "%Y%m%d%H%M",
        < 86400 => "%Y%m%d%H",
        _ => "%Y%m%d",
    };

    /// <summary>The path of a chunk (the index placeholder still in it).</summary>
    public string Expand(long? sliceStart, string? tag, TimeZoneSpec zone)
    {
        var path = _time is not null && sliceStart is { } s ? _time.Format(CivilTime.From(EventTime.FromSeconds(s), zone)) : Text;
        if (!HasTagPlaceholders || tag is null)
        {
            return path;
        }

        var parts = tag.Split('.');
        return TagPlaceholder().Replace(path, m =>
        {
            if (!m.Groups[1].Success)
            {
                return tag;
            }

            var i = int.Parse(m.Groups[1].ValueSpan, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            i = i < 0 ? parts.Length + i : i;
            return i >= 0 && i < parts.Length ? parts[i] : string.Empty;
        });
    }

    /// <summary>The path for index <paramref name="n"/> (or the path itself when the pattern has no index).</summary>
    public static string WithIndex(string expanded, int n)
    {
        var at = expanded.IndexOf(IndexPlaceholder, StringComparison.Ordinal);
        return at < 0 ? expanded : string.Concat(expanded.AsSpan(0, at), "_", n.ToString(CultureInfo.InvariantCulture), expanded.AsSpan(at + IndexPlaceholder.Length));
    }

    [GeneratedRegex(@"\$\{tag(?:\[(-?\d{1,9})\])?\}", RegexOptions.CultureInvariant)]
    private static partial Regex TagPlaceholder();
}
