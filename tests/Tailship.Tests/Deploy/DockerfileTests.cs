using System.Text.Json;
using System.Text.RegularExpressions;
using Tailship.Tests.Demo;
using Tailship.Tests.Hosting;

namespace Tailship.Tests.Deploy;

/// <summary>
/// The image recipe's promises (no Docker engine runs here, so the image itself is not built): the final stage
/// runs the binary as a non-root UID with no arguments, so FLUENTD_ARGS applies as in the seed's image, and its
/// environment makes /fluentd/etc/fluent.conf the configuration. The published Native AOT binary, the one the image's
/// build stage makes (<see cref="SeedScenario.AotBinary"/>), is then run with that environment, as the container would
/// run it. <see cref="ReadOnlyRootTests"/> runs it on a read-only root.
/// </summary>
public sealed partial class DockerfileTests
{
    private static readonly string DockerfilePath = Path.Combine(RepoPaths.Root, "deploy", "Dockerfile");

    [Fact]
    public void FinalStage_RunsTheBinaryAsNonRootWithoutArguments()
    {
        var final = FinalStage();

        var user = Assert.Single(final, i => i.Keyword == "USER").Arguments;
        Assert.Matches(NumericUser(), user);
        Assert.NotEqual("0", user.Split(':')[0]);

        // Exec form with the binary alone: no shell between the kubelet's SIGTERM and tailship, no arguments.
        using var entrypoint = JsonDocument.Parse(Assert.Single(final, i => i.Keyword == "ENTRYPOINT").Arguments);
        var binary = Assert.Single(entrypoint.RootElement.EnumerateArray()).GetString();
        Assert.DoesNotContain(final, i => i.Keyword == "CMD");
        Assert.Contains(final, i => i.Keyword == "COPY" && i.Arguments.EndsWith(" " + binary, StringComparison.Ordinal));
        Assert.Contains(final, i => i.Keyword == "STOPSIGNAL" && i.Arguments == "SIGTERM");
        Assert.Equal("/fluentd/etc/fluent.conf", ImageEnvironment()["FLUENT_CONF"]);
    }

    [Fact]
    public void Build_PublishesTheCliWithNativeAot()
    {
        var text = File.ReadAllText(DockerfilePath);

        Assert.Contains("dotnet publish src/Tailship.Cli", text, StringComparison.Ordinal);
        Assert.Contains("-p:PublishAot=true", text, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "deploy", "Dockerfile.dockerignore")));
    }

    [Fact]
    public async Task ImageEnvironment_WithoutArguments_ReadsFluentdEtcFluentConf()
    {
        // The container's start: no arguments, the image's environment, FLUENTD_ARGS adding only --dry-run.
        var env = new Dictionary<string, string>(ImageEnvironment(), StringComparer.Ordinal) { ["FLUENTD_ARGS"] = "--dry-run" };

        var (code, stderr) = await RunImageBinaryAsync(env);

        // Nothing is mounted at /fluentd/etc on this machine: the error proves which file was read.
        Assert.Equal(1, code);
        Assert.Contains("/fluentd/etc/fluent.conf", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImageEnvironment_SeedsFluentdArgs_ChoosesTheConfiguration()
    {
        // As the seed's Pod sets it: FLUENTD_ARGS names the configuration, which wins over FLUENT_CONF.
        var directory = Directory.CreateTempSubdirectory("tailship-image-");
        try
        {
            var config = Path.Combine(directory.FullName, "fluent.conf");
            await File.WriteAllTextAsync(config, $"<source>\n  @type tail\n  path {directory.FullName}/*.log\n  tag app\n  format none\n</source>\n<match **>\n  @type null\n</match>\n", TestContext.Current.CancellationToken);
            var env = new Dictionary<string, string>(ImageEnvironment(), StringComparer.Ordinal) { ["FLUENTD_ARGS"] = $"-c {config} --dry-run" };

            var (code, stderr) = await RunImageBinaryAsync(env);

            Assert.True(code == 0, stderr);
            Assert.DoesNotContain("/fluentd/etc", stderr, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>The image's binary, the published Native AOT build, started with no arguments, as the ENTRYPOINT runs it.</summary>
    private static async Task<(int ExitCode, string Stderr)> RunImageBinaryAsync(IReadOnlyDictionary<string, string> environment)
    {
        using var process = TailshipProcess.StartCommand(SeedScenario.AotBinary(), [], environment);
        var code = await process.WaitForExitAsync(TimeSpan.FromMinutes(1));
        return (code, process.Stderr);
    }

    /// <summary>The ENV values of the final stage.</summary>
    internal static Dictionary<string, string> ImageEnvironment() =>
        FinalStage().Where(i => i.Keyword == "ENV")
            .Select(i => i.Arguments.Split('=', 2))
            .ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);

    /// <summary>The instructions after the last FROM, continuation lines joined, comments dropped.</summary>
    private static List<(string Keyword, string Arguments)> FinalStage()
    {
        var logical = Regex.Replace(File.ReadAllText(DockerfilePath), @"\\\n", " ");
        var instructions = logical.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', 2) is [var k, var a] ? (k.ToUpperInvariant(), a.Trim()) : (l.ToUpperInvariant(), string.Empty))
            .ToList();
        var from = instructions.FindLastIndex(i => i.Item1 == "FROM");
        Assert.True(from >= 0, "no FROM in deploy/Dockerfile");
        Assert.Matches("^mcr.microsoft.com/dotnet/runtime-deps:10.0-", instructions[from].Item2);
        return instructions[(from + 1)..];
    }

    [GeneratedRegex("^[0-9]+(:[0-9]+)?$")]
    private static partial Regex NumericUser();
}
