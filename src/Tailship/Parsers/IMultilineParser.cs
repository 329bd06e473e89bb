namespace Tailship.Parsers;

/// <summary>
/// A parser whose events span several lines (<c>@type multiline</c>). The reader (in_tail) groups lines: a line for
/// which <see cref="IsFirstLine"/> is true starts a new event and flushes the previous group; the group is passed
/// to <see cref="Plugins.IParser.Parse"/> as the lines joined with <c>\n</c> (no trailing newline), as Fluentd does.
/// Without <c>format_firstline</c> (<see cref="HasFirstLine"/> false) Fluentd appends each line to the group and
/// emits the group as soon as it parses (then starts an empty one); <see cref="IsFirstLine"/> is then always true.
/// Lines before the first first-line are dropped with a warning (<c>got incomplete line before first line</c>).
/// </summary>
public interface IMultilineParser : Plugins.IParser
{
    /// <summary>True when <c>format_firstline</c> is configured.</summary>
    bool HasFirstLine { get; }

    /// <summary>True when <paramref name="line"/> (UTF-8, without its line ending) starts a new event.</summary>
    bool IsFirstLine(ReadOnlySpan<byte> line);
}
