using Amazon.S3;
using Amazon.S3.Model;
using Tailship.Buffers;
using Tailship.Events;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Outputs.S3;

/// <summary>The object settings of the configuration as the server stored them, read back from Ceph.</summary>
[Collection(S3ServerCollection.Name)]
public sealed class S3ObjectSettingsServerTests(S3ServerFixture server)
{
    private static readonly ChunkMetadata SliceMetadata = new(null, S3OutputHarness.Slice, new Dictionary<string, string>());

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Tagging_StoredAsTags()
    {
        var bucket = await server.CreateBucketAsync("tags", Token);
        var key = await UploadAsync(bucket, ("tagging", "team=logs&env=prod+eu&path=a%2Fb"));

        using var client = server.CreateClient();
        var tags = await client.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = key }, Token);

        Assert.Equal(
            [("env", "prod eu"), ("path", "a/b"), ("team", "logs")],
            tags.Tagging.Select(t => (t.Key, t.Value)).Order());
    }

    [Fact]
    public async Task CannedAcl_PublicRead_GrantsAllUsersRead()
    {
        var bucket = await server.CreateBucketAsync("acl", Token);
        var key = await UploadAsync(bucket, ("acl", "public-read"));

        using var client = server.CreateClient();
        var acl = await client.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = key }, Token);

        Assert.Contains(acl.Grants, g => g.Permission == S3Permission.READ && g.Grantee.URI == "http://acs.amazonaws.com/groups/global/AllUsers");
        Assert.Contains(acl.Grants, g => g.Permission == S3Permission.FULL_CONTROL);
    }

    [Fact]
    public async Task GrantRead_GrantsTheGroup()
    {
        var bucket = await server.CreateBucketAsync("grant", Token);
        var key = await UploadAsync(bucket, ("grant_read", "uri=\"http://acs.amazonaws.com/groups/global/AuthenticatedUsers\""));

        using var client = server.CreateClient();
        var acl = await client.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = key }, Token);

        Assert.Contains(acl.Grants, g => g.Permission == S3Permission.READ && g.Grantee.URI == "http://acs.amazonaws.com/groups/global/AuthenticatedUsers");
    }

    [Fact]
    public async Task NoAcl_OnlyTheOwner()
    {
        var bucket = await server.CreateBucketAsync("noacl", Token);
        var key = await UploadAsync(bucket);

        using var client = server.CreateClient();
        var acl = await client.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = key }, Token);

        var grant = Assert.Single(acl.Grants);
        Assert.Equal(S3Permission.FULL_CONTROL, grant.Permission);
    }

    [Fact]
    public async Task StorageClass_Standard_ReportedByTheServer()
    {
        var bucket = await server.CreateBucketAsync("class", Token);
        await UploadAsync(bucket, ("storage_class", "STANDARD"));

        using var client = server.CreateClient();
        var list = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }, Token);

        Assert.Equal("STANDARD", Assert.Single(list.S3Objects).StorageClass?.Value);
    }

    [Fact]
    public async Task StorageClass_UnknownToTheServer_RefusedAsBadRequest()
    {
        // The local radosgw has no placement for STANDARD_IA: the header is sent, and refused as an invalid argument.
        var bucket = await server.CreateBucketAsync("classia", Token);

        var error = await Assert.ThrowsAsync<Tailship.Outputs.S3.S3OutputException>(() => UploadAsync(bucket, ("storage_class", "STANDARD_IA")));

        Assert.Equal(Tailship.Outputs.S3.S3FailureCause.BadRequest, error.Cause);
        Assert.Contains("[InvalidArgument]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text", "text/plain")]
    [InlineData("json", "application/json")]
    [InlineData("gzip", "application/x-gzip")]
    [InlineData("zstd", "application/x-zst")]
    public async Task ContentType_PerStoreAs(string storeAs, string contentType)
    {
        var bucket = await server.CreateBucketAsync("ctype", Token);
        var key = await UploadAsync(bucket, ("store_as", storeAs));

        using var client = server.CreateClient();
        var head = await client.GetObjectMetadataAsync(bucket, key, Token);

        Assert.Equal(contentType, head.Headers.ContentType);
    }

    private async Task<string> UploadAsync(string bucket, params object[] settings)
    {
        await using var output = S3OutputHarness.Build(S3OutputHarness.Options(S3OutputHarness.Seed(server, bucket, settings)), null);
        var chunk = TestChunk.Of(output, SliceMetadata, "t", EventTime.FromSeconds(S3OutputHarness.Slice), ["line 0", "line 1"]);
        await output.WriteAsync(chunk, Token);
        return chunk.GetAnnotation(Tailship.Outputs.S3.S3Output.KeyAnnotation)!;
    }
}
