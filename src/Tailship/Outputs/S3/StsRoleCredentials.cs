using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace Tailship.Outputs.S3;

/// <summary>
/// Credentials of an STS role: AssumeRole signed with <c>source</c>, or AssumeRoleWithWebIdentity with the token
/// read from its file at each refresh (EKS rotates it). Calls the STS client directly rather than the SDK's
/// AssumeRoleAWSCredentials, which finds the STS client by reflection (not safe under Native AOT).
/// Refreshed by the SDK's <see cref="RefreshingAWSCredentials"/> five minutes before expiry. The STS client lives
/// as long as the credentials (the output's lifetime).
/// </summary>
internal sealed class StsRoleCredentials : RefreshingAWSCredentials
{
    private readonly S3RoleSettings _role;
    private readonly AmazonSecurityTokenServiceClient _sts;

    public StsRoleCredentials(S3RoleSettings role, AWSCredentials source, string? defaultRegion)
    {
        _role = role;
        PreemptExpiryTime = TimeSpan.FromMinutes(5);
        var config = new AmazonSecurityTokenServiceConfig();
        var region = role.StsRegion ?? defaultRegion ?? Environment.GetEnvironmentVariable("AWS_REGION");
        if (region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        if (role.StsEndpointUrl is { } url)
        {
            config.ServiceURL = url;
            config.AuthenticationRegion = region;
        }

        if (role.StsHttpProxy is { } proxy)
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

        _sts = new AmazonSecurityTokenServiceClient(source, config);
    }

    protected override CredentialsRefreshState GenerateNewCredentials() => GenerateNewCredentialsAsync().GetAwaiter().GetResult();

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        Credentials credentials;
        if (_role.WebIdentityTokenFile is { } tokenFile)
        {
            var token = await System.IO.File.ReadAllTextAsync(tokenFile).ConfigureAwait(false);
            var response = await _sts.AssumeRoleWithWebIdentityAsync(new AssumeRoleWithWebIdentityRequest
            {
                RoleArn = _role.RoleArn,
                RoleSessionName = _role.RoleSessionName,
                WebIdentityToken = token.Trim(),
                Policy = _role.Policy,
                DurationSeconds = _role.DurationSeconds,
            }).ConfigureAwait(false);
            credentials = response.Credentials;
        }
        else
        {
            var response = await _sts.AssumeRoleAsync(new AssumeRoleRequest
            {
                RoleArn = _role.RoleArn,
                RoleSessionName = _role.RoleSessionName,
                Policy = _role.Policy,
                DurationSeconds = _role.DurationSeconds,
                ExternalId = _role.ExternalId,
            }).ConfigureAwait(false);
            credentials = response.Credentials;
        }

        return new CredentialsRefreshState(
            new ImmutableCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken),
            credentials.Expiration?.ToUniversalTime() ?? DateTime.UtcNow.AddHours(1));
    }
}
