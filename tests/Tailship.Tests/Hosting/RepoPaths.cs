using System.Reflection;

namespace Tailship.Tests.Hosting;

/// <summary>Where things are in the repository the tests were built from.</summary>
internal static class RepoPaths
{
    /// <summary>The directory holding Tailship.slnx, found by walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration of the tests (Debug or Release): the CLI was built the same way.</summary>
    public static string Configuration { get; } =
        typeof(RepoPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The <c>tailship</c> executable the test project builds (a non-referencing ProjectReference).</summary>
    public static string TailshipExecutable => Path.Combine(Root, "src", "Tailship.Cli", "bin", Configuration, "net10.0", "tailship");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tailship.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Tailship.slnx not found above {AppContext.BaseDirectory}");
    }
}
