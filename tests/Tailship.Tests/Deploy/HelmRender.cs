using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tailship.Tests.Hosting;
using Tailship.Tests.TestSupport;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Tailship.Tests.Deploy;

/// <summary>
/// Renders deploy/helm/tailship with tools/HelmRender: Go's text/template (the engine Helm runs) with the
/// functions the chart's templates call. The tool is built once per test class (a class fixture) into a temporary
/// directory. The values are values.yaml, converted to JSON here, deep-merged with a test's overrides (a YAML
/// text) as `helm -f` merges a values file: maps key by key, anything else replaced, null removing the key.
/// Without `go` every render fails, saying how to install it: these tests are not skipped.
/// </summary>
public sealed partial class HelmRender : IDisposable
{
    public const string ReleaseName = "tailship";
    public const string Namespace = "logging";

    public static readonly string ChartDirectory = Path.Combine(RepoPaths.Root, "deploy", "helm", "tailship");

    private readonly TempDirectory _directory = new();
    private readonly Lazy<string> _tool;

    public HelmRender()
    {
        _tool = new Lazy<string>(Build);
    }

    /// <summary>Renders the chart with values.yaml merged with <paramref name="overrides"/>; fails on a template error.</summary>
    internal RenderedChart Render(string overrides = "")
    {
        var result = TryRender(overrides);
        Assert.True(result.ExitCode == 0, $"the chart does not render (exit {result.ExitCode}): {result.Stderr}");
        return RenderedChart.Parse(result.Stdout);
    }

    /// <summary>Runs the renderer: its exit code, its output and its error output.</summary>
    public (int ExitCode, string Stdout, string Stderr) TryRender(string overrides = "")
    {
        var values = Merge(ReadYaml(File.ReadAllText(Path.Combine(ChartDirectory, "values.yaml"))), ReadYaml(overrides));
        var valuesFile = Path.Combine(_directory.Path, $"values-{Guid.NewGuid():N}.json");
        File.WriteAllText(valuesFile, ToJson(values));
        try
        {
            return Run(_tool.Value, ["-chart", ChartDirectory, "-values", valuesFile, "-name", ReleaseName, "-namespace", Namespace], TimeSpan.FromMinutes(1));
        }
        finally
        {
            File.Delete(valuesFile);
        }
    }

    public void Dispose() => _directory.Dispose();

    private string Build()
    {
        var go = FindOnPath("go") ?? throw new InvalidOperationException(
            "`go` is not installed, and the Helm chart is rendered by tools/HelmRender (Go's text/template): run scripts/install-deps (it installs golang-go; CI runs it)");
        var tool = Path.Combine(_directory.Path, "helm-render");
        // Standard library only: nothing to download (GOPROXY=off keeps it so).
        var (exitCode, stdout, stderr) = Run(go, ["build", "-o", tool, "."], TimeSpan.FromMinutes(5), Path.Combine(RepoPaths.Root, "tools", "HelmRender"));
        Assert.True(exitCode == 0, $"go build of tools/HelmRender failed (exit {exitCode}): {stdout}{stderr}");
        return tool;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    private static (int ExitCode, string Stdout, string Stderr) Run(string file, string[] args, TimeSpan timeout, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["GOPROXY"] = "off";
        start.Environment["GOFLAGS"] = "-mod=mod";
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("HOME")) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GOCACHE")))
        {
            start.Environment["GOCACHE"] = Path.Combine(Path.GetTempPath(), "tailship-go-cache");
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeout}");
        }

        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    /// <summary>
    /// A YAML document as plain values: maps (Dictionary), lists, and scalars resolved by the YAML core schema as
    /// Helm reads values (plain null/~/empty, true/false, integers and floats; quoted scalars stay strings).
    /// </summary>
    internal static object? ReadYaml(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Count == 0 ? new Dictionary<string, object?>(StringComparer.Ordinal) : Convert(stream.Documents[0].RootNode);
    }

