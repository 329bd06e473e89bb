using System.Runtime.CompilerServices;
using System.Text;
using Tailship.Parsers;
using Tailship.Parsers.Cri;

namespace Tailship.Tests.Parsers;

/// <summary>
/// Golden files: each folder under <c>Golden/Parsers/&lt;type&gt;/&lt;case&gt;/</c> holds <c>parser.conf</c> (the
/// <c>&lt;parse&gt;</c> section's lines), <c>input.txt</c> (one input per line; <c>input.hex</c> holds one hex-encoded
/// input per line for binary formats) and <c>expected.jsonl</c> (one line per event, with its time, or
/// <c>{"not_matched":...}</c>). Every input is read at 2026-11-26T01:20:00.5Z. Multiline inputs are grouped with the
/// parser's <c>format_firstline</c> as in_tail does; a conf line <c># test: cri-partials</c> runs the lines through
/// <see cref="CriPartialAssembler"/> first. Set TAILSHIP_UPDATE_GOLDEN=1 to rewrite the expected files (then review them).
/// </summary>
public sealed class GoldenParserTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        var root = Path.Combine(AppContext.BaseDirectory, "Golden", "Parsers");
        foreach (var dir in Directory.GetDirectories(root).SelectMany(Directory.GetDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(root, dir).Replace('\\', '/'));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_MatchesExpectedEvents(string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Golden", "Parsers", name);
        var config = File.ReadAllText(Path.Combine(dir, "parser.conf"));
        var parser = ParserHarness.Create(config);
        var actual = new List<string>();
        foreach (var input in Inputs(dir, parser, config))
        {
            actual.AddRange(ParserHarness.Run(parser, input));
        }

        var text = string.Join("\n", actual) + "\n";
        var expectedPath = Path.Combine(dir, "expected.jsonl");
        if (Environment.GetEnvironmentVariable("TAILSHIP_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(SourceGoldenRoot(), name, "expected.jsonl"), text);
            return;
        }

        Assert.Equal(File.ReadAllText(expectedPath), text);
    }

    private static List<byte[]> Inputs(string dir, object parser, string config)
    {
        var hexPath = Path.Combine(dir, "input.hex");
        if (File.Exists(hexPath))
        {
            return [.. Lines(File.ReadAllBytes(hexPath)).Select(l => Convert.FromHexString(Encoding.ASCII.GetString(l)))];
        }

        var lines = Lines(File.ReadAllBytes(Path.Combine(dir, "input.txt")));
        if (config.Contains("# test: cri-partials", StringComparison.Ordinal))
        {
            var assembler = new CriPartialAssembler();
            var joined = new List<byte[]>();
            foreach (var line in lines)
            {
                if (assembler.Add(line, out var complete))
                {
                    joined.Add(complete.ToArray());
                }
            }

            joined.AddRange(assembler.Flush());
            return joined;
        }

        if (parser is IMultilineParser { HasFirstLine: true } multiline)
        {
            return Group(lines, multiline);
        }

        return lines;
    }

    /// <summary>in_tail's grouping: a first line starts a new event; lines before the first first-line are dropped.</summary>
    internal static List<byte[]> Group(List<byte[]> lines, IMultilineParser parser)
    {
        var groups = new List<byte[]>();
        List<byte>? current = null;
        foreach (var line in lines)
        {
            if (parser.IsFirstLine(line))
            {
                if (current is not null)
                {
                    groups.Add([.. current]);
                }

                current = [.. line];
            }
            else if (current is not null)
            {
                current.Add((byte)'\n');
                current.AddRange(line);
            }
        }

        if (current is not null)
        {
            groups.Add([.. current]);
        }

        return groups;
    }

    private static List<byte[]> Lines(byte[] bytes)
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\n')
            {
                lines.Add(bytes[start..i]);
                start = i + 1;
            }
        }

        if (start < bytes.Length)
        {
            lines.Add(bytes[start..]);
        }

        return lines;
    }

    private static string SourceGoldenRoot([CallerFilePath] string path = "") =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(path)!)!, "Golden", "Parsers");
}
