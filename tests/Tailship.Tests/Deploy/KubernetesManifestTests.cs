using k8s.Models;
using Tailship.Config;
using Tailship.Hosting;
using Tailship.Plugins;
using Tailship.Tests.Hosting;

namespace Tailship.Tests.Deploy;

/// <summary>
/// Every manifest under deploy/kubernetes loads in strict mode, and the deployment invariants hold: the sidecar
/// shares the application's log volume, the configuration is the seed's, the probes reach the health source,
/// the grace period outlasts the shutdown timeout, and Tailship runs as non-root on a read-only root.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string[] ExpectedFiles =
    [
        "configmap.yaml", "daemonset-configmap.yaml", "daemonset.yaml", "pod-native-sidecar.yaml", "pod-sidecar.yaml", "serviceaccount.yaml",
    ];

    // What the IRSA webhook injects into a Pod of an annotated ServiceAccount.
    internal static readonly Dictionary<string, string> IrsaEnv = new(StringComparer.Ordinal)
    {
        ["AWS_ROLE_ARN"] = "arn:aws:iam::111122223333:role/tailship-s3-writer",
        ["AWS_WEB_IDENTITY_TOKEN_FILE"] = "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
    };

    // Measured by scripts/bench, AOT binary (docs/benchmarks.md, results table): peak RSS (VmHWM) of `seed-idle`, the
    // seed's configuration, 22.8 MB (median); of the S3 upload burst (`s3-text`, `s3-gzip`, `s3-zstd`: a million lines
    // through the file buffer to S3), 37-46 MB, 46.6 MB the highest measured. The harness's MB are MiB (VmHWM's kB / 1024).
    private const long SeedIdlePeakRss = 22_800L * 1024 * 1024 / 1000;
    private const long S3BurstPeakRss = 46_600L * 1024 * 1024 / 1000;

    // docs/operations.md, Sizing: "set the limit to about twice the peak".
    private const int UploadBurstHeadroom = 2;

    // What a native sidecar's application may take to exit after its SIGTERM before Tailship's own stop begins: the
    // seed's counter exits at its TERM trap once the running `sleep 1` returns, and the kubelet notices the exit at
    // its next pod relist (about a second); the rest is margin for an application that does a little more.
    internal static readonly TimeSpan AppStopAllowance = TimeSpan.FromSeconds(5);

    public static TheoryData<string> Files() => [.. Manifests.Files().Select(Path.GetFileName).OfType<string>()];

    public static TheoryData<string> WorkloadFiles() => [.. Manifests.Workloads().Select(w => w.File)];

    [Fact]
    public void Directory_HoldsTheExpectedManifests()
    {
        Assert.Equal(ExpectedFiles, Manifests.Files().Select(Path.GetFileName));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Manifest_LoadsInStrictMode(string file)
    {
        var objects = Manifests.Parse(File.ReadAllText(Path.Combine(Manifests.Directory, file)));

        Assert.NotEmpty(objects);
        Assert.All(objects, o => Assert.False(string.IsNullOrEmpty(((IMetadata<V1ObjectMeta>)o).Metadata?.Name), $"{file}: an object without metadata.name"));
    }

    [Theory]
    [InlineData("terminationGracePeriodSeconds: 35", "terminationGracePeriodSecond: 35")] // unknown field
    [InlineData("terminationGracePeriodSeconds: 35", "terminationGracePeriodSeconds: thirty-five")] // wrong type
    [InlineData("    restartPolicy: Always", "    restartPolicy: [Always]")] // wrong shape
    public void StrictMode_RejectsUnknownFieldsAndWrongTypes(string valid, string broken)
    {
        var yaml = File.ReadAllText(Path.Combine(Manifests.Directory, "pod-native-sidecar.yaml"));
        Assert.Contains(valid, yaml, StringComparison.Ordinal);
        Assert.Single(Manifests.Parse(yaml));

        Assert.ThrowsAny<Exception>(() => Manifests.Parse(yaml.Replace(valid, broken, StringComparison.Ordinal)));
    }

    [Fact]
    public void ConfigMap_FluentConfIsTheSeedByteForByte()
    {
        var seed = File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", "seed", "fluent.conf"));
        var configMap = Manifests.LoadAll().Select(x => x.Object).OfType<V1ConfigMap>().Single(m => m.Metadata.Name == "fluentd-config");

        Assert.Equal(seed, configMap.Data["fluent.conf"]);
        Assert.Contains("s3_bucket $s3_bucket\n", configMap.Data["fluent.conf"], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(WorkloadFiles))]
    public void Workload_RunsExactlyOneTailship(string file)
    {
        var workload = Manifests.Workloads().Single(w => w.File == file);

        Assert.Single(workload.Agents);
    }

    [Theory]
    [InlineData("pod-sidecar.yaml")]
    [InlineData("pod-native-sidecar.yaml")]
    public void Sidecar_SharesTheSeedsVolumesAndMounts(string file)
    {
        var workload = Manifests.Workloads().Single(w => w.File == file);
        var agent = workload.Agents.Single();
        var app = Assert.Single(workload.Apps);

        // The seed's mounts: varlog at /var/log in both containers, the ConfigMap at /fluentd/etc in the sidecar.
        var appLogs = Assert.Single(app.VolumeMounts, m => m.MountPath == "/var/log");
        var agentLogs = Assert.Single(agent.VolumeMounts, m => m.MountPath == "/var/log");
        Assert.Equal(appLogs.Name, agentLogs.Name);
        Assert.Equal("varlog", agentLogs.Name);
        Assert.NotEqual(true, agentLogs.ReadOnlyProperty); // pos_file and buffer live there, as in the seed
        Assert.NotNull(workload.Volume("varlog").EmptyDir);
        Assert.Equal("fluentd-config", workload.Volume(Assert.Single(agent.VolumeMounts, m => m.MountPath == "/fluentd/etc").Name).ConfigMap.Name);
        Assert.Equal(["config-volume", "varlog"], workload.Spec.Volumes.Select(v => v.Name).Order(StringComparer.Ordinal));
        Assert.True(workload.Spec.HostNetwork); // the seed's way to the instance profile's credentials
    }

    [Fact]
    public void NativeSidecar_IsAnInitContainerThatKeepsRunning()
    {
        var workload = Manifests.Workloads().Single(w => w.File == "pod-native-sidecar.yaml");

        var agent = Assert.Single(workload.Spec.InitContainers);
        Assert.Same(agent, workload.Agents.Single());
        Assert.Equal("Always", agent.RestartPolicy);
        Assert.Equal("/healthz", agent.StartupProbe?.HttpGet?.Path);
    }

    [Theory]
    [InlineData("pod-sidecar.yaml")]
    [InlineData("pod-native-sidecar.yaml")]
    public void Sidecar_ReadsTheSeedConfigThroughFluentdArgs(string file)
    {
        var workload = Manifests.Workloads().Single(w => w.File == file);
        var agent = workload.Agents.Single();
        Assert.Null(agent.Args); // so that FLUENTD_ARGS applies, as in the seed
        Assert.NotNull(agent.Env.SingleOrDefault(e => e.Name == "FLUENTD_ARGS"));

        using var config = AgentConfig.Read(workload, agent);

        Assert.Contains("/fluentd/etc/fluent.conf", config.FilesRead);
        var tails = config.Sources("tail");
        Assert.Equal(["/var/log/1.log", "/var/log/2.log"], tails.Select(t => t.Find("path")?.Value));
    }

    [Fact]
    public void DaemonSet_TailsContainerLogsWithTheCriParser()
    {
        var workload = Manifests.Workloads().Single(w => w.Object is V1DaemonSet);
        var agent = workload.Agents.Single();
        using var config = AgentConfig.Read(workload, agent, IrsaEnv);

        var tail = Assert.Single(config.Sources("tail"));
        Assert.Equal("/var/log/containers/*.log", tail.Find("path")?.Value);
        Assert.Equal("cri", Assert.Single(tail.Sections, s => s.Name == "parse").Type);
        Assert.Contains("/fluentd/etc/fluent.conf", config.FilesRead);

        // Container logs from the node, read-only; positions and buffer on the node, so they outlive the Pod.
        var logs = AgentConfig.MountOf(agent, "/var/log/containers/x.log")!;
        Assert.Equal("/var/log", workload.Volume(logs.Name).HostPath?.Path);
        Assert.True(logs.ReadOnlyProperty);
        Assert.All(config.WrittenPaths(), p => Assert.NotNull(workload.Volume(AgentConfig.MountOf(agent, p)!.Name).HostPath));
        Assert.Contains(workload.Spec.Tolerations, t => t.OperatorProperty == "Exists" && t.Key is null);
    }

    [Fact]
    public void DaemonSet_UsesAServiceAccountAnnotatedForIrsa()
    {
        var workload = Manifests.Workloads().Single(w => w.Object is V1DaemonSet);

        var account = Assert.Single(workload.ServiceAccounts, a => a.Metadata.Name == workload.Spec.ServiceAccountName);
        Assert.Matches(@"^arn:aws:iam::\d{12}:role/.+$", account.Metadata.Annotations["eks.amazonaws.com/role-arn"]);
        using var config = AgentConfig.Read(workload, workload.Agents.Single(), IrsaEnv);
        var credentials = AgentConfig.All(config.Root).Single(s => s.Name == "web_identity_credentials");
        Assert.Equal(IrsaEnv["AWS_ROLE_ARN"], credentials.Find("role_arn")?.Value);
        Assert.Equal(IrsaEnv["AWS_WEB_IDENTITY_TOKEN_FILE"], credentials.Find("web_identity_token_file")?.Value);
    }

    [Theory]
    [MemberData(nameof(WorkloadFiles))]
    public void Probes_CallTheHealthSourceOnItsPort(string file)
    {
        var workload = Manifests.Workloads().Single(w => w.File == file);
        var agent = workload.Agents.Single();
        using var config = AgentConfig.Read(workload, agent, IrsaEnv);

        // The health endpoints are served by a prometheus or monitor_agent source, reachable from the kubelet.
        var health = Assert.Single(config.Sources("prometheus").Concat(config.Sources("monitor_agent")));
        Assert.Equal("0.0.0.0", health.Find("bind")?.Value);
        var port = int.Parse(health.Find("port")?.Value ?? (health.Type == "prometheus" ? "24231" : "24220"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(port, Assert.Single(agent.Ports, p => p.Name == "health").ContainerPort);

        AssertProbe(agent.LivenessProbe, "/healthz", port);
        AssertProbe(agent.ReadinessProbe, "/readyz", port);
        if (agent.StartupProbe is not null)
        {
            AssertProbe(agent.StartupProbe, "/healthz", port);
        }
    }

    [Theory]
    [MemberData(nameof(WorkloadFiles))]
    public void GracePeriod_OutlastsTheShutdownTimeout(string file)
    {
        var workload = Manifests.Workloads().Single(w => w.File == file);
        var agent = workload.Agents.Single();
        using var config = AgentConfig.Read(workload, agent, IrsaEnv);

        // A native sidecar gets its SIGTERM only once the application has exited, and both stops come out of the same
        // grace period; a classic sidecar and a DaemonSet's agent get SIGTERM at once.
        var isNativeSidecar = agent.RestartPolicy == "Always" && (workload.Spec.InitContainers ?? []).Contains(agent);
        var needed = config.ShutdownTimeout + (isNativeSidecar ? AppStopAllowance : TimeSpan.Zero);

        Assert.NotNull(workload.Spec.TerminationGracePeriodSeconds);
        Assert.True(
            TimeSpan.FromSeconds(workload.Spec.TerminationGracePeriodSeconds.Value) > needed,
            $"{file}: grace period {workload.Spec.TerminationGracePeriodSeconds} s is not longer than the shutdown timeout {config.ShutdownTimeout}"
            + (isNativeSidecar ? $" plus the application's stop allowance {AppStopAllowance}" : string.Empty));
    }

    [Theory]
    [InlineData("pod-sidecar.yaml")]
    [InlineData("pod-native-sidecar.yaml")]
    [InlineData("daemonset.yaml")]
    public void ShutdownTimeout_IsTailshipsDefaultUnlessTheArgumentsSetIt(string file)
    {
        var workload = Manifests.Workloads().Single(w => w.File == file);
        using var config = AgentConfig.Read(workload, workload.Agents.Single(), IrsaEnv);

        // None of the manifests passes --shutdown-timeout: the agent's own default is what the grace period must cover.
        Assert.DoesNotContain("--shutdown-timeout", config.Args);
        Assert.Equal(CommandLineOptions.DefaultShutdownTimeout, config.ShutdownTimeout);
    }

    [Theory]
    [MemberData(nameof(WorkloadFiles))]
    public void Tailship_RunsAsNonRootOnAReadOnlyRoot(string file)
    {
        var workload = Manifests.Workloads().Single(w => w.File == file);
        var agent = workload.Agents.Single();
        var pod = workload.Spec.SecurityContext;

        Assert.True(agent.SecurityContext?.RunAsNonRoot ?? pod?.RunAsNonRoot, $"{file}: runAsNonRoot");
        var uid = agent.SecurityContext?.RunAsUser ?? pod?.RunAsUser;
        Assert.NotNull(uid);
        Assert.NotEqual(0, uid);
        Assert.True(agent.SecurityContext?.ReadOnlyRootFilesystem, $"{file}: readOnlyRootFilesystem");
        Assert.False(agent.SecurityContext?.AllowPrivilegeEscalation ?? true, $"{file}: allowPrivilegeEscalation");
        Assert.Contains("ALL", agent.SecurityContext?.Capabilities?.Drop ?? []);
    }

    [Theory]
    [MemberData(nameof(WorkloadFiles))]
    public void Tailship_WritesOnlyToWritableVolumes(string file)
    {
        var workload = Manifests.Workloads().Single(w => w.File == file);
        var agent = workload.Agents.Single();
        using var config = AgentConfig.Read(workload, agent, IrsaEnv);

        var written = config.WrittenPaths();
        Assert.NotEmpty(written);
        Assert.All(written, path =>
        {
            var mount = AgentConfig.MountOf(agent, path);
            Assert.True(mount is not null, $"{file}: {path} is on the read-only root file system");
            Assert.NotEqual(true, mount.ReadOnlyProperty);
            Assert.Null(workload.Volume(mount.Name).ConfigMap);
        });
    }

    [Theory]
    [MemberData(nameof(WorkloadFiles))]
    public void OnlyRunOnceInitContainers_RunAsRoot(string file)
    {
        var workload = Manifests.Workloads().Single(w => w.File == file);
        var podUser = workload.Spec.SecurityContext?.RunAsUser;

        foreach (var container in workload.Spec.Containers.Concat(workload.Spec.InitContainers ?? []))
        {
            if ((container.SecurityContext?.RunAsUser ?? podUser) == 0)
            {
                Assert.Contains(container, workload.Spec.InitContainers ?? []);
                Assert.NotEqual("Always", container.RestartPolicy);
                Assert.Equal(["ALL"], container.SecurityContext!.Capabilities.Drop);
            }
        }
    }

    [Theory]
    [MemberData(nameof(WorkloadFiles))]
    public void Resources_AreRequestedAndMemoryIsLimited(string file)
    {
        var workload = Manifests.Workloads().Single(w => w.File == file);
        var resources = workload.Agents.Single().Resources;
        var request = resources.Requests["memory"].ToInt64();
        var limit = resources.Limits["memory"].ToInt64();

        // The request is what the scheduler reserves: at least what the idle seed reaches at its peak. The limit is
        // what the OOM killer enforces: the peak of an S3 upload burst, with headroom for what the benchmark lacks.
        Assert.True(request >= SeedIdlePeakRss, $"{file}: memory request {request} B is below the idle seed's peak RSS {SeedIdlePeakRss} B");
        Assert.True(limit >= UploadBurstHeadroom * S3BurstPeakRss, $"{file}: memory limit {limit} B is below {UploadBurstHeadroom} x the s3 burst's peak RSS {S3BurstPeakRss} B");
        Assert.True(resources.Requests["cpu"].ToDecimal() >= 0.010m, $"{file}: cpu request");
        Assert.False(resources.Limits.ContainsKey("cpu"), $"{file}: a CPU limit throttles bursts into lag");
    }

    [Theory]
    [MemberData(nameof(WorkloadFiles))]
    public void Configuration_PassesTailshipsValidation(string file)
    {
        // Both plugins the manifests use are built in: a lost registration fails here, it is not skipped.
        var registry = BuiltinPlugins.CreateRegistry();
        Assert.NotNull(registry.Find(PluginKind.Output, "s3"));
        Assert.NotNull(registry.Find(PluginKind.Input, "prometheus"));

        var workload = Manifests.Workloads().Single(w => w.File == file);
        using var config = AgentConfig.Read(workload, workload.Agents.Single(), IrsaEnv);
        var diagnostics = new DiagnosticBag();

        var plan = PipelinePlan.Create(config.Root, new PipelineOptions { Registry = registry }, diagnostics);

        Assert.True(plan is not null, string.Join(Environment.NewLine, diagnostics.Items));
    }

    private static void AssertProbe(V1Probe? probe, string path, int port)
    {
        Assert.NotNull(probe?.HttpGet);
        Assert.Equal(path, probe.HttpGet.Path);
        var target = probe.HttpGet.Port.Value;
        Assert.True(target == "health" || target == port.ToString(System.Globalization.CultureInfo.InvariantCulture), $"probe {path} targets port {target}, not {port}");
        Assert.Null(probe.HttpGet.Host); // the Pod's IP, where the health source listens on 0.0.0.0
    }
}
