using Tailship.Config;
using Tailship.Outputs.S3;
using Tailship.Plugins;
using Tailship.Tests.TestSupport;
using Tailship.Text;

namespace Tailship.Tests.Outputs.S3;

/// <summary>Binds an <c>@type s3</c> section through the real registry and builds the output against the local server.</summary>
internal static class S3OutputHarness
{
    /// <summary>2026-11-26T01:20:00Z, the start of a one-minute time slice.</summary>
    public static readonly long Slice = 1795656000;

    public static (S3OutputOptions? Options, DiagnosticBag Diagnostics) Bind(params object[] items)
    {
        var section = Conf.Section("match", "**", [("@type", "s3"), .. items]);
        var diagnostics = new DiagnosticBag();
        var bound = new ConfigBinder(BuiltinPlugins.CreateRegistry()).BindPlugin(PluginKind.Output, section, diagnostics);
        return (bound?.Options as S3OutputOptions, diagnostics);
    }

    public static S3OutputOptions Options(params object[] items)
    {
        var (options, diagnostics) = Bind(items);
        return options ?? throw new InvalidOperationException(string.Join("\n", diagnostics.Items));
    }

    /// <summary>The seed's parameters with the test server's bucket, endpoint and keys.</summary>
    public static object[] Seed(S3ServerFixture server, string bucket, params object[] more) =>
    [
        ("s3_bucket", bucket),
        ("s3_region", "us-west-2"),
        ("s3_endpoint", server.Endpoint.ToString()),
        ("aws_key_id", server.AccessKey),
        ("aws_sec_key", server.SecretKey),
        ("path", "logs/"),
        ("store_as", "text"),
        ("time_slice_format", "%Y%m%d%H%M"),
        .. more,
    ];

    /// <summary>Builds the output with the buffer's settings a one-minute timekey in UTC would give.</summary>
    public static S3Output Build(S3OutputOptions options, string? stateDirectory, ListLoggerFactory? logs = null, IReadOnlyDictionary<string, string>? env = null)
    {
        var ctx = new PluginContext(BuiltinPlugins.CreateRegistry()) { PluginId = "s3-test", LoggerFactory = logs ?? new ListLoggerFactory(), Hostname = "testhost" };
        options = options with { StateDirectory = stateDirectory, SliceZone = TimeZoneSpec.Utc, TimekeySeconds = 60 };
        return S3Output.Create(options, ctx, name => env is null ? null : env.GetValueOrDefault(name));
    }

    public static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "tailship-s3-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
