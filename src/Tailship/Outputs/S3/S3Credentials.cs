using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tailship.Outputs.S3;

/// <summary>An STS role to assume (<c>&lt;assume_role_credentials&gt;</c> or <c>&lt;web_identity_credentials&gt;</c>).</summary>
internal sealed record S3RoleSettings(
    string RoleArn,
    string RoleSessionName,
    string? WebIdentityTokenFile,
    string? Policy,
    int? DurationSeconds,
    string? ExternalId,
    string? StsRegion,
    string? StsHttpProxy,
    string? StsEndpointUrl);

/// <summary><c>&lt;instance_profile_credentials&gt;</c>.</summary>
internal sealed record S3InstanceProfileSettings(int? Retries, string? IpAddress, int? Port, TimeSpan? OpenTimeout, TimeSpan? ReadTimeout);

/// <summary>Every credential source the configuration names; <see cref="S3Credentials.Create"/> picks one.</summary>
internal sealed record S3CredentialSettings(
    string? AccessKeyId,
    string? SecretKey,
    string? SessionToken,
    string? Profile,
    string? CredentialProcess,
    S3RoleSettings? AssumeRole,
    S3RoleSettings? WebIdentity,
    S3InstanceProfileSettings? InstanceProfile,
    (string? Path, string? ProfileName)? SharedCredentials);

/// <summary>
/// Chooses the credentials provider in fluent-plugin-s3's order: <c>&lt;assume_role_credentials&gt;</c>,
/// <c>aws_key_id</c>/<c>aws_sec_key</c>, <c>aws_profile</c>, <c>aws_credential_process</c>,
/// <c>&lt;web_identity_credentials&gt;</c>, <c>&lt;instance_profile_credentials&gt;</c> (the container endpoint
/// instead when <c>AWS_CONTAINER_CREDENTIALS_RELATIVE_URI</c> or <c>_FULL_URI</c> is set: ECS, EKS Pod Identity),
/// <c>&lt;shared_credentials&gt;</c>, else the SDK's default chain. All are the SDK's own providers, which refresh
/// temporary credentials before they expire; none is contacted here, so a source that is not ready yet fails
/// the first request (reported and retried), never the start.
/// </summary>
internal static class S3Credentials
{
    /// <summary>The provider and a name for it that holds no secret (for logs).</summary>
    public static (AWSCredentials Credentials, string Source) Create(
        S3CredentialSettings s, string region, Func<string, string?> env, ILogger? logger = null, TimeProvider? time = null)
    {
        logger ??= NullLogger.Instance;
        time ??= TimeProvider.System;
        if (s.AssumeRole is { } role)
        {
            var (source, sourceName) = CreateBase(s with { AssumeRole = null }, env, logger, time);
            return (new StsRoleCredentials(role, source, region), $"assume_role_credentials {role.RoleArn} via {sourceName}");
        }

        return CreateBase(s, env, logger, time);
    }

