using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace Tailship.Outputs.S3;

/// <summary>
/// Builds the S3 client. The endpoint is <c>s3_endpoint</c>, else the SDK's standard variables
/// <c>AWS_ENDPOINT_URL_S3</c> then <c>AWS_ENDPOINT_URL</c>, else AWS's endpoint of the region; so a config written
/// for AWS runs unchanged against a local server given by the environment. Checksums are computed only when an
/// operation requires them and bodies are never <c>aws-chunked</c>: what S3-compatible servers accept.
/// </summary>
internal static class S3ClientFactory
{
    /// <summary>
    /// The SDK's <c>BufferSize</c>: it sends a request body through a <c>StreamContent</c> copy loop with buffers of this
    /// size, one socket write each. Its default, 8 KiB, made about 1,000 <c>sendto</c> calls per 8 MiB object; 256 KiB
    /// makes 32, for one pooled 256 KiB buffer per request in flight (1 MiB saved no measurable CPU more, and cost
    /// peak RSS; docs/s3.md, "Upload cost").
    /// </summary>
    internal const int BodyBufferSize = 256 << 10;

    /// <summary>Whether requests go over HTTPS: to an https endpoint, or to AWS's own (always HTTPS unless UseHttp).</summary>
    public static bool UsesHttps(IClientConfig config) =>
        config.ServiceURL is { } url
            ? url.StartsWith("https:", StringComparison.OrdinalIgnoreCase)
            : !config.UseHttp;

    public static string ResolveRegion(S3ConnectionSettings c, Func<string, string?> env) =>
        c.Region ?? env("AWS_REGION") ?? env("AWS_DEFAULT_REGION") ?? "us-east-1";

    public static string? ResolveEndpoint(S3ConnectionSettings c, Func<string, string?> env) =>
        c.Endpoint ?? NonEmpty(env("AWS_ENDPOINT_URL_S3")) ?? NonEmpty(env("AWS_ENDPOINT_URL"));

    public static AmazonS3Client Create(S3ConnectionSettings c, AWSCredentials credentials, Func<string, string?> env)
    {
        var region = ResolveRegion(c, env);
        var endpoint = ResolveEndpoint(c, env);
        var config = new AmazonS3Config
        {
            ForcePathStyle = c.ForcePathStyle,
            UseAccelerateEndpoint = c.TransferAcceleration,
            UseDualstackEndpoint = c.DualStack,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = 2,
            Timeout = TimeSpan.FromSeconds(60),
            BufferSize = BodyBufferSize,
        };
        if (endpoint is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        else
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = region;

            // Virtual-host addressing needs DNS names per bucket: an IP address or localhost cannot have them.
            if (Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || uri.IsLoopback))
            {
                config.ForcePathStyle = true;
            }
        }

        if (c.ProxyUri is { } proxy)
        {
            var uri = new Uri(proxy);
            config.ProxyHost = uri.Host;
            config.ProxyPort = uri.Port;
            if (!string.IsNullOrEmpty(uri.UserInfo))
            {
                var parts = uri.UserInfo.Split(':', 2);
                config.ProxyCredentials = new NetworkCredential(Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : string.Empty);
            }
        }

        if (!c.SslVerifyPeer || c.SslCaBundle is not null)
        {
            config.HttpClientFactory = new TlsHttpClientFactory(c.SslVerifyPeer, c.SslCaBundle);
        }

        return new AmazonS3Client(credentials, config);
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    /// <summary><c>ssl_verify_peer false</c> or <c>ssl_ca_bundle</c>: a handler with its own certificate check.</summary>
    private sealed class TlsHttpClientFactory(bool verify, string? caBundle) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig)
        {
            X509Certificate2Collection? roots = null;
            if (caBundle is not null)
            {
                roots = [];
                roots.ImportFromPemFile(caBundle);
            }

            var handler = new SocketsHttpHandler
            {
                SslOptions = new SslClientAuthenticationOptions
                {
                    RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                    {
                        if (!verify || errors == SslPolicyErrors.None)
                        {
                            return true;
                        }

                        if (roots is null || certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
                        {
                            return false;
                        }

                        using var custom = new X509Chain();
                        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                        custom.ChainPolicy.CustomTrustStore.AddRange(roots);
                        return custom.Build(new X509Certificate2(certificate));
                    },
                },
            };
            if (clientConfig.GetWebProxy() is { } proxy)
            {
                handler.Proxy = proxy;
            }

            // The request timeout (ClientConfig.Timeout), as the SDK's own client applies it. Infinite before: a server
            // that accepted the connection and never answered held the upload, and its flush thread, for ever.
            return new HttpClient(handler) { Timeout = clientConfig.Timeout ?? TimeSpan.FromSeconds(100) };
        }

        // Cached by the SDK, per S3 client (GetConfigUniqueString null), and disposed with it. Without the cache the
        // SDK asked for a new HttpClient for every request: a new connection and TLS handshake per upload, and
        // handlers left for the finalizer.
        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

        public override string? GetConfigUniqueString(IClientConfig clientConfig) => null;
    }
}
