using System.Globalization;
using System.Net;
using System.Text.Json;
using Amazon.Runtime;
using Microsoft.Extensions.Logging;

namespace Tailship.Outputs.S3;

/// <summary>
/// Role credentials from the EC2 instance metadata service with <c>&lt;instance_profile_credentials&gt;</c>'s
/// <c>retries</c>, <c>http_open_timeout</c> and <c>http_read_timeout</c> honoured. The SDK's own provider has no
/// setting for any of them (its timeouts and attempts are fixed inside AWSSDK.Core, which also ignores
/// <c>AWS_METADATA_SERVICE_TIMEOUT</c> and <c>_NUM_ATTEMPTS</c>), so this speaks the documented protocol itself:
/// IMDSv2 (<c>PUT /latest/api/token</c>, then requests carrying the token), IMDSv1 when the token endpoint is absent
/// (404, 405) or forbidden (403), as the Ruby SDK under fluent-plugin-s3 does. Refresh before expiry is the SDK's
/// <see cref="RefreshingAWSCredentials"/>.
/// </summary>
/// <remarks>
/// Defaults for the parameters not given are the Ruby SDK v3's (what fluent-plugin-s3 runs on): 1 retry, 1 s to
/// connect, 1 s to read. <c>http_open_timeout</c> bounds the TCP connect; <c>http_read_timeout</c> bounds the wait
/// for the answer once the request is sent (.NET gives no per-read timeout on async streams, so it is applied to the
/// whole answer). Between attempts it waits 1.2^n seconds (n failures so far), as the Ruby SDK does.
/// </remarks>
internal sealed partial class ImdsCredentials : RefreshingAWSCredentials
{
    private const string TokenPath = "/latest/api/token";
    private const string RolesPath = "/latest/meta-data/iam/security-credentials/";
    private const string TokenHeader = "X-aws-ec2-metadata-token";
    private const string TokenTtlHeader = "X-aws-ec2-metadata-token-ttl-seconds";

    public static readonly TimeSpan DefaultOpenTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultReadTimeout = TimeSpan.FromSeconds(1);
    public const int DefaultRetries = 1;

    private readonly Uri _endpoint;
    private readonly int _retries;
    private readonly TimeSpan _readTimeout;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public ImdsCredentials(Uri endpoint, S3InstanceProfileSettings settings, ILogger logger, TimeProvider time)
    {
        _endpoint = endpoint;
        _retries = settings.Retries ?? DefaultRetries;
        OpenTimeout = settings.OpenTimeout ?? DefaultOpenTimeout;
        _readTimeout = settings.ReadTimeout ?? DefaultReadTimeout;
        _logger = logger;
        _time = time;

        // The metadata service is link-local: never through a proxy. The client lives as long as the output.
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = OpenTimeout, UseProxy = false, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        PreemptExpiryTime = TimeSpan.FromMinutes(5);
    }

    public TimeSpan OpenTimeout { get; }

    public Uri Endpoint => _endpoint;

    public int Retries => _retries;

    public TimeSpan ReadTimeout => _readTimeout;

