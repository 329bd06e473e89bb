using System.Diagnostics;

namespace Tailship.Tests.TestSupport;

/// <summary>Runs a command-line tool (xz, lzop...) on bytes, as the tests decode what the s3 output stored.</summary>
internal static class ExternalTool
{
    /// <summary>The tool's standard output for <paramref name="input"/> on its standard input.</summary>
    public static async Task<byte[]> RunAsync(string tool, IEnumerable<string> args, byte[] input, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {tool}");
        var feed = Task.Run(
            async () =>
            {
                await process.StandardInput.BaseStream.WriteAsync(input, cancellationToken);
                process.StandardInput.Close();
            },
            cancellationToken);
        using var memory = new MemoryStream();
        await process.StandardOutput.BaseStream.CopyToAsync(memory, cancellationToken);
        await feed;
        await process.WaitForExitAsync(cancellationToken);
        return memory.ToArray();
    }
}