    private static (AWSCredentials, string) CreateBase(S3CredentialSettings s, Func<string, string?> env, ILogger logger, TimeProvider time)
    {
        if (s.AccessKeyId is { Length: > 0 } id && s.SecretKey is { Length: > 0 } secret)
        {
            return s.SessionToken is { Length: > 0 } token
                ? (new SessionAWSCredentials(id, secret, token), "aws_key_id (session)")
                : (new BasicAWSCredentials(id, secret), "aws_key_id");
        }

        if (s.Profile is { } profile)
        {
            var name = $"aws_profile {profile}";
            return (new LazyCredentials(() => FromProfile(profile, null), name), name);
        }

        if (s.CredentialProcess is { } process)
        {
            return (new LazyCredentials(() => new ProcessAWSCredentials(process), "aws_credential_process"), "aws_credential_process");
        }

        if (s.WebIdentity is { } web)
        {
            return (new StsRoleCredentials(web, new AnonymousAWSCredentials(), null), $"web_identity_credentials {web.RoleArn}");
        }

        if (s.InstanceProfile is { } ip)
        {
            if (!string.IsNullOrEmpty(env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) || !string.IsNullOrEmpty(env("AWS_CONTAINER_CREDENTIALS_FULL_URI")))
            {
                const string container = "container credentials (ECS / EKS Pod Identity)";
                return (new LazyCredentials(() => new GenericContainerCredentials(), container), container);
            }

            if (string.Equals(env("AWS_EC2_METADATA_DISABLED")?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
            {
                // The SDK's switch for every use of the metadata service: honoured here too, as a clear error on each
                // upload (retried, nothing dropped) rather than a request the operator said not to make.
                const string disabled = "instance_profile_credentials";
                return (new LazyCredentials(() => throw new InvalidOperationException(
                    "AWS_EC2_METADATA_DISABLED is true, so the instance metadata service is not asked; unset it or configure another credential source"), disabled), disabled);
            }

            // Tailship's client of the metadata service, also for the seed's empty section: the SDK's provider (AWSSDK.Core
            // 4.0) has no IMDSv1 fallback (a refused token request, 403/404/405, failed every upload with "IMDS rejected
            // request to get API token"), and cannot take retries or timeouts (see ImdsCredentials).
            var endpoint = InstanceMetadataEndpoint(ip, env);
            var named = ip.Retries is not null || ip.OpenTimeout is not null || ip.ReadTimeout is not null
                ? $"instance_profile_credentials ({endpoint})"
                : "instance_profile_credentials";
            return (new ImdsCredentials(endpoint, ip, logger, time), named);
        }

        if (s.SharedCredentials is { } shared)
        {
            var profileName = shared.ProfileName ?? env("AWS_PROFILE") ?? "default";
            var name = $"shared_credentials {profileName}";
            return (new LazyCredentials(() => FromProfile(profileName, shared.Path), name), name);
        }

        return (new DefaultChainCredentials(), "the SDK's default chain");
    }

    /// <summary>
    /// The metadata service for <see cref="ImdsCredentials"/>: <c>ip_address</c>/<c>port</c> when given, else the SDK's
    /// variable <c>AWS_EC2_METADATA_SERVICE_ENDPOINT</c>, else 169.254.169.254:80.
    /// </summary>
    internal static Uri InstanceMetadataEndpoint(S3InstanceProfileSettings ip, Func<string, string?> env)
    {
        if (ip.IpAddress is null && ip.Port is null && env("AWS_EC2_METADATA_SERVICE_ENDPOINT") is { Length: > 0 } configured)
        {
            return new Uri(configured.EndsWith('/') ? configured : configured + "/");
        }

        var host = ip.IpAddress ?? "169.254.169.254";
        if (host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('['))
        {
            host = $"[{host}]";
        }

        return new Uri($"http://{host}:{ip.Port ?? 80}/");
    }

    private static AWSCredentials FromProfile(string profile, string? path)
    {
        var chain = path is null ? new CredentialProfileStoreChain() : new CredentialProfileStoreChain(path);
        return chain.TryGetAWSCredentials(profile, out var credentials)
            ? credentials
            : throw new InvalidOperationException($"profile '{profile}' was not found{(path is null ? string.Empty : $" in {path}")} or holds no usable credentials");
    }

    /// <summary>
    /// A provider made at first use and made again after a failure: several SDK providers contact their source
    /// in their constructor (the instance profile asks IMDS for the role), which must not fail the start.
    /// </summary>
    /// <remarks>
    /// A failure is rethrown as an <see cref="AmazonClientException"/> saying no credentials could be obtained and
    /// from where, so <see cref="S3Errors.Classify"/> names it <see cref="S3FailureCause.CredentialsUnavailable"/>:
    /// the SDK's providers throw what they like (the instance profile an <see cref="InvalidOperationException"/>
    /// "Unable to retrieve token for use in IMDSv2." when the service is down), which was reported as an
    /// unexpected error.
    /// </remarks>
    private sealed class LazyCredentials(Func<AWSCredentials> create, string source) : AWSCredentials
    {
        private readonly Lock _lock = new();
        private AWSCredentials? _inner;

        public override ImmutableCredentials GetCredentials()
        {
            try
            {
                return Inner().GetCredentials();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw Unavailable(e);
            }
        }

        public override async Task<ImmutableCredentials> GetCredentialsAsync()
        {
            try
            {
                // Constructors block on I/O: keep them off the caller's thread.
                var inner = await Task.Run(Inner).ConfigureAwait(false);
                return await inner.GetCredentialsAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw Unavailable(e);
            }
        }

        private AmazonClientException Unavailable(Exception e) => new($"no credentials could be obtained from {source}: {e.Message}", e);

        private AWSCredentials Inner()
        {
            lock (_lock)
            {
                return _inner ??= create();
            }
        }
    }

    /// <summary>The SDK's default chain, resolved at first use (so a chain not ready at start is retried later).</summary>
    private sealed class DefaultChainCredentials : AWSCredentials
    {
        public override ImmutableCredentials GetCredentials() => DefaultAWSCredentialsIdentityResolver.GetCredentials().GetCredentials();

        public override async Task<ImmutableCredentials> GetCredentialsAsync()
        {
            var credentials = await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync().ConfigureAwait(false);
            return await credentials.GetCredentialsAsync().ConfigureAwait(false);
        }
    }
}
