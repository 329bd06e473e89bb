using k8s.Models;
using Tailship.Config;
using Tailship.Hosting;

namespace Tailship.Tests.Deploy;

/// <summary>
/// What one Tailship container of a manifest runs: its arguments (explicit, else FLUENTD_ARGS, as the binary
/// decides), and the configuration they name, read from the ConfigMap mounted there. The ConfigMap's keys are
/// written to a temporary directory standing for the mount, so @include resolves as it would in the Pod.
/// </summary>
internal sealed class AgentConfig : IDisposable
{
    private readonly string _directory;

    private AgentConfig(string directory, IReadOnlyList<string> args, string configPath, ConfigSection root, string mountPath)
    {
        _directory = directory;
        Args = args;
        ConfigPath = configPath;
        Root = root;
        MountPath = mountPath;
    }

    /// <summary>The arguments tailship starts with.</summary>
    public IReadOnlyList<string> Args { get; }

    /// <summary>The -c path inside the container.</summary>
    public string ConfigPath { get; }

    /// <summary>Where the ConfigMap is mounted in the container.</summary>
    public string MountPath { get; }

    /// <summary>The configuration as tailship reads it, includes expanded.</summary>
    public ConfigSection Root { get; }

    /// <summary>The files the configuration was read from, as paths inside the container.</summary>
    public IReadOnlyList<string> FilesRead =>
        [.. All(Root).Select(s => s.Location.File).Distinct(StringComparer.Ordinal)
            .Select(f => MountPath + "/" + Path.GetRelativePath(_directory, f))];

    /// <summary>
    /// The --shutdown-timeout tailship runs with, as its own command-line parser reads <see cref="Args"/>; without the
    /// option, <see cref="CommandLineOptions.DefaultShutdownTimeout"/>.
    /// </summary>
    public TimeSpan ShutdownTimeout =>
        (CommandLine.Parse(Args, _ => null, out var error) ?? throw new InvalidOperationException($"{ConfigPath}: arguments {string.Join(' ', Args)}: {error}")).ShutdownTimeout;

    public static AgentConfig Read(Workload workload, V1Container agent, IReadOnlyDictionary<string, string>? extraEnv = null)
    {
        var args = agent.Args?.ToList() ?? [];
        if (args.Count == 0 && agent.Env?.SingleOrDefault(e => e.Name == "FLUENTD_ARGS")?.Value is { } fluentdArgs)
        {
            args = [.. ShellWords.Split(fluentdArgs, out var error) ?? throw new InvalidOperationException($"{workload}: FLUENTD_ARGS: {error}")];
        }

        var c = args.IndexOf("-c");
        // Without -c, the image's FLUENT_CONF (deploy/Dockerfile) is the configuration.
        var configPath = c >= 0 ? args[c + 1] : "/fluentd/etc/fluent.conf";
        var mount = MountOf(agent, configPath) ?? throw new InvalidOperationException($"{workload}: nothing is mounted at {configPath}");
        var configMapName = workload.Volume(mount.Name).ConfigMap?.Name
            ?? throw new InvalidOperationException($"{workload}: volume '{mount.Name}' at {mount.MountPath} is not a ConfigMap");
        var configMap = workload.ConfigMaps.SingleOrDefault(m => m.Metadata.Name == configMapName)
            ?? throw new InvalidOperationException($"{workload}: no ConfigMap '{configMapName}' under deploy/kubernetes");

        var directory = Directory.CreateTempSubdirectory("tailship-deploy-").FullName;
        foreach (var (key, value) in configMap.Data)
        {
            File.WriteAllText(Path.Combine(directory, key), value);
        }

        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in agent.Env ?? [])
        {
            env[e.Name] = e.Value ?? $"<{e.ValueFrom?.FieldRef?.FieldPath}>";
        }

        foreach (var (key, value) in extraEnv ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        var local = Path.Combine(directory, Path.GetRelativePath(mount.MountPath, configPath));
        var diagnostics = new DiagnosticBag();
        var root = ConfigLoader.Load(local, diagnostics, new ConfigLoadOptions { GetEnvironmentVariable = name => env.GetValueOrDefault(name) })
            ?? throw new InvalidOperationException($"{workload}: {configPath}: {string.Join(Environment.NewLine, diagnostics.Items)}");
        return new AgentConfig(directory, args, configPath, root, mount.MountPath);
    }

    /// <summary>The mount holding <paramref name="path"/> (the longest mount path that contains it).</summary>
    public static V1VolumeMount? MountOf(V1Container container, string path)
    {
        var trimmed = path.Length > 1 ? path.TrimEnd('/') : path;
        return (container.VolumeMounts ?? [])
            .Where(m => trimmed == m.MountPath || trimmed.StartsWith(m.MountPath.TrimEnd('/') + "/", StringComparison.Ordinal))
            .MaxBy(m => m.MountPath.Length);
    }

    /// <summary>Every section, depth first.</summary>
    public static IEnumerable<ConfigSection> All(ConfigSection section) => section.Sections.SelectMany(s => All(s).Prepend(s));

    /// <summary>The sources of the given @type.</summary>
    public IReadOnlyList<ConfigSection> Sources(string type) =>
        [.. Root.Sections.Where(s => s.Name == "source" && s.Type == type)];

    /// <summary>The paths the configuration writes to: pos_files and buffer paths.</summary>
    public IReadOnlyList<string> WrittenPaths()
    {
        var paths = new List<string>();
        foreach (var section in All(Root))
        {
            if (section.Name == "source" && section.Type == "tail" && section.Find("pos_file") is { } pos)
            {
                paths.Add(pos.Value);
            }
            else if (section.Name == "match" && section.Find("buffer_path") is { } bufferPath)
            {
                paths.Add(bufferPath.Value);
            }
            else if (section.Name == "buffer" && section.Find("path") is { } path)
            {
                paths.Add(path.Value);
            }
        }

        return paths;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
