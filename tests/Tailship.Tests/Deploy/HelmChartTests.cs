using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using Tailship.Hosting;
using Tailship.Tests.Hosting;
using YamlDotNet.RepresentationModel;

namespace Tailship.Tests.Deploy;

/// <summary>
/// The Helm chart deploy/helm/tailship, checked without rendering (HelmRenderTests renders it): Chart.yaml and values.yaml parse,
/// every <c>.Values</c> path a template uses exists, the values that templates paste with toYaml are valid
/// Kubernetes objects in strict mode, the defaults keep the invariants of deploy/kubernetes, and the default
/// configurations are the ones the manifests ship. Render with `helm template deploy/helm/tailship` to see it all.
/// </summary>
public sealed partial class HelmChartTests
{
    private static readonly string ChartDirectory = Path.Combine(RepoPaths.Root, "deploy", "helm", "tailship");

    [Fact]
    public void Chart_DeclaresTheChart()
    {
        var chart = Load("Chart.yaml");

        Assert.Equal("v2", Scalar(chart, "apiVersion"));
        Assert.Equal("tailship", Scalar(chart, "name"));
        Assert.Matches(@"^\d+\.\d+\.\d+$", Scalar(chart, "version"));
    }

    [Fact]
    public void Templates_UseOnlyValuesThatExist()
    {
        var values = Load("values.yaml");
        var used = Directory.GetFiles(Path.Combine(ChartDirectory, "templates"))
            .SelectMany(f => ValuesPath().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Path: m.Groups[1].Value)))
            .ToList();

        Assert.NotEmpty(used);
        Assert.All(used, u => Assert.True(Find(values, u.Path) is not null, $"{u.File} uses .Values.{u.Path}, which values.yaml does not define"));
    }

    [Fact]
    public void Templates_HaveBalancedActionsAndBlocks()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(ChartDirectory, "templates")))
        {
            var text = File.ReadAllText(file);
            var actions = Action().Matches(text).Select(m => m.Groups[1].Value.Trim()).ToList();
            Assert.Equal(Regex.Count(text, @"\{\{"), actions.Count);
            Assert.Equal(Regex.Count(text, @"\}\}"), actions.Count);
            var opened = actions.Count(a => Regex.IsMatch(a, @"^(if|with|range|define)\b"));
            var closed = actions.Count(a => a == "end");
            Assert.True(opened == closed, $"{Path.GetFileName(file)}: {opened} blocks opened, {closed} closed");
        }
    }

    [Fact]
    public void Values_PastedWithToYaml_AreValidKubernetesObjects()
    {
        var values = Load("values.yaml");

        Strict<V1Probe>(values, "health.livenessProbe");
        Strict<V1Probe>(values, "health.readinessProbe");
        Strict<V1Probe>(values, "health.startupProbe");
        Strict<V1ResourceRequirements>(values, "resources");
        Strict<V1ResourceRequirements>(values, "daemonset.resources");
        Strict<V1SecurityContext>(values, "securityContext");
        Strict<V1PodSecurityContext>(values, "podSecurityContext");
        Strict<V1Toleration>(values, "daemonset.tolerations", list: true);
        Assert.Throws<YamlDotNet.Core.YamlException>(() => KubernetesYaml.Deserialize<V1Probe>("httpGet: {path: /healthz}\nperiodSecond: 1\n", strict: true));
    }

    [Fact]
    public void Defaults_KeepTheManifestsInvariants()
    {
        var values = Load("values.yaml");

        Assert.Contains(Scalar(values, "mode"), new[] { "sidecar", "daemonset" });

        // Sidecar mode runs Tailship as a native sidecar, stopped once the application has exited, in the same grace
        // period: the plain manifest's grace period, longer than the timeout plus the application's stop allowance.
        var grace = Int(values, "terminationGracePeriodSeconds");
        Assert.True(grace > Int(values, "shutdownTimeoutSeconds") + Int(values, "sidecar.app.stopSeconds"));
        Assert.Equal(Manifests.Workloads().Single(w => w.File == "pod-native-sidecar.yaml").Spec.TerminationGracePeriodSeconds, grace);
        Assert.Equal((int)CommandLineOptions.DefaultShutdownTimeout.TotalSeconds, Int(values, "shutdownTimeoutSeconds"));
        var validate = File.ReadAllText(Path.Combine(ChartDirectory, "templates", "validate.yaml"));
        Assert.Contains("(add (int .Values.shutdownTimeoutSeconds) (int .Values.sidecar.app.stopSeconds))", validate, StringComparison.Ordinal);
        Assert.Equal("24231", Scalar(values, "health.port"));
        Assert.Equal("/healthz", Scalar(values, "health.livenessProbe.httpGet.path"));
        Assert.Equal("/readyz", Scalar(values, "health.readinessProbe.httpGet.path"));
        Assert.Equal("health", Scalar(values, "health.readinessProbe.httpGet.port"));

        var security = Strict<V1SecurityContext>(values, "securityContext");
        Assert.True(security.RunAsNonRoot);
        Assert.NotEqual(0, security.RunAsUser);
        Assert.True(security.ReadOnlyRootFilesystem);

        // The same sizing as the manifests (docs/benchmarks.md), each mode its own: the sidecar's and the node agent's.
        AssertSameResources(Manifests.Workloads().Single(w => w.File == "pod-sidecar.yaml").Agents.Single(), Strict<V1ResourceRequirements>(values, "resources"));
        var daemonSet = Manifests.Workloads().Single(w => w.Object is V1DaemonSet);
        AssertSameResources(daemonSet.Agents.Single(), Strict<V1ResourceRequirements>(values, "daemonset.resources"));

        // The Pod's security context: the DaemonSet manifest's seccomp profile, and nothing that would refuse an
        // application image running as root in sidecar mode (Tailship's own container is non-root by securityContext).
        var pod = Strict<V1PodSecurityContext>(values, "podSecurityContext");
        Assert.Equal(daemonSet.Spec.SecurityContext.SeccompProfile.Type, pod.SeccompProfile?.Type);
        Assert.Null(pod.RunAsNonRoot);
        Assert.Null(pod.RunAsUser);
        Assert.Null(pod.SupplementalGroups); // daemonset mode adds daemonset.supplementalGroups itself
        Assert.Equal(daemonSet.Spec.SecurityContext.SupplementalGroups, ((YamlSequenceNode)Find(values, "daemonset.supplementalGroups")!).Select(n => (long?)long.Parse(((YamlScalarNode)n).Value!, System.Globalization.CultureInfo.InvariantCulture)));

        // Empty by default: no priority class to require, the release's own names.
        Assert.Equal(string.Empty, Scalar(values, "priorityClassName"));
        Assert.Equal(string.Empty, Scalar(values, "nameOverride"));
        Assert.Equal(string.Empty, Scalar(values, "fullnameOverride"));

        Assert.Matches(@"^arn:aws:iam::\d{12}:role/.+$", Scalar(values, "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn"));
        Assert.Equal("true", Scalar(values, "serviceAccount.create"));
    }

    [Fact]
    public void DefaultConfigurations_AreTheManifests()
    {
        var seed = File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", "seed", "fluent.conf"));
        Assert.Equal(seed, File.ReadAllText(Path.Combine(ChartDirectory, "files", "sidecar.conf")));

        // The DaemonSet's configuration without its health source: the chart adds that in tailship.conf.
        var manifest = Manifests.LoadAll().Select(x => x.Object).OfType<V1ConfigMap>()
            .Single(m => m.Metadata.Name == "tailship-daemonset-config").Data["fluent.conf"];
        var withoutHealth = HealthSource().Replace(manifest, string.Empty);
        Assert.NotEqual(manifest, withoutHealth);
        Assert.Equal(withoutHealth, File.ReadAllText(Path.Combine(ChartDirectory, "files", "daemonset.conf")));

        // The chart's ConfigMap template reads files/<mode>.conf and includes it from tailship.conf.
        var template = File.ReadAllText(Path.Combine(ChartDirectory, "templates", "configmap.yaml"));
        Assert.Contains("printf \"files/%s.conf\" .Values.mode", template, StringComparison.Ordinal);
        Assert.Contains("@include fluent.conf", template, StringComparison.Ordinal);
        Assert.Contains("bind 0.0.0.0", template, StringComparison.Ordinal);
    }

    /// <summary>
    /// The chart's workloads mount, run and probe Tailship as the plain manifests do: each agent container's mount
    /// paths, its config path, its health port and (sidecar) the native-sidecar restart policy appear in the template,
    /// literally or as a <c>.Values</c> path whose default is the manifest's value. Checked on the template's text,
    /// as the template is written (HelmRenderTests checks the rendered objects).
    /// </summary>
    [Theory]
    [InlineData("pod-native-sidecar.yaml", "deployment.yaml", "sidecar", "resources")]
    [InlineData("daemonset.yaml", "daemonset.yaml", "daemonset", "daemonset.resources")]
    public void Templates_MountRunAndProbeLikeTheManifests(string manifest, string template, string mode, string resourcesPath)
    {
        var values = Load("values.yaml");
        var text = File.ReadAllText(Path.Combine(ChartDirectory, "templates", template))
            + File.ReadAllText(Path.Combine(ChartDirectory, "templates", "_helpers.tpl"));
        var workload = Manifests.Workloads().Single(w => w.File == manifest);
        var agent = Assert.Single(workload.Agents);
        bool Renders(string literal, string key) =>
            text.Contains($"{key}: {literal}", StringComparison.Ordinal)
            || ValuesPath().Matches(text).Any(m => text.Contains($"{key}: {{{{ .Values.{m.Groups[1].Value} }}}}", StringComparison.Ordinal)
                && Find(values, m.Groups[1].Value) is YamlScalarNode { Value: var v } && v == literal);

        foreach (var mount in agent.VolumeMounts)
        {
            Assert.True(Renders(mount.MountPath, "mountPath"), $"{template} does not mount {mount.MountPath} as {manifest} does");
        }

        var configPath = Regex.Match(agent.Env?.SingleOrDefault(e => e.Name == "FLUENTD_ARGS")?.Value ?? string.Join(' ', agent.Args ?? []), @"-c\s+(\S+)").Groups[1].Value;
        // The chart always runs tailship.conf (the configuration plus the health source, see configmap.yaml), from the
        // directory where the manifest mounts its configuration.
        Assert.Equal("/fluentd/etc", Path.GetDirectoryName(configPath));
        Assert.Contains("\"-c\", \"/fluentd/etc/tailship.conf\"", text, StringComparison.Ordinal);
        var port = Assert.Single(agent.Ports);
        Assert.Equal(port.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture), Scalar(values, "health.port"));
        Assert.Equal(port.Name, Scalar(values, "health.readinessProbe.httpGet.port"));
        Assert.Equal(agent.ReadinessProbe.HttpGet.Path, Scalar(values, "health.readinessProbe.httpGet.path"));
        Assert.Equal(agent.LivenessProbe.HttpGet.Path, Scalar(values, "health.livenessProbe.httpGet.path"));
        if (agent.RestartPolicy is { } restart)
        {
            Assert.Contains($"restartPolicy: {restart}", text, StringComparison.Ordinal);
        }

        // The mode's resources: the container template pastes daemonset.resources in daemonset mode and resources
        // otherwise, and their defaults are the manifest's.
        var pasted = Regex.Match(text, @"\{\{- if eq \.Values\.mode ""daemonset"" \}\}\s*resources:\s*\{\{- toYaml \.Values\.([a-z.]+) \| nindent 2 \}\}\s*\{\{- else \}\}\s*resources:\s*\{\{- toYaml \.Values\.([a-z.]+) \| nindent 2 \}\}\s*\{\{- end \}\}");
        Assert.True(pasted.Success, "the container template does not choose its resources by mode");
        Assert.Equal(resourcesPath, pasted.Groups[mode == "daemonset" ? 1 : 2].Value);
        AssertSameResources(agent, Strict<V1ResourceRequirements>(values, resourcesPath));

        // The Pod's priority class and security context, from the values, in both modes.
        Assert.Contains("{{- with .Values.priorityClassName }}\n      priorityClassName: {{ . }}\n      {{- end }}", text, StringComparison.Ordinal);
        Assert.Matches(@"(\{\{- with \.Values\.podSecurityContext \}\}\s*securityContext:|securityContext:\s*\{\{- with \.Values\.podSecurityContext \}\})\s*\{\{- toYaml \. \| nindent 8 \}\}", text);
    }

    [Fact]
    public void Names_ComeFromTheHelpersWithTheirOverrides()
    {
        var helpers = File.ReadAllText(Path.Combine(ChartDirectory, "templates", "_helpers.tpl"));

        Assert.Contains("{{- .Values.nameOverride | default .Chart.Name | trunc 63 | trimSuffix \"-\" -}}", helpers, StringComparison.Ordinal);
        Assert.Contains("{{- .Values.fullnameOverride | trunc 63 | trimSuffix \"-\" -}}", helpers, StringComparison.Ordinal);
        Assert.Contains("app.kubernetes.io/name: {{ include \"tailship.name\" . }}", helpers, StringComparison.Ordinal);

        // No template names an object or labels it with the chart's name itself, which would ignore the overrides.
        foreach (var file in Directory.GetFiles(Path.Combine(ChartDirectory, "templates")).Where(f => Path.GetFileName(f) != "_helpers.tpl"))
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain(".Chart.Name", text, StringComparison.Ordinal);
            Assert.DoesNotContain(".Release.Name", text, StringComparison.Ordinal);
            foreach (Match name in Regex.Matches(text, @"^  name: (.*)$", RegexOptions.Multiline))
            {
                Assert.Contains(name.Groups[1].Value, new[] { "{{ include \"tailship.fullname\" . }}", "{{ include \"tailship.serviceAccountName\" . }}" });
            }
        }
    }

    private static void AssertSameResources(V1Container manifest, V1ResourceRequirements values)
    {
        Assert.Equal(manifest.Resources.Requests.OrderBy(r => r.Key, StringComparer.Ordinal), values.Requests.OrderBy(r => r.Key, StringComparer.Ordinal));
        Assert.Equal(manifest.Resources.Limits.OrderBy(r => r.Key, StringComparer.Ordinal), values.Limits.OrderBy(r => r.Key, StringComparer.Ordinal));
    }

    private static int Int(YamlNode node, string path) => int.Parse(Scalar(node, path), System.Globalization.CultureInfo.InvariantCulture);

    private static YamlMappingNode Load(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(ChartDirectory, file));
        stream.Load(reader);
        return (YamlMappingNode)Assert.Single(stream.Documents).RootNode;
    }

    /// <summary>The node at a dotted path (a key holding dots is written with <c>\.</c>), or null.</summary>
    private static YamlNode? Find(YamlNode node, string path)
    {
        foreach (var key in Regex.Split(path, @"(?<!\\)\.").Select(k => k.Replace("\\.", ".", StringComparison.Ordinal)))
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var child))
            {
                return null;
            }

            node = child;
        }

        return node;
    }

    private static string Scalar(YamlNode node, string path) =>
        Assert.IsType<YamlScalarNode>(Find(node, path), exactMatch: false).Value ?? string.Empty;

    /// <summary>Deserializes the node at <paramref name="path"/> as <typeparamref name="T"/> in strict mode.</summary>
    private static T Strict<T>(YamlNode values, string path, bool list = false)
    {
        var node = Find(values, path);
        Assert.True(node is not null, $"values.yaml has no {path}");
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
        var yaml = writer.ToString();
        if (list)
        {
            var items = KubernetesYaml.Deserialize<List<T>>(yaml, strict: true);
            return Assert.Single(items);
        }

        return KubernetesYaml.Deserialize<T>(yaml, strict: true);
    }

    [GeneratedRegex(@"\.Values\.([A-Za-z0-9_.]+)")]
    private static partial Regex ValuesPath();

    [GeneratedRegex(@"\{\{-?(.*?)-?\}\}", RegexOptions.Singleline)]
    private static partial Regex Action();

    [GeneratedRegex(@"# /healthz.*?</source>\n\n", RegexOptions.Singleline)]
    private static partial Regex HealthSource();
}
