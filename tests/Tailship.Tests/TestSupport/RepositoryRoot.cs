namespace Tailship.Tests.TestSupport;

/// <summary>Finds the repository root: the nearest directory above the test binaries holding Tailship.slnx.</summary>
internal static class RepositoryRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tailship.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"no Tailship.slnx in {AppContext.BaseDirectory} or any directory above it");
    }
}
