using Amazon.Runtime.Internal;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Model.Internal.MarshallTransformations;
using Tailship.Outputs.S3;

namespace Tailship.Tests.Outputs.S3;

public sealed class S3UploadRequestTests
{
    private static readonly string CustomerKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private static readonly S3ObjectSettings Settings = new(
        StorageClass: "STANDARD_IA",
        Acl: "bucket-owner-full-control",
        GrantFullControl: "id=full",
        GrantRead: "id=read",
        GrantReadAcp: "id=readacp",
        GrantWriteAcp: "id=writeacp",
        ServerSideEncryption: "aws:kms",
        SseKmsKeyId: "kms-key-1",
        SseCustomerAlgorithm: "AES256",
        SseCustomerKey: CustomerKey,
        SseCustomerKeyMd5: null,
        Tagging: "team=log+shipping&cost%26center=a%2Fb&flag",
        Metadata: new Dictionary<string, string>(),
        ChecksumAlgorithm: null);

    [Fact]
    public void PutObject_SameHeadersAsTheSdkPropertiesWrite()
    {
        var request = new S3UploadRequest("bucket-1", "key", "text/plain", Settings, new Dictionary<string, string> { ["origin"] = "tailship" });
        var viaHeaders = NewPut();
        request.ApplyObjectSettings(viaHeaders.Headers, viaHeaders.Metadata);

        Assert.Equal(Headers(new PutObjectRequestMarshaller().Marshall(WithProperties(NewPut()))), Headers(new PutObjectRequestMarshaller().Marshall(viaHeaders)));
    }

    [Fact]
    public void InitiateMultipartUpload_SameObjectHeadersAsPutObject()
    {
        var request = new S3UploadRequest("bucket-1", "key", "text/plain", Settings, new Dictionary<string, string> { ["origin"] = "tailship" });
        var put = NewPut();
        request.ApplyObjectSettings(put.Headers, put.Metadata);
        var initiate = new InitiateMultipartUploadRequest { BucketName = "bucket-1", Key = "key" };
        request.ApplyObjectSettings(initiate.Headers, initiate.Metadata);

        var expected = Headers(new PutObjectRequestMarshaller().Marshall(put));
        var actual = Headers(new InitiateMultipartUploadRequestMarshaller().Marshall(initiate));
        Assert.Equal(expected.Where(h => h.Key.StartsWith("x-amz-", StringComparison.Ordinal) || h.Key == "Content-Type"), actual.Where(h => h.Key.StartsWith("x-amz-", StringComparison.Ordinal) || h.Key == "Content-Type"));
        Assert.Contains(actual, h => h.Key == "x-amz-meta-origin" && h.Value == "tailship");
        Assert.Contains(actual, h => h.Key == "x-amz-server-side-encryption-customer-key-MD5");
    }

    private static PutObjectRequest NewPut() => new() { BucketName = "bucket-1", Key = "key", ContentBody = "line\n" };

    // The object settings as typed SDK properties: what the SDK writes for them is the reference.
    private static PutObjectRequest WithProperties(PutObjectRequest r)
    {
        r.ContentType = "text/plain";
        r.StorageClass = new S3StorageClass(Settings.StorageClass);
        r.CannedACL = new S3CannedACL(Settings.Acl);
        r.ServerSideEncryptionMethod = new ServerSideEncryptionMethod(Settings.ServerSideEncryption);
        r.ServerSideEncryptionKeyManagementServiceKeyId = Settings.SseKmsKeyId;
        r.ServerSideEncryptionCustomerMethod = new ServerSideEncryptionCustomerMethod(Settings.SseCustomerAlgorithm);
        r.ServerSideEncryptionCustomerProvidedKey = Settings.SseCustomerKey;
        r.TagSet = [new Tag { Key = "team", Value = "log shipping" }, new Tag { Key = "cost&center", Value = "a/b" }, new Tag { Key = "flag", Value = string.Empty }];
        r.Metadata["origin"] = "tailship";
        r.Headers["x-amz-grant-full-control"] = Settings.GrantFullControl;
        r.Headers["x-amz-grant-read"] = Settings.GrantRead;
        r.Headers["x-amz-grant-read-acp"] = Settings.GrantReadAcp;
        r.Headers["x-amz-grant-write-acp"] = Settings.GrantWriteAcp;
        return r;
    }

    private static List<KeyValuePair<string, string>> Headers(IRequest request) =>
        [.. request.Headers.OrderBy(h => h.Key, StringComparer.Ordinal)];
}