    protected override CredentialsRefreshState GenerateNewCredentials() => GenerateNewCredentialsAsync().GetAwaiter().GetResult();

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        var attempts = _retries + 1;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await FetchAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ImdsException or HttpRequestException or IOException or TimeoutException or OperationCanceledException or JsonException)
            {
                var reason = Describe(ex);
                if (attempt >= attempts)
                {
                    LogGaveUp(_logger, _endpoint, attempts, reason);
                    throw new AmazonClientException($"instance metadata at {_endpoint}: no credentials after {attempts} attempts: {reason}", ex);
                }

                var delay = TimeSpan.FromSeconds(Math.Pow(1.2, attempt));
                LogRetrying(_logger, _endpoint, reason, attempt + 1, attempts, delay.TotalSeconds);
                await Task.Delay(delay, _time).ConfigureAwait(false);
            }
        }
    }

    private async Task<CredentialsRefreshState> FetchAsync()
    {
        var token = await FetchTokenAsync().ConfigureAwait(false);
        var roles = await GetStringAsync(HttpMethod.Get, RolesPath, token).ConfigureAwait(false);
        var role = roles.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
            ?? throw new ImdsException("no IAM role is attached to the instance");
        var body = await GetStringAsync(HttpMethod.Get, RolesPath + Uri.EscapeDataString(role), token).ConfigureAwait(false);
        return Parse(body);
    }

    /// <summary>The IMDSv2 token, or null to go on with IMDSv1 when the service has no token endpoint.</summary>
    private async Task<string?> FetchTokenAsync()
    {
        try
        {
            return await GetStringAsync(HttpMethod.Put, TokenPath, token: null).ConfigureAwait(false);
        }
        catch (ImdsException ex) when (ex.Status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed or HttpStatusCode.Forbidden)
        {
            return null;
        }
    }

    private async Task<string> GetStringAsync(HttpMethod method, string path, string? token)
    {
        using var request = new HttpRequestMessage(method, new Uri(_endpoint, path));
        if (method == HttpMethod.Put)
        {
            request.Headers.Add(TokenTtlHeader, "21600");
        }
        else if (token is not null)
        {
            request.Headers.Add(TokenHeader, token);
        }

        // Connect is bounded by the handler's ConnectTimeout; this bounds connect plus the wait for the answer.
        using var timeout = new CancellationTokenSource(OpenTimeout + _readTimeout, _time);
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? body : throw new ImdsException($"{method} {path} answered {(int)response.StatusCode}", response.StatusCode);
        }
        catch (OperationCanceledException ex)
        {
            // Nothing else cancels these requests: either the handler's connect timeout or ours fired.
            throw timeout.IsCancellationRequested
                ? new TimeoutException($"{method} {path} got no answer within http_read_timeout {Seconds(_readTimeout)} s", ex)
                : new TimeoutException($"{method} {path} could not connect within http_open_timeout {Seconds(OpenTimeout)} s", ex);
        }
    }

    /// <summary>The role's credentials document: <c>Code</c>, <c>AccessKeyId</c>, <c>SecretAccessKey</c>, <c>Token</c>, <c>Expiration</c>.</summary>
    internal static CredentialsRefreshState Parse(string body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        string? Field(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (Field("Code") is { } code && code != "Success")
        {
            throw new ImdsException($"the credentials document says {code}");
        }

        var key = Field("AccessKeyId");
        var secret = Field("SecretAccessKey");
        if (string.IsNullOrEmpty(key) || string.IsNullOrEmpty(secret))
        {
            throw new ImdsException("the credentials document has no AccessKeyId or SecretAccessKey");
        }

        var expiration = Field("Expiration") is { } text
            && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var when)
            ? when
            : DateTime.UtcNow.AddHours(1);
        return new CredentialsRefreshState(new ImmutableCredentials(key, secret, Field("Token") is { Length: > 0 } token ? token : null), expiration);
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>A reason for the log that holds no secret: the exception's own message (ours never include a body).</summary>
    private static string Describe(Exception ex) => ex switch
    {
        TimeoutException t => t.Message,
        OperationCanceledException => "the request was cancelled",
        JsonException => "the credentials document is not valid JSON",
        HttpRequestException h => $"the service could not be reached ({h.HttpRequestError})",
        _ => ex.Message,
    };

    [LoggerMessage(EventId = 5020, Level = LogLevel.Warning, Message = "instance metadata at {Endpoint}: {Reason}; retrying (attempt {Attempt} of {Attempts}) in {DelaySeconds:0.#} s")]
    private static partial void LogRetrying(ILogger logger, Uri endpoint, string reason, int attempt, int attempts, double delaySeconds);

    [LoggerMessage(EventId = 5021, Level = LogLevel.Warning, Message = "instance metadata at {Endpoint}: no credentials after {Attempts} attempts: {Reason}")]
    private static partial void LogGaveUp(ILogger logger, Uri endpoint, int attempts, string reason);

    /// <summary>The service answered, but not with what was asked for.</summary>
    private sealed class ImdsException : Exception
    {
        public ImdsException(string message, HttpStatusCode? status = null)
            : base(message)
        {
            Status = status;
        }

        public ImdsException()
        {
        }

        public ImdsException(string message, Exception inner)
            : base(message, inner)
        {
        }

        public HttpStatusCode? Status { get; }
    }
}
