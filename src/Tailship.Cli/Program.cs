using Tailship.Hosting;

namespace Tailship.Cli;

/// <summary>The <c>tailship</c> executable; everything but this entry point lives in <c>Tailship.Hosting</c>.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => AgentHost.RunProcessAsync(args);
}
