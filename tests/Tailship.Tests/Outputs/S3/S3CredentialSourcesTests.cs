using System.Net;
using System.Net.Sockets;
using Tailship.Outputs.S3;

namespace Tailship.Tests.Outputs.S3;

public sealed class S3CredentialSourcesTests
{
    private static readonly S3CredentialSettings None = new(null, null, null, null, null, null, null, null, null);

    [Fact]
    public async Task SdkInstanceProfile_ServiceDown_CredentialsUnavailable()
    {
        var free = FreePort();
        var settings = None with { InstanceProfile = new S3InstanceProfileSettings(null, "127.0.0.1", free, null, null) };
        var (credentials, _) = S3Credentials.Create(settings, "us-east-1", _ => null);

        var error = await Assert.ThrowsAnyAsync<Exception>(credentials.GetCredentialsAsync);

        var chain = string.Join(" <- ", Chain(error).Select(e => $"{e.GetType().FullName}: {e.Message}"));
        Assert.True(S3Errors.Classify(error, "PutObject", "b").Cause == S3FailureCause.CredentialsUnavailable, chain);
    }

    private static IEnumerable<Exception> Chain(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
