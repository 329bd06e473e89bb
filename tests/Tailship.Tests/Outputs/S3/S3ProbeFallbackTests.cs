using Amazon.S3;
using Amazon.S3.Model;
using Tailship.Buffers;
using Tailship.Events;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Outputs.S3;

/// <summary>
/// Without a local index record, <c>check_object</c> probes the bucket for taken keys by listing them; where a policy
/// denies <c>s3:ListBucket</c>, it falls back to HEAD and still finds the next free index.
/// </summary>
[Collection(S3ServerCollection.Name)]
public sealed class S3ProbeFallbackTests(S3ServerFixture server)
{
    private static readonly ChunkMetadata SliceMetadata = new(null, S3OutputHarness.Slice, new Dictionary<string, string>());

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListingDenied_ProbesWithHeadAndTakesTheNextIndex()
    {
        var bucket = await server.CreateBucketAsync("nolist", Token);
        var options = S3OutputHarness.Options(S3OutputHarness.Seed(server, bucket));
        await using (var output = S3OutputHarness.Build(options, S3OutputHarness.TempDirectory()))
        {
            await output.WriteAsync(Lines(output, 2), Token);
            await output.WriteAsync(Lines(output, 2), Token);
        }

        using var client = server.CreateClient();
        await client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = DenyListing(bucket) }, Token);
        try
        {
            // The policy really denies the listing (else this test would not reach the HEAD path).
            var denied = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
                client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "logs/", MaxKeys = 1 }, Token));
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, denied.StatusCode);

            // A fresh buffer directory: no record, so the probe must find _0 and _1 taken, by HEAD.
            await using var output = S3OutputHarness.Build(options, S3OutputHarness.TempDirectory());
            await output.WriteAsync(Lines(output, 3), Token);
        }
        finally
        {
            await client.DeleteBucketPolicyAsync(new DeleteBucketPolicyRequest { BucketName = bucket }, Token);
        }

        var list = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }, Token);
        Assert.Equal(
            ["logs/202611260120_0.txt", "logs/202611260120_1.txt", "logs/202611260120_2.txt"],
            (list.S3Objects ?? []).Select(o => o.Key).Order(StringComparer.Ordinal));
        using var third = await client.GetObjectAsync(bucket, "logs/202611260120_2.txt", Token);
        using var reader = new StreamReader(third.ResponseStream);
        Assert.Equal(3, (await reader.ReadToEndAsync(Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    private static string DenyListing(string bucket) => $$"""
        {
          "Version": "2012-10-17",
          "Statement": [{
            "Effect": "Deny",
            "Principal": {"AWS": ["*"]},
            "Action": ["s3:ListBucket"],
            "Resource": ["arn:aws:s3:::{{bucket}}"]
          }]
        }
        """;

    private static TestChunk Lines(IBufferedOutput output, int count) =>
        TestChunk.Of(output, SliceMetadata, "t", EventTime.FromSeconds(S3OutputHarness.Slice), Enumerable.Range(0, count).Select(i => $"line {i}"));
}
