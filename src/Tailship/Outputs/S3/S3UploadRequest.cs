using Amazon.S3;
using Amazon.S3.Model;

namespace Tailship.Outputs.S3;

/// <summary>One object to upload: its key and the settings every request for it carries.</summary>
internal sealed class S3UploadRequest
{
    private readonly S3ObjectSettings _settings;
    private readonly IReadOnlyDictionary<string, string> _metadata;

    public S3UploadRequest(string bucket, string key, string contentType, S3ObjectSettings settings, IReadOnlyDictionary<string, string> metadata)
    {
        Bucket = bucket;
        Key = key;
        ContentType = contentType;
        _settings = settings;
        _metadata = metadata;
        ChecksumAlgorithm = settings.ChecksumAlgorithm is { } a ? new ChecksumAlgorithm(a.ToUpperInvariant()) : null;
    }

    public string Bucket { get; }

    public string Key { get; }

    public string ContentType { get; }

    public ChecksumAlgorithm? ChecksumAlgorithm { get; }

    public void Apply(PutObjectRequest r)
    {
        r.ContentType = ContentType;
        if (_settings.StorageClass is { } sc)
        {
            r.StorageClass = new S3StorageClass(sc);
        }

        if (_settings.Acl is { } acl)
        {
            r.CannedACL = new S3CannedACL(acl);
        }

        if (_settings.ServerSideEncryption is { } sse)
        {
            r.ServerSideEncryptionMethod = new ServerSideEncryptionMethod(sse);
        }

        r.ServerSideEncryptionKeyManagementServiceKeyId = _settings.SseKmsKeyId;
        r.ServerSideEncryptionCustomerMethod = _settings.SseCustomerAlgorithm is { } c ? new ServerSideEncryptionCustomerMethod(c) : null;
        r.ServerSideEncryptionCustomerProvidedKey = _settings.SseCustomerKey;
        r.ServerSideEncryptionCustomerProvidedKeyMD5 = _settings.SseCustomerKeyMd5;
        if (_settings.Tagging is { } tagging)
        {
            r.TagSet = ParseTagging(tagging);
        }

        if (ChecksumAlgorithm is { } algorithm)
        {
            r.ChecksumAlgorithm = algorithm;
        }

        foreach (var (k, v) in _metadata)
        {
            r.Metadata[k] = v;
        }

        AddGrants(r.Headers);
    }

    public void Apply(InitiateMultipartUploadRequest r)
    {
        r.ContentType = ContentType;
        if (_settings.StorageClass is { } sc)
        {
            r.StorageClass = new S3StorageClass(sc);
        }

        if (_settings.Acl is { } acl)
        {
            r.CannedACL = new S3CannedACL(acl);
        }

        if (_settings.ServerSideEncryption is { } sse)
        {
            r.ServerSideEncryptionMethod = new ServerSideEncryptionMethod(sse);
        }

        r.ServerSideEncryptionKeyManagementServiceKeyId = _settings.SseKmsKeyId;
        r.ServerSideEncryptionCustomerMethod = _settings.SseCustomerAlgorithm is { } c ? new ServerSideEncryptionCustomerMethod(c) : null;
        r.ServerSideEncryptionCustomerProvidedKey = _settings.SseCustomerKey;
        r.ServerSideEncryptionCustomerProvidedKeyMD5 = _settings.SseCustomerKeyMd5;
        if (_settings.Tagging is { } tagging)
        {
            r.TagSet = ParseTagging(tagging);
        }

        if (ChecksumAlgorithm is { } algorithm)
        {
            r.ChecksumAlgorithm = algorithm;
        }

        foreach (var (k, v) in _metadata)
        {
            r.Metadata[k] = v;
        }

        AddGrants(r.Headers);
    }

    public void ApplySseCustomer(UploadPartRequest r)
    {
        r.ServerSideEncryptionCustomerMethod = _settings.SseCustomerAlgorithm is { } c ? new ServerSideEncryptionCustomerMethod(c) : null;
        r.ServerSideEncryptionCustomerProvidedKey = _settings.SseCustomerKey;
        r.ServerSideEncryptionCustomerProvidedKeyMD5 = _settings.SseCustomerKeyMd5;
    }

    /// <summary><c>key1=value1&amp;key2=value2</c>, URL-encoded as fluent-plugin-s3 takes it.</summary>
    internal static List<Tag> ParseTagging(string tagging) =>
        [.. tagging.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? string.Empty : pair[(eq + 1)..];
            return new Tag { Key = Uri.UnescapeDataString(key.Replace('+', ' ')), Value = Uri.UnescapeDataString(value.Replace('+', ' ')) };
        })];

    private void AddGrants(HeadersCollection headers)
    {
        if (_settings.GrantFullControl is { } full)
        {
            headers["x-amz-grant-full-control"] = full;
        }

        if (_settings.GrantRead is { } read)
        {
            headers["x-amz-grant-read"] = read;
        }

        if (_settings.GrantReadAcp is { } readAcp)
        {
            headers["x-amz-grant-read-acp"] = readAcp;
        }

        if (_settings.GrantWriteAcp is { } writeAcp)
        {
            headers["x-amz-grant-write-acp"] = writeAcp;
        }
    }
}