    private static object? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value ?? string.Empty, c => Convert(c.Value), StringComparer.Ordinal),
        YamlSequenceNode list => list.Children.Select(Convert).ToList(),
        YamlScalarNode { Style: ScalarStyle.Plain } scalar => Resolve(scalar.Value ?? string.Empty),
        YamlScalarNode scalar => scalar.Value ?? string.Empty,
        _ => throw new InvalidOperationException($"unexpected YAML node {node.NodeType}"),
    };

    private static object? Resolve(string plain)
    {
        if (plain is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (plain is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return plain[0] is 't' or 'T';
        }

        if (IntegerPattern().IsMatch(plain))
        {
            return long.Parse(plain, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }

        return FloatPattern().IsMatch(plain) ? double.Parse(plain, NumberStyles.Float, CultureInfo.InvariantCulture) : plain;
    }

    /// <summary>Deep merge as Helm merges a values file over the chart's: maps key by key, null deletes, the rest replaces.</summary>
    internal static object? Merge(object? baseValue, object? overrides)
    {
        if (baseValue is not Dictionary<string, object?> baseMap || overrides is not Dictionary<string, object?> overrideMap)
        {
            return overrides;
        }

        var merged = new Dictionary<string, object?>(baseMap, StringComparer.Ordinal);
        foreach (var (key, value) in overrideMap)
        {
            if (value is null)
            {
                merged.Remove(key);
            }
            else
            {
                merged[key] = merged.TryGetValue(key, out var existing) ? Merge(existing, value) : value;
            }
        }

        return merged;
    }

    internal static string ToJson(object? value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case Dictionary<string, object?> map:
                writer.WriteStartObject();
                foreach (var (key, item) in map)
                {
                    writer.WritePropertyName(key);
                    Write(writer, item);
                }

                writer.WriteEndObject();
                break;
            case List<object?> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new InvalidOperationException($"unexpected value {value.GetType()}");
        }
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}

/// <summary>The rendered chart: each template's objects, loaded in strict mode, with the template they came from.</summary>
internal sealed partial class RenderedChart
{
    private RenderedChart(IReadOnlyList<(string File, object Object)> objects, IReadOnlyDictionary<string, string> texts)
    {
        Objects = objects;
        Texts = texts;
    }

    /// <summary>Every object, with its template's file name (e.g. deployment.yaml).</summary>
    public IReadOnlyList<(string File, object Object)> Objects { get; }

    /// <summary>Each rendered template's text, by file name.</summary>
    public IReadOnlyDictionary<string, string> Texts { get; }

    public IReadOnlyList<Workload> Workloads => Manifests.WorkloadsOf(Objects);

    public IEnumerable<T> OfType<T>() => Objects.Select(o => o.Object).OfType<T>();

    public static RenderedChart Parse(string output)
    {
        var objects = new List<(string, object)>();
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var sources = SourceLine().Matches(output);
        Assert.NotEmpty(sources);
        Assert.StartsWith("---\n# Source: ", output, StringComparison.Ordinal);
        for (var i = 0; i < sources.Count; i++)
        {
            var start = sources[i].Index + sources[i].Length;
            var end = i + 1 < sources.Count ? sources[i + 1].Index : output.Length;
            var file = Path.GetFileName(sources[i].Groups[1].Value);
            var text = output[start..end];
            texts.Add(file, text);
            // Strict: a field the model does not know, or a value of the wrong type, is an exception.
            var parsed = Manifests.Parse(text);
            Assert.True(parsed.Count > 0, $"{file} rendered no object:\n{text}");
            objects.AddRange(parsed.Select(o => (file, o)));
        }

        return new RenderedChart(objects, texts);
    }

    [GeneratedRegex(@"^---\n# Source: tailship/templates/(\S+)\n", RegexOptions.Multiline)]
    private static partial Regex SourceLine();
}
