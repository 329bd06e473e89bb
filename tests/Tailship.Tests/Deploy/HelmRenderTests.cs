using k8s.Models;
using Tailship.Tests.Hosting;

namespace Tailship.Tests.Deploy;

/// <summary>
/// The Helm chart rendered for real (tools/HelmRender: Go's text/template with the functions the chart uses; not
/// helm itself), in both modes, every rendered object loaded in strict mode, and the invariants of the plain
/// manifests checked on the result: the configuration, the mounts, the probes, the grace period, the resources,
/// and validate.yaml's refusals.
/// </summary>
public sealed class HelmRenderTests(HelmRender helm) : IClassFixture<HelmRender>
{
    private const string DaemonSetMode = "mode: daemonset";

    [Fact]
    public void SidecarMode_RendersAConfigMapADeploymentAndAServiceAccount()
    {
        var chart = helm.Render();

        Assert.Equal(["configmap.yaml", "deployment.yaml", "serviceaccount.yaml"], chart.Texts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([typeof(V1ConfigMap), typeof(V1Deployment), typeof(V1ServiceAccount)], chart.Objects.Select(o => o.Object.GetType()));
        Assert.All(chart.Objects, o => Assert.Equal(HelmRender.ReleaseName, ((IMetadata<V1ObjectMeta>)o.Object).Metadata.Name));
        var deployment = chart.OfType<V1Deployment>().Single();
        Assert.Equal(deployment.Spec.Selector.MatchLabels, deployment.Spec.Template.Metadata.Labels);
        Assert.Matches("^[0-9a-f]{64}$", deployment.Spec.Template.Metadata.Annotations["checksum/config"]);
    }

    [Fact]
    public void DaemonSetMode_RendersAConfigMapADaemonSetAndAServiceAccount()
    {
        var chart = helm.Render(DaemonSetMode);

        Assert.Equal(["configmap.yaml", "daemonset.yaml", "serviceaccount.yaml"], chart.Texts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([typeof(V1ConfigMap), typeof(V1DaemonSet), typeof(V1ServiceAccount)], chart.Objects.Select(o => o.Object.GetType()));
    }

    [Fact]
    public void SidecarMode_ConfigMapHoldsTheSeedByteForByte()
    {
        var seed = File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", "seed", "fluent.conf"));

        // The bucket replaces the seed's placeholder; left as the placeholder, the seed comes out unchanged.
        var placeholder = helm.Render("s3: {bucket: $s3_bucket}").OfType<V1ConfigMap>().Single();
        Assert.Equal(seed, placeholder.Data["fluent.conf"]);
        var defaults = helm.Render().OfType<V1ConfigMap>().Single();
        Assert.Equal(seed.Replace("s3_bucket $s3_bucket\n", "s3_bucket my-logs-bucket\n", StringComparison.Ordinal), defaults.Data["fluent.conf"]);
        Assert.NotEqual(seed, defaults.Data["fluent.conf"]);
    }

    [Fact]
    public void ConfigFluentConf_ReplacesTheDefaultConfiguration()
    {
        var custom = "<source>\n  @type forward\n</source>\n\n<match **>\n  @type stdout\n</match>\n";
        var overrides = "config:\n  fluentConf: |\n" + string.Join('\n', custom.TrimEnd('\n').Split('\n').Select(l => l.Length == 0 ? l : "    " + l)) + "\n";

        var configMap = helm.Render(overrides).OfType<V1ConfigMap>().Single();

        Assert.Equal(custom, configMap.Data["fluent.conf"]);
        Assert.Contains("@include fluent.conf\n", configMap.Data["tailship.conf"], StringComparison.Ordinal);
    }

    [Fact]
    public void DaemonSetMode_ConfigMapHoldsFilesDaemonSetConf()
    {
        var configMap = helm.Render(DaemonSetMode).OfType<V1ConfigMap>().Single();

        Assert.Equal(File.ReadAllText(Path.Combine(HelmRender.ChartDirectory, "files", "daemonset.conf")), configMap.Data["fluent.conf"]);
    }

    [Fact]
    public void SidecarMode_RunsTailshipAsANativeSidecarSharingTheAppsLogs()
    {
        var workload = Assert.Single(helm.Render().Workloads);
        var agent = Assert.Single(workload.Agents);
        var app = Assert.Single(workload.Apps);

        Assert.Same(agent, Assert.Single(workload.Spec.InitContainers));
        Assert.Equal("Always", agent.RestartPolicy);
        AssertConfigMountedAtFluentdEtc(workload, agent);
        var appLogs = Assert.Single(app.VolumeMounts, m => m.MountPath == "/var/log");
        Assert.Equal(appLogs.Name, Assert.Single(agent.VolumeMounts, m => m.MountPath == "/var/log").Name);
        Assert.NotNull(workload.Volume(appLogs.Name).EmptyDir);

        using var config = AgentConfig.Read(workload, agent);
        Assert.Equal(["/fluentd/etc/fluent.conf", "/fluentd/etc/tailship.conf"], config.FilesRead.Order(StringComparer.Ordinal));
        Assert.Equal(["/var/log/1.log", "/var/log/2.log"], config.Sources("tail").Select(t => t.Find("path")?.Value));
        Assert.All(config.WrittenPaths(), p => Assert.Equal(appLogs.Name, AgentConfig.MountOf(agent, p)?.Name));
    }

    [Fact]
    public void DaemonSetMode_TailsTheNodesContainerLogsWithTheCriParser()
    {
        var workload = Assert.Single(helm.Render(DaemonSetMode).Workloads);
        var agent = Assert.Single(workload.Agents);
        Assert.IsType<V1DaemonSet>(workload.Object);
        AssertConfigMountedAtFluentdEtc(workload, agent);

        var logs = Assert.Single(agent.VolumeMounts, m => m.MountPath == "/var/log");
        Assert.True(logs.ReadOnlyProperty);
        Assert.Equal("/var/log", workload.Volume(logs.Name).HostPath?.Path);

        using var config = AgentConfig.Read(workload, agent, KubernetesManifestTests.IrsaEnv);
        var tail = Assert.Single(config.Sources("tail"));
        Assert.Equal("/var/log/containers/*.log", tail.Find("path")?.Value);
        Assert.Equal("cri", Assert.Single(tail.Sections, s => s.Name == "parse").Type);
        // Positions and buffer on the node (hostPath), so they outlive the Pod.
        Assert.NotEmpty(config.WrittenPaths());
        Assert.All(config.WrittenPaths(), p => Assert.NotNull(workload.Volume(AgentConfig.MountOf(agent, p)!.Name).HostPath));
        Assert.Contains(workload.Spec.Tolerations, t => t.OperatorProperty == "Exists" && t.Key is null);
        Assert.Equal([0L], workload.Spec.SecurityContext.SupplementalGroups);
        Assert.Equal(["S3_BUCKET", "S3_REGION", "NODE_NAME"], agent.Env.Select(e => e.Name));
    }

    [Theory]
    [InlineData("")]
    [InlineData(DaemonSetMode)]
    public void Probes_CallTheHealthSourceOnItsPort(string overrides)
    {
        var workload = Assert.Single(helm.Render(overrides).Workloads);
        var agent = Assert.Single(workload.Agents);
        using var config = AgentConfig.Read(workload, agent, KubernetesManifestTests.IrsaEnv);

        var health = Assert.Single(config.Sources("prometheus"));
        Assert.Equal("0.0.0.0", health.Find("bind")?.Value);
        var port = int.Parse(health.Find("port")!.Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(port, Assert.Single(agent.Ports, p => p.Name == "health").ContainerPort);
        AssertProbe(agent.LivenessProbe, "/healthz");
        AssertProbe(agent.ReadinessProbe, "/readyz");
        if (overrides.Length == 0)
        {
            AssertProbe(agent.StartupProbe, "/healthz"); // the application starts once Tailship answers
        }
        else
        {
            Assert.Null(agent.StartupProbe);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData(DaemonSetMode)]
    public void GracePeriod_OutlastsTheShutdownTimeout(string overrides)
    {
        var workload = Assert.Single(helm.Render(overrides).Workloads);
        var agent = Assert.Single(workload.Agents);
        using var config = AgentConfig.Read(workload, agent, KubernetesManifestTests.IrsaEnv);

        // The chart passes its shutdownTimeoutSeconds; a native sidecar's stop begins only once the application has exited.
        Assert.Equal(TimeSpan.FromSeconds(25), config.ShutdownTimeout);
        var isNativeSidecar = agent.RestartPolicy == "Always" && (workload.Spec.InitContainers ?? []).Contains(agent);
        Assert.Equal(overrides.Length == 0, isNativeSidecar);
        var needed = config.ShutdownTimeout + (isNativeSidecar ? KubernetesManifestTests.AppStopAllowance : TimeSpan.Zero);
        Assert.True(TimeSpan.FromSeconds(workload.Spec.TerminationGracePeriodSeconds!.Value) > needed, $"grace period {workload.Spec.TerminationGracePeriodSeconds} s, needed more than {needed}");
    }

    [Theory]
    [InlineData("", "pod-sidecar.yaml")]
    [InlineData(DaemonSetMode, "daemonset.yaml")]
    public void Resources_AreTheManifestsSizing(string overrides, string manifest)
    {
        var agent = Assert.Single(Assert.Single(helm.Render(overrides).Workloads).Agents);
        var expected = Manifests.Workloads().Single(w => w.File == manifest).Agents.Single().Resources;

        Assert.Equal(["cpu", "memory"], agent.Resources.Requests.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["memory"], agent.Resources.Limits.Keys);
        Assert.Equal(expected.Requests.OrderBy(r => r.Key, StringComparer.Ordinal), agent.Resources.Requests.OrderBy(r => r.Key, StringComparer.Ordinal));
        Assert.Equal(expected.Limits.OrderBy(r => r.Key, StringComparer.Ordinal), agent.Resources.Limits.OrderBy(r => r.Key, StringComparer.Ordinal));
        Assert.True(agent.SecurityContext.RunAsNonRoot);
        Assert.True(agent.SecurityContext.ReadOnlyRootFilesystem);
    }

    [Theory]
    [InlineData("")]
    [InlineData(DaemonSetMode)]
    public void Overrides_RenderIntoValidObjects(string mode)
    {
        var overrides = mode + """

            fullnameOverride: logs
            priorityClassName: system-node-critical
            podLabels: {team: "42"}
            podAnnotations: {"example.com/on": "true"}
            extraEnv: [{name: TZ, value: UTC}]
            tolerations: [{key: dedicated, operator: Equal, value: logging, effect: NoSchedule}]
            imagePullSecrets: [{name: registry}]
            serviceAccount: {create: false, name: existing}
            """;

        var chart = helm.Render(overrides);
        var workload = Assert.Single(chart.Workloads);

        Assert.DoesNotContain(chart.Objects, o => o.Object is V1ServiceAccount);
        Assert.Equal("existing", workload.Spec.ServiceAccountName);
        Assert.Equal("logs", ((IMetadata<V1ObjectMeta>)workload.Object).Metadata.Name);
        Assert.Equal("logs", workload.Volume("config").ConfigMap.Name);
        Assert.Equal("system-node-critical", workload.Spec.PriorityClassName);
        var template = workload.Object is V1DaemonSet ds ? ds.Spec.Template : ((V1Deployment)workload.Object).Spec.Template;
        Assert.Equal("42", template.Metadata.Labels["team"]);
        Assert.Equal("true", template.Metadata.Annotations["example.com/on"]);
        // toYaml quotes the strings that would read back as a boolean or a number, as Helm's does.
        var text = chart.Texts[workload.Object is V1DaemonSet ? "daemonset.yaml" : "deployment.yaml"];
        Assert.Contains("        example.com/on: \"true\"\n", text, StringComparison.Ordinal);
        Assert.Contains("        team: \"42\"\n", text, StringComparison.Ordinal);
        Assert.Contains(workload.Agents.Single().Env, e => e is { Name: "TZ", Value: "UTC" });
        Assert.Contains(workload.Spec.Tolerations, t => t is { Key: "dedicated", Effect: "NoSchedule" });
        Assert.Equal("registry", Assert.Single(workload.Spec.ImagePullSecrets).Name);
    }

    [Theory]
    [InlineData("terminationGracePeriodSeconds: 30", "shutdownTimeoutSeconds plus sidecar.app.stopSeconds")]
    [InlineData("terminationGracePeriodSeconds: 25", "terminationGracePeriodSeconds must be longer than shutdownTimeoutSeconds,")]
    [InlineData("{mode: daemonset, terminationGracePeriodSeconds: 20}", "terminationGracePeriodSeconds must be longer than shutdownTimeoutSeconds,")]
    [InlineData("{shutdownTimeoutSeconds: 40}", "terminationGracePeriodSeconds must be longer than shutdownTimeoutSeconds")]
    [InlineData("mode: sidecars", "mode must be sidecar or daemonset, not \"sidecars\"")]
    public void Validate_RefusesValuesThatBreakItsRules(string overrides, string message)
    {
        var (exitCode, stdout, stderr) = helm.TryRender(overrides);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.Contains("validate.yaml", stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, stdout);
    }

    [Fact]
    public void Validate_AcceptsInDaemonSetModeWhatOnlyTheSidecarRuleRefuses()
    {
        // 30 s is not longer than 25 + 5 (sidecar mode's rule), but is longer than 25: a DaemonSet's agent stops at once.
        Assert.NotEqual(0, helm.TryRender("terminationGracePeriodSeconds: 30").ExitCode);

        var workload = Assert.Single(helm.Render("{mode: daemonset, terminationGracePeriodSeconds: 30}").Workloads);

        Assert.Equal(30, workload.Spec.TerminationGracePeriodSeconds);
    }

    private static void AssertConfigMountedAtFluentdEtc(Workload workload, V1Container agent)
    {
        var mount = Assert.Single(agent.VolumeMounts, m => m.MountPath == "/fluentd/etc");
        Assert.True(mount.ReadOnlyProperty);
        var configMap = Assert.Single(workload.ConfigMaps);
        Assert.Equal(configMap.Metadata.Name, workload.Volume(mount.Name).ConfigMap?.Name);
        Assert.Equal(["-c", "/fluentd/etc/tailship.conf", "--shutdown-timeout", "25s"], agent.Args);
    }

    private static void AssertProbe(V1Probe? probe, string path)
    {
        Assert.NotNull(probe);
        Assert.Equal(path, probe.HttpGet?.Path);
        Assert.Equal("health", probe.HttpGet?.Port.Value);
    }
}
