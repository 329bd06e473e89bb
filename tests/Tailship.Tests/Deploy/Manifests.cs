using k8s;
using k8s.Models;
using Tailship.Tests.Hosting;

namespace Tailship.Tests.Deploy;

/// <summary>
/// The Kubernetes manifests under deploy/kubernetes, loaded with the KubernetesClient object model in strict
/// mode: a field the model does not know, or a value of the wrong type, is an exception, as the API server's
/// strict field validation would make it.
/// </summary>
internal static class Manifests
{
    public static string Directory => Path.Combine(RepoPaths.Root, "deploy", "kubernetes");

    /// <summary>The kinds the manifests may use; any other kind fails the load (add it here when it is needed).</summary>
    private static readonly Dictionary<string, Type> Kinds = new(StringComparer.Ordinal)
    {
        ["v1/ConfigMap"] = typeof(V1ConfigMap),
        ["v1/Pod"] = typeof(V1Pod),
        ["v1/ServiceAccount"] = typeof(V1ServiceAccount),
        ["apps/v1/DaemonSet"] = typeof(V1DaemonSet),
        ["apps/v1/Deployment"] = typeof(V1Deployment),
    };

    public static IReadOnlyList<string> Files() =>
        [.. System.IO.Directory.GetFiles(Directory, "*.yaml").Concat(System.IO.Directory.GetFiles(Directory, "*.yml")).Order(StringComparer.Ordinal)];

    public static List<object> Parse(string yaml) => KubernetesYaml.LoadAllFromString(yaml, Kinds, strict: true);

    /// <summary>Every object of every manifest file, with the file it came from.</summary>
    public static IReadOnlyList<(string File, object Object)> LoadAll() =>
        [.. Files().SelectMany(file => Parse(File.ReadAllText(file)).Select(o => (Path.GetFileName(file), o)))];

    /// <summary>The Pod specs: of the Pods, and of the templates of the DaemonSets and Deployments.</summary>
    public static IReadOnlyList<Workload> Workloads() => WorkloadsOf(LoadAll());

    /// <summary>The Pod specs among <paramref name="all"/> (objects with the file each came from), each with the ConfigMaps and ServiceAccounts of <paramref name="all"/>.</summary>
    public static IReadOnlyList<Workload> WorkloadsOf(IReadOnlyList<(string File, object Object)> all)
    {
        var configMaps = all.Select(x => x.Object).OfType<V1ConfigMap>().ToList();
        var accounts = all.Select(x => x.Object).OfType<V1ServiceAccount>().ToList();
        var result = new List<Workload>();
        foreach (var (file, obj) in all)
        {
            var spec = obj switch
            {
                V1Pod pod => pod.Spec,
                V1DaemonSet ds => ds.Spec.Template.Spec,
                V1Deployment d => d.Spec.Template.Spec,
                _ => null,
            };
            if (spec is not null)
            {
                result.Add(new Workload(file, obj, spec, configMaps, accounts));
            }
        }

        return result;
    }
}

/// <summary>One Pod spec of a manifest and what it refers to.</summary>
internal sealed record Workload(string File, object Object, V1PodSpec Spec, IReadOnlyList<V1ConfigMap> ConfigMaps, IReadOnlyList<V1ServiceAccount> ServiceAccounts)
{
    public override string ToString() => $"{File} ({Object.GetType().Name})";

    /// <summary>Tailship's containers: by image name, wherever they are declared.</summary>
    public IReadOnlyList<V1Container> Agents =>
        [.. (Spec.InitContainers ?? []).Concat(Spec.Containers).Where(c => c.Image.StartsWith("tailship", StringComparison.Ordinal))];

    /// <summary>The application containers: every regular container that is not Tailship.</summary>
    public IReadOnlyList<V1Container> Apps => [.. Spec.Containers.Where(c => !Agents.Contains(c))];

    public V1Volume Volume(string name) =>
        (Spec.Volumes ?? []).SingleOrDefault(v => v.Name == name) ?? throw new InvalidOperationException($"{this}: no volume '{name}'");
}
