using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Tailship.Tests.Hosting;

namespace Tailship.Tests.Demo;

/// <summary>
/// tools/ImdsStandIn, the program scripts/demo-seed runs in place of the EC2 instance metadata service: it must
/// speak IMDSv2 as the AWS SDKs do (token first, token on every request) and hand out the given keys.
/// </summary>
public sealed class ImdsStandInProgramTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TokenThenRoleThenCredentials_ServesGivenKeysWithFutureExpiration()
    {
        using var running = StartProgram();
        var endpoint = await ReadEndpointAsync(running.Process);
        using var http = new HttpClient { BaseAddress = endpoint, Timeout = Timeout };
        var ct = TestContext.Current.CancellationToken;

        using var tokenRequest = new HttpRequestMessage(HttpMethod.Put, "/latest/api/token");
        tokenRequest.Headers.Add("X-aws-ec2-metadata-token-ttl-seconds", "21600");
        using var tokenResponse = await http.SendAsync(tokenRequest, ct);
        Assert.Equal(HttpStatusCode.OK, tokenResponse.StatusCode);
        var token = await tokenResponse.Content.ReadAsStringAsync(ct);
        Assert.NotEmpty(token);

        var role = await GetAsync(http, "/latest/meta-data/iam/security-credentials/", token, HttpStatusCode.OK, ct);
        Assert.Equal("demo-role", role);

        var json = await GetAsync(http, "/latest/meta-data/iam/security-credentials/demo-role", token, HttpStatusCode.OK, ct);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal("Success", root.GetProperty("Code").GetString());
        Assert.Equal("AKDEMO", root.GetProperty("AccessKeyId").GetString());
        Assert.Equal("secret-demo", root.GetProperty("SecretAccessKey").GetString());
        var expiration = DateTimeOffset.Parse(root.GetProperty("Expiration").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(expiration > DateTimeOffset.UtcNow.AddHours(1), $"Expiration {expiration:O} is not well ahead");
    }

    [Fact]
    public async Task RequestWithoutToken_Unauthorized()
    {
        using var running = StartProgram();
        var endpoint = await ReadEndpointAsync(running.Process);
        using var http = new HttpClient { BaseAddress = endpoint, Timeout = Timeout };
        var ct = TestContext.Current.CancellationToken;

        await GetAsync(http, "/latest/meta-data/iam/security-credentials/", token: null, HttpStatusCode.Unauthorized, ct);
        await GetAsync(http, "/latest/meta-data/iam/security-credentials/", token: "wrong", HttpStatusCode.Unauthorized, ct);

        // A token PUT without the TTL header is malformed, as on EC2.
        using var bare = await http.PutAsync("/latest/api/token", content: null, ct);
        Assert.Equal(HttpStatusCode.BadRequest, bare.StatusCode);
    }

    [Fact]
    public async Task NoKeysInEnvironment_RefusesToStart()
    {
        using var running = StartProgram(withKeys: false);
        var program = running.Process;
        await program.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(2, program.ExitCode);
        Assert.Contains("IMDS_ACCESS_KEY_ID", await program.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    private static async Task<string> GetAsync(HttpClient http, string path, string? token, HttpStatusCode expected, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Add("X-aws-ec2-metadata-token", token);
        }

        using var response = await http.SendAsync(request, ct);
        Assert.Equal(expected, response.StatusCode);
        return await response.Content.ReadAsStringAsync(ct);
    }

    private static RunningProgram StartProgram(bool withKeys = true)
    {
        var exe = Path.Combine(RepoPaths.Root, "tools", "ImdsStandIn", "bin", RepoPaths.Configuration, "net10.0", "imds-stand-in");
        var start = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Remove("IMDS_ACCESS_KEY_ID");
        start.Environment.Remove("IMDS_SECRET_ACCESS_KEY");
        start.Environment["IMDS_ROLE"] = "demo-role";
        if (withKeys)
        {
            start.Environment["IMDS_ACCESS_KEY_ID"] = "AKDEMO";
            start.Environment["IMDS_SECRET_ACCESS_KEY"] = "secret-demo";
        }

        return new RunningProgram(Process.Start(start) ?? throw new InvalidOperationException($"could not start {exe}"));
    }

    private static async Task<Uri> ReadEndpointAsync(Process program)
    {
        var line = await program.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Timeout, TestContext.Current.CancellationToken);
        const string prefix = "listening on ";
        Assert.True(line is not null && line.StartsWith(prefix, StringComparison.Ordinal), $"first line was '{line}'");
        return new Uri(line[prefix.Length..]);
    }

    /// <summary>The program, killed when the test ends whatever its outcome.</summary>
    private sealed class RunningProgram(Process process) : IDisposable
    {
        public Process Process { get; } = process;

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill();
                Process.WaitForExit();
            }

            Process.Dispose();
        }
    }
}
