using Tailship.Outputs.S3;

namespace Tailship.Tests.Outputs.S3;

/// <summary>The source chosen follows fluent-plugin-s3's order; choosing contacts nothing.</summary>
public sealed class S3CredentialsTests
{
    private static readonly S3RoleSettings Role = new("arn:aws:iam::123456789012:role/r", "s", null, null, null, null, "us-east-1", null, "http://127.0.0.1:9");
    private static readonly S3CredentialSettings None = new(null, null, null, null, null, null, null, null, null);

    [Fact]
    public void Order_FollowsFluentPluginS3()
    {
        var all = None with
        {
            AccessKeyId = "AKIDEXAMPLE",
            SecretKey = "secret",
            Profile = "p",
            CredentialProcess = "/bin/false",
            AssumeRole = Role,
            WebIdentity = Role with { WebIdentityTokenFile = "/nonexistent" },
            InstanceProfile = new S3InstanceProfileSettings(null, null, null, null, null),
            SharedCredentials = (null, "x"),
        };

        Assert.StartsWith("assume_role_credentials", Source(all), StringComparison.Ordinal);
        Assert.EndsWith("via aws_key_id", Source(all), StringComparison.Ordinal);
        Assert.Equal("aws_key_id", Source(all with { AssumeRole = null }));
        Assert.Equal("aws_profile p", Source(all with { AssumeRole = null, AccessKeyId = null, SecretKey = null }));
        Assert.Equal("aws_credential_process", Source(all with { AssumeRole = null, AccessKeyId = null, SecretKey = null, Profile = null }));
        var noProcess = all with { AssumeRole = null, AccessKeyId = null, SecretKey = null, Profile = null, CredentialProcess = null };
        Assert.StartsWith("web_identity_credentials", Source(noProcess), StringComparison.Ordinal);
        Assert.Equal("instance_profile_credentials", Source(noProcess with { WebIdentity = null }));
        Assert.Equal("shared_credentials x", Source(noProcess with { WebIdentity = null, InstanceProfile = null }));
        Assert.Equal("the SDK's default chain", Source(None));
    }

    [Fact]
    public void SessionToken_UsedWithKeys()
    {
        var (credentials, source) = S3Credentials.Create(None with { AccessKeyId = "AKID", SecretKey = "sk", SessionToken = "tok" }, "us-east-1", _ => null);
        Assert.Equal("aws_key_id (session)", source);
        Assert.Equal("tok", credentials.GetCredentials().Token);
    }

    [Theory]
    [InlineData("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")]
    [InlineData("AWS_CONTAINER_CREDENTIALS_FULL_URI")]
    public void InstanceProfile_InContainer_UsesContainerEndpoint(string variable)
    {
        var settings = None with { InstanceProfile = new S3InstanceProfileSettings(null, null, null, null, null) };
        var (_, source) = S3Credentials.Create(settings, "us-east-1", name => name == variable ? "/v2/credentials/x" : null);
        Assert.StartsWith("container credentials", source, StringComparison.Ordinal);
    }

    private static string Source(S3CredentialSettings settings) => S3Credentials.Create(settings, "us-east-1", _ => null).Source;
}
