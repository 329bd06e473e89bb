using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Tailship.Tools.ImdsStandIn;

// A stand-in for the EC2 instance metadata service on 127.0.0.1, for scripts/demo-seed: it hands out the
// credentials given in the environment (the local S3 server's keys) as an instance role's, so a config with
// <instance_profile_credentials> really goes through the metadata protocol (IMDSv2 token, role listing,
// credentials JSON). Not a security boundary: it binds loopback only and serves one fixed role.
//
//   imds-stand-in [--port N] [--port-file FILE]
//   environment: IMDS_ACCESS_KEY_ID, IMDS_SECRET_ACCESS_KEY (required), IMDS_ROLE (tailship-demo-role)
//
// It prints "listening on http://127.0.0.1:PORT" once ready (and writes PORT to --port-file), logs one line
// per request to stderr, and stops on SIGTERM or Ctrl-C.
var port = 0;
string? portFile = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--port" when i + 1 < args.Length:
            port = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--port-file" when i + 1 < args.Length:
            portFile = args[++i];
            break;
        default:
            await Console.Error.WriteLineAsync("usage: imds-stand-in [--port N] [--port-file FILE]");
            return 2;
    }
}

var accessKey = Environment.GetEnvironmentVariable("IMDS_ACCESS_KEY_ID");
var secretKey = Environment.GetEnvironmentVariable("IMDS_SECRET_ACCESS_KEY");
if (string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(secretKey))
{
    await Console.Error.WriteLineAsync("imds-stand-in: set IMDS_ACCESS_KEY_ID and IMDS_SECRET_ACCESS_KEY");
    return 2;
}

var role = Environment.GetEnvironmentVariable("IMDS_ROLE") is { Length: > 0 } r ? r : "tailship-demo-role";
var service = new MetadataService(role, accessKey, secretKey, TimeProvider.System);
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM,
    c =>
    {
        c.Cancel = true;
        stop.Cancel();
    });

var listener = new TcpListener(IPAddress.Loopback, port);
listener.Start();
var bound = ((IPEndPoint)listener.LocalEndpoint).Port;
if (portFile is not null)
{
    // Written then renamed, so a reader polling for the file never sees it half-written.
    await File.WriteAllTextAsync(portFile + ".tmp", bound.ToString(CultureInfo.InvariantCulture) + "\n");
    File.Move(portFile + ".tmp", portFile, overwrite: true);
}

Console.WriteLine($"listening on http://127.0.0.1:{bound}");
await new HttpLoop(listener, service.Answer).RunAsync(stop.Token);
return 0;
