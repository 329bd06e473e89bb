using System.Collections.Concurrent;
using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Tailship.Tests.TestSupport;

/// <summary>
/// The local S3 server (Ceph's RADOS Gateway on 127.0.0.1, see docs/s3-server.md), started once per
/// test run by <c>scripts/s3-server up</c>. The server is left running afterwards: the next run finds
/// it up in milliseconds; <c>scripts/s3-server down</c> stops it.
/// </summary>
/// <remarks>
/// Test classes that need it join <see cref="S3ServerCollection"/>. A collection fixture, not an
/// assembly fixture, so runs that select only unit tests never start Ceph. When the server cannot be
/// started the tests fail with the script's message; they are never skipped, because a skipped S3
/// test would hide exactly the bugs it exists to catch.
/// </remarks>
public sealed class S3ServerFixture : IAsyncLifetime
{
    /// <summary>How long `up` may take: the first start takes about 5 s, but `up` may wait for another run's.</summary>
    private static readonly TimeSpan UpTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Buckets made by <see cref="CreateBucketAsync"/>, emptied and deleted when the collection ends.</summary>
    private readonly ConcurrentQueue<string> _buckets = new();

    private string? _accessKey;
    private string? _secretKey;
    private string? _region;
    private Uri? _endpoint;
    private Uri? _tlsEndpoint;
    private string? _caBundle;

    /// <summary>The S3 endpoint, e.g. <c>http://127.0.0.1:7480</c>.</summary>
    public Uri Endpoint => _endpoint ?? throw NotStarted();

    /// <summary>The same server over HTTPS, e.g. <c>https://127.0.0.1:7443</c>, with a self-signed certificate.</summary>
    public Uri TlsEndpoint => _tlsEndpoint ?? throw NotStarted();

    /// <summary>The PEM certificate that verifies <see cref="TlsEndpoint"/> (for <c>ssl_ca_bundle</c>).</summary>
    public string CaBundle => _caBundle ?? throw NotStarted();

    public string AccessKey => _accessKey ?? throw NotStarted();

    public string SecretKey => _secretKey ?? throw NotStarted();

    public string Region => _region ?? throw NotStarted();

    public async ValueTask InitializeAsync()
    {
        var script = Path.Combine(RepositoryRoot.Find(), "scripts", "s3-server");
        var exports = EnvExports.Parse(await RunScriptAsync(script, "up"));
        _accessKey = exports.Required("AWS_ACCESS_KEY_ID");
        _secretKey = exports.Required("AWS_SECRET_ACCESS_KEY");
        _region = exports.Required("AWS_REGION");
        _endpoint = new Uri(exports.Required("AWS_ENDPOINT_URL_S3"));
        _tlsEndpoint = new Uri(exports.Required("TAILSHIP_S3_TLS_ENDPOINT"));
        _caBundle = exports.Required("TAILSHIP_S3_CA_BUNDLE");
    }

    /// <summary>
    /// Empties and deletes the buckets this run made. The server keeps objects in memory (memstore, 4 GiB by
    /// default), so a long-lived dev server filled by many runs would start refusing every write.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_endpoint is null)
        {
            return;
        }

        using var client = CreateClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (_buckets.TryDequeue(out var bucket))
        {
            try
            {
                await DeleteBucketAsync(client, bucket, timeout.Token);
            }
            catch (Exception e) when (e is AmazonServiceException or HttpRequestException or OperationCanceledException)
            {
                // Cleanup must not fail the run whose tests passed; say what was left behind.
                await Console.Error.WriteLineAsync($"S3ServerFixture: could not delete bucket {bucket}: {e.Message}");
            }
        }
    }

    /// <summary>
    /// A client configured the way Ceph 16 needs (see REFERENCE.md): path-style addressing, checksums
    /// only when an operation requires them. Callers must also set <c>UseChunkEncoding = false</c> on
    /// PutObject and UploadPart. <paramref name="secretKey"/> overrides the secret, to test rejection.
    /// </summary>
    public AmazonS3Client CreateClient(string? secretKey = null)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = Region,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            MaxErrorRetry = 0,
        };
        return new AmazonS3Client(new BasicAWSCredentials(AccessKey, secretKey ?? SecretKey), config);
    }

    /// <summary>The bucket's object keys, sorted ordinally.</summary>
    public async Task<List<string>> KeysAsync(string bucket, CancellationToken cancellationToken)
    {
        using var client = CreateClient();
        var list = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }, cancellationToken);
        return [.. (list.S3Objects ?? []).Select(o => o.Key).Order(StringComparer.Ordinal)];
    }

    /// <summary>An object's bytes as stored.</summary>
    public async Task<byte[]> DownloadAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        using var client = CreateClient();
        using var response = await client.GetObjectAsync(bucket, key, cancellationToken);
        using var memory = new MemoryStream();
        await response.ResponseStream.CopyToAsync(memory, cancellationToken);
        return memory.ToArray();
    }

    /// <summary>Creates a bucket with a unique name, deleted with its objects when the collection ends.</summary>
    public async Task<string> CreateBucketAsync(string prefix, CancellationToken cancellationToken)
    {
        var name = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)].ToLowerInvariant();
        using var client = CreateClient();
        await client.PutBucketAsync(new PutBucketRequest { BucketName = name }, cancellationToken);
        _buckets.Enqueue(name);
        return name;
    }

    private static async Task DeleteBucketAsync(AmazonS3Client client, string bucket, CancellationToken cancellationToken)
    {
        var uploads = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket }, cancellationToken);
        foreach (var upload in uploads.MultipartUploads ?? [])
        {
            await client.AbortMultipartUploadAsync(bucket, upload.Key, upload.UploadId, cancellationToken);
        }

        var request = new ListObjectsV2Request { BucketName = bucket };
        ListObjectsV2Response page;
        do
        {
            page = await client.ListObjectsV2Async(request, cancellationToken);
            foreach (var entry in page.S3Objects ?? [])
            {
                await client.DeleteObjectAsync(bucket, entry.Key, cancellationToken);
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);

        await client.DeleteBucketAsync(bucket, cancellationToken);
    }

    private static async Task<string> RunScriptAsync(string script, string command)
    {
        var startInfo = new ProcessStartInfo("bash")
        {
            ArgumentList = { script, command },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"could not start bash {script} {command}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(UpTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} {command} did not finish within {UpTimeout}");
        }

        var output = await stdout;
        var errors = await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{script} {command} exited with {process.ExitCode}:\n{errors}\n{output}");
        }

        return output;
    }

    private static InvalidOperationException NotStarted() =>
        new("the S3 server fixture has not been initialized");
}
