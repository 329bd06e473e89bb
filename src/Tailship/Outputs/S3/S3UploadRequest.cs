using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;

namespace Tailship.Outputs.S3;

/// <summary>
/// One object to upload: its key and the settings every request for it carries. The object's settings (content
/// type, storage class, ACL and grants, encryption, tagging, user metadata) are HTTP headers of the request that
/// creates the object, PutObject or InitiateMultipartUpload alike, so they are rendered once, here, as headers; the
/// SDK's marshallers copy a request's <c>Headers</c> to the wire unchanged, byte for byte as its typed properties
/// would write them. SSE-C goes on every part too.
/// </summary>
internal sealed class S3UploadRequest
{
    private readonly List<KeyValuePair<string, string>> _objectHeaders = [];
    private readonly S3ObjectSettings _settings;
    private readonly IReadOnlyDictionary<string, string> _metadata;

    public S3UploadRequest(string bucket, string key, string contentType, S3ObjectSettings settings, IReadOnlyDictionary<string, string> metadata)
    {
        Bucket = bucket;
        Key = key;
        ContentType = contentType;
        _metadata = metadata;
        _settings = settings;
        ChecksumAlgorithm = settings.ChecksumAlgorithm is { } a ? new ChecksumAlgorithm(a.ToUpperInvariant()) : null;
        if (settings.SseCustomerAlgorithm is { } algorithm)
        {
            _objectHeaders.Add(new("x-amz-server-side-encryption-customer-algorithm", algorithm));
        }

        if (settings.SseCustomerKey is { } customerKey)
        {
            _objectHeaders.Add(new("x-amz-server-side-encryption-customer-key", customerKey));
            _objectHeaders.Add(new("x-amz-server-side-encryption-customer-key-MD5", settings.SseCustomerKeyMd5 ?? KeyMd5(customerKey)));
        }

        Add("x-amz-storage-class", settings.StorageClass);
        Add("x-amz-acl", settings.Acl);
        Add("x-amz-server-side-encryption", settings.ServerSideEncryption);
        Add("x-amz-server-side-encryption-aws-kms-key-id", settings.SseKmsKeyId);
        Add("x-amz-tagging", settings.Tagging is { } tagging ? TaggingHeader(tagging) : null);
        Add("x-amz-grant-full-control", settings.GrantFullControl);
        Add("x-amz-grant-read", settings.GrantRead);
        Add("x-amz-grant-read-acp", settings.GrantReadAcp);
        Add("x-amz-grant-write-acp", settings.GrantWriteAcp);
    }

    public string Bucket { get; }

    public string Key { get; }

    public string ContentType { get; }

    public ChecksumAlgorithm? ChecksumAlgorithm { get; }

    /// <summary>The object's settings, on the request that creates it (PutObject or InitiateMultipartUpload).</summary>
    public void ApplyObjectSettings(HeadersCollection headers, MetadataCollection metadata)
    {
        headers.ContentType = ContentType;
        foreach (var (name, value) in _objectHeaders)
        {
            headers[name] = value;
        }

        foreach (var (name, value) in _metadata)
        {
            metadata[name] = value;
        }
    }

    /// <summary>SSE-C, which every part of a multipart upload repeats (UploadPart has no free headers: its properties).</summary>
    public void ApplySseCustomer(UploadPartRequest r)
    {
        r.ServerSideEncryptionCustomerMethod = _settings.SseCustomerAlgorithm is { } c ? new ServerSideEncryptionCustomerMethod(c) : null;
        r.ServerSideEncryptionCustomerProvidedKey = _settings.SseCustomerKey;
        r.ServerSideEncryptionCustomerProvidedKeyMD5 = _settings.SseCustomerKeyMd5;
    }

    /// <summary>
    /// <c>key1=value1&amp;key2=value2</c> as fluent-plugin-s3 takes it (URL-encoded, <c>+</c> for a space), re-encoded
    /// as the SDK writes a tag set: each key and value percent-encoded (RFC 3986).
    /// </summary>
    internal static string TaggingHeader(string tagging) =>
        string.Join('&', tagging.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? string.Empty : pair[(eq + 1)..];
            return Uri.EscapeDataString(Decode(key)) + "=" + Uri.EscapeDataString(Decode(value));
        }));

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    // The MD5 of the (base64) customer key, as S3's SSE-C protocol requires and the SDK would compute; not used for
    // security.
#pragma warning disable CA5351
    private static string KeyMd5(string base64Key) => Convert.ToBase64String(MD5.HashData(Convert.FromBase64String(base64Key)));
#pragma warning restore CA5351

    private void Add(string name, string? value)
    {
        if (value is not null)
        {
            _objectHeaders.Add(new(name, value));
        }
    }
}
