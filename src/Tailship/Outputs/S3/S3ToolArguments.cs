namespace Tailship.Outputs.S3;

/// <summary>
/// <c>command_parameter</c> of <c>store_as lzo</c> / <c>lzma2</c>, split into arguments. fluent-plugin-s3 pastes it
/// into a shell command line; Tailship runs the tool without a shell, so only options are accepted (each word starts
/// with <c>-</c>) and options that would change what the tool does with its input (decompress, test, list, write a
/// file) are refused: the object must be the compressed chunk, written to standard output.
/// </summary>
internal static class S3ToolArguments
{
    // Short options refused per tool; long options are refused by name below.
    private const string LzopRefused = "dtlxoIp";
    private const string XzRefused = "dtl";

    private static readonly string[] RefusedLong = ["--decompress", "--uncompress", "--test", "--list", "--output", "--path", "--files", "--files0", "--info", "--ls", "--extract", "--robot"];

    public static bool TryParse(string tool, string parameter, out IReadOnlyList<string> arguments, out string? error)
    {
        var words = parameter.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        arguments = words;
        error = null;
        var refusedShort = tool == "lzop" ? LzopRefused : XzRefused;
        foreach (var word in words)
        {
            if (word.Length < 2 || word[0] != '-')
            {
                error = $"command_parameter '{parameter}': '{word}' is not an option; only options of {tool} are accepted (no shell runs the command: redirections and file names are not available)";
                return false;
            }

            var refused = word.StartsWith("--", StringComparison.Ordinal)
                ? RefusedLong.Any(r => word == r || word.StartsWith(r + "=", StringComparison.Ordinal))
                : word.AsSpan(1).IndexOfAny(refusedShort) >= 0 && !IsValueOption(tool, word);
            if (refused)
            {
                error = $"command_parameter '{parameter}': option '{word}' would change what {tool} does with the chunk; it must compress standard input to standard output";
                return false;
            }
        }

        return true;
    }

    /// <summary>xz options whose letters after the first are a value (<c>-T4</c>, <c>-M100MiB</c>), not more flags.</summary>
    private static bool IsValueOption(string tool, string word) =>
        tool == "xz" && word.Length > 2 && word[1] is 'T' or 'M' or 'C' or 'F';
}
