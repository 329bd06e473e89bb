using Tailship.Buffers;
using Tailship.Config;
using Tailship.Text;

namespace Tailship.Outputs.S3;

/// <summary>What an object upload carries besides its bytes (ACL, encryption, tags...), from the configuration.</summary>
internal sealed record S3ObjectSettings(
    string? StorageClass,
    string? Acl,
    string? GrantFullControl,
    string? GrantRead,
    string? GrantReadAcp,
    string? GrantWriteAcp,
    string? ServerSideEncryption,
    string? SseKmsKeyId,
    string? SseCustomerAlgorithm,
    string? SseCustomerKey,
    string? SseCustomerKeyMd5,
    string? Tagging,
    IReadOnlyDictionary<string, string> Metadata,
    string? ChecksumAlgorithm);

/// <summary>How the client reaches S3.</summary>
internal sealed record S3ConnectionSettings(
    string? Region,
    string? Endpoint,
    bool ForcePathStyle,
    bool SslVerifyPeer,
    string? SslCaBundle,
    string? ProxyUri,
    bool TransferAcceleration,
    bool DualStack);

/// <summary>Validated options of <c>@type s3</c>.</summary>
/// <remarks>
/// <see cref="StateDirectory"/>, <see cref="SliceZone"/> and <see cref="TimekeySeconds"/> come from the buffer
/// (its path, <c>timekey_zone</c> and <c>timekey</c>); whoever wires the buffer sets them with <c>with</c>.
/// </remarks>
internal sealed record S3OutputOptions(
    string Bucket,
    string Path,
    S3KeyTemplate KeyTemplate,
    string? TimeSliceFormat,
    S3IndexFormat IndexFormat,
    int HexRandomLength,
    S3StoreAs StoreAs,
    bool CheckObject,
    bool Overwrite,
    bool CheckBucket,
    bool AutoCreateBucket,
    bool CheckApikeyOnStart,
    TimeSpan? WarnForDelay,
    long PartSize,
    int PartConcurrency,
    S3ConnectionSettings Connection,
    S3ObjectSettings Object,
    S3CredentialSettings Credentials,
    SectionConfig? Format)
{
    /// <summary>Where the <c>%{index}</c> record is kept (the file buffer's directory); null keeps it in memory.</summary>
    public string? StateDirectory { get; init; }

    /// <summary>Zone of <c>%{time_slice}</c> and time placeholders: the buffer's timekey zone (local by default).</summary>
    public TimeZoneSpec SliceZone { get; init; } = TimeZones.Local();

    /// <summary>The buffer's timekey, for the default <c>time_slice_format</c>.</summary>
    public long TimekeySeconds { get; init; } = 86400;

    /// <summary>The <c>time_slice_format</c> in effect: the configured one, else derived from the timekey as Fluentd does.</summary>
    public string EffectiveTimeSliceFormat => TimeSliceFormat ?? BufferCompat.TimeSliceFormatOf(TimeSpan.FromSeconds(TimekeySeconds));

    /// <summary>The validated <c>&lt;buffer&gt;</c> the output runs behind.</summary>
    public BufferOptions? Buffer { get; init; }

    /// <summary>The bound <c>&lt;secondary&gt;</c> section, or null.</summary>
    public SectionConfig? Secondary { get; init; }
}
