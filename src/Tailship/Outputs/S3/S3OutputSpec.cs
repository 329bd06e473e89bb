using Tailship.Config;

namespace Tailship.Outputs.S3;

/// <summary>
/// The parameters of <c>@type s3</c>, declared once with fluent-plugin-s3's names and defaults. Parameters
/// Tailship adds say so in their description. The <c>&lt;buffer&gt;</c> section is the buffer's own
/// spec; v0.12 spellings such as <c>buffer_path</c> and <c>time_slice_wait</c> are moved into it before binding.
/// </summary>
internal static class S3OutputSpec
{
    public const string DefaultKeyFormat = "%{path}%{time_slice}_%{index}.%{file_extension}";

    /// <summary>fluent-plugin-s3's key when <c>check_object</c> is false and <c>s3_object_key_format</c> is not given.</summary>
    public const string NoCheckObjectKeyFormat = "%{path}/%{time_slice}_%{hms_slice}.%{file_extension}";

    public static readonly IReadOnlyList<string> StoreAsValues = ["gzip", "text", "json", "zstd", "lzo", "lzma2", "gzip_command", "parquet"];

    public static SectionSpec Root { get; } = new("match", "Uploads buffered chunks as objects to Amazon S3 or an S3-compatible server.")
    {
        Params =
        [
            ParamSpec.String("s3_bucket", null, "Bucket name.") with { Required = true },
            ParamSpec.String("s3_region", null, "Region; default AWS_REGION, then AWS_DEFAULT_REGION, else us-east-1."),
            ParamSpec.String("s3_endpoint", null, "Endpoint URL of an S3-compatible server; default AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL, else AWS's."),
            ParamSpec.Bool("force_path_style", false, "Addresses buckets as http://host/bucket instead of http://bucket.host."),
            ParamSpec.String("path", string.Empty, "Key prefix, %{path} in s3_object_key_format; buffer placeholders (${tag}, ${key}, strftime) allowed."),
            ParamSpec.String("s3_object_key_format", DefaultKeyFormat, "Object key: %{path} %{time_slice} %{index} %{file_extension} %{uuid_flush} %{hex_random} %{hostname} %{hms_slice} %{date_slice} ${chunk_id} and buffer placeholders. With check_object false and no value here: %{path}/%{time_slice}_%{hms_slice}.%{file_extension}, as fluent-plugin-s3."),
            ParamSpec.String("time_slice_format", null, "strftime format of %{time_slice}; default from the buffer's timekey (%Y%m%d for a day)."),
            ParamSpec.String("index_format", "%d", "printf format of %{index} (%d, %03d, %x...)."),
            ParamSpec.Integer("hex_random_length", 4, "Characters of %{hex_random} (at most 16)."),
            ParamSpec.Enum("store_as", "gzip", StoreAsValues, "Object encoding: gzip, text, json, zstd, lzo (lzop command), lzma2 (xz command), gzip_command (gzip made in-process, same .gz objects); parquet is not implemented."),
            ParamSpec.String("command_parameter", null, "Options of the lzop (store_as lzo, default -qf1), xz (lzma2, default -qf0) command, split at spaces and passed without a shell; with gzip_command only a level -1 to -9 (or --fast, --best) is used."),
            ParamSpec.Integer("gzip_compression_level", 6, "Tailship: gzip level, 1 (fastest) to 9 (smallest)."),
            ParamSpec.Integer("zstd_compression_level", 3, "Tailship: zstd level, 1 to 22."),
            ParamSpec.Bool("check_object", true, "When no local %{index} record exists for a time slice, probes existing keys to find a free index (a listing with the key as prefix; HEAD where listing is denied)."),
            ParamSpec.Bool("overwrite", false, "With check_object and a key without %{index}: overwrite an object that already has the key instead of failing the upload. A key with %{index} always takes the next free index; overwrite does not change that."),
            ParamSpec.Bool("check_bucket", true, "Checks at start that the bucket exists (HEAD on the bucket; a 403 counts as existing, as fluent-plugin-s3)."),
            ParamSpec.Bool("auto_create_bucket", true, "Creates the bucket when it does not exist."),
            ParamSpec.Bool("check_apikey_on_start", true, "Checks the credentials at start (ListObjectsV2 with prefix path, one key)."),
            ParamSpec.String("storage_class", "STANDARD", "Storage class of uploaded objects."),
            ParamSpec.Bool("reduced_redundancy", false, "Deprecated: storage_class REDUCED_REDUNDANCY."),
            ParamSpec.String("acl", null, "Canned ACL (private, public-read, bucket-owner-full-control...)."),
            ParamSpec.String("grant_full_control", null, "x-amz-grant-full-control, e.g. id=\"...\"."),
            ParamSpec.String("grant_read", null, "x-amz-grant-read."),
            ParamSpec.String("grant_read_acp", null, "x-amz-grant-read-acp."),
            ParamSpec.String("grant_write_acp", null, "x-amz-grant-write-acp."),
            ParamSpec.String("use_server_side_encryption", null, "Server-side encryption: AES256 or aws:kms."),
            ParamSpec.String("ssekms_key_id", null, "KMS key id for aws:kms.") with { Secret = true },
            ParamSpec.String("sse_customer_algorithm", null, "SSE-C algorithm (AES256)."),
            ParamSpec.String("sse_customer_key", null, "SSE-C key: the 32-byte key itself, as fluent-plugin-s3 takes it, or its base64 form.") with { Secret = true },
            ParamSpec.String("sse_customer_key_md5", null, "SSE-C key MD5 (base64); computed when omitted.") with { Secret = true },
            ParamSpec.String("tagging", null, "Object tags, URL-query encoded: key1=value1&key2=value2."),
            ParamSpec.Hash("s3_metadata", "User metadata (x-amz-meta-*) of each object; buffer placeholders and the key's %{...} placeholders are expanded with the key's values (%{index}: the key's index, 0 when the key has none)."),
            ParamSpec.String("checksum_algorithm", null, "Checksum sent with uploads: CRC32, CRC32C, SHA1, SHA256 or CRC64NVME (as a header, never as an aws-chunked trailer)."),
            ParamSpec.Bool("compute_checksums", true, "Accepted for compatibility; Content-MD5 is not sent."),
            ParamSpec.String("signature_version", "v4", "Only v4 is supported."),
            ParamSpec.Bool("ssl_verify_peer", true, "Verifies the server's TLS certificate."),
            ParamSpec.String("ssl_ca_bundle", null, "PEM file of CA certificates trusted for the endpoint."),
            ParamSpec.NotImplemented("ssl_ca_directory", "Directory of CA certificates."),
            ParamSpec.Bool("use_bundled_cert", false, "Accepted for compatibility; the system's certificates are used."),
            ParamSpec.String("proxy_uri", null, "HTTP proxy URL for S3 requests."),
            ParamSpec.Bool("enable_transfer_acceleration", false, "Uses the S3 accelerate endpoint."),
            ParamSpec.Bool("enable_dual_stack", false, "Uses the dual-stack (IPv6) endpoint."),
            ParamSpec.Time("warn_for_delay", null, "Warns when a chunk is uploaded later than this after its time slice starts (its time key), as fluent-plugin-s3."),
            ParamSpec.Size("multipart_part_size", 8L << 20, "Tailship: objects larger than this go by multipart upload in parts of this size (at least 5m)."),
            ParamSpec.Integer("multipart_concurrency", 4, "Tailship: parts uploaded in parallel."),
            ParamSpec.String("aws_key_id", null, "Access key id.") with { Secret = true },
            ParamSpec.String("aws_sec_key", null, "Secret access key.") with { Secret = true },
            ParamSpec.String("aws_session_token", null, "Tailship: session token of temporary keys.") with { Secret = true },
            ParamSpec.String("aws_profile", null, "Profile of the shared config and credentials files."),
            ParamSpec.String("aws_credential_process", null, "Command that prints credentials as JSON (credential_process)."),
            ParamSpec.Integer("aws_iam_retries", null, "Deprecated: use <instance_profile_credentials> retries."),
            ParamSpec.Bool("utc", false, "v0.12: time slices and the out_file time in UTC (moved into <buffer> as timekey_use_utc, copied into <format>)."),
            ParamSpec.Bool("localtime", true, "v0.12: time slices and the out_file time in local time (the opposite of utc)."),
            ParamSpec.String("timezone", null, "v0.12: zone of time slices and of the out_file time (moved into <buffer> as timekey_zone, copied into <format>)."),
        ],
        Sections =
        [
            Buffers.BufferSection.Spec,
            Buffers.BufferSection.SecondarySpec,
            new SectionSpec("format", "How events are written into objects (default out_file).")
            {
                PluginKind = Config.PluginKind.Formatter,
                DefaultType = "out_file",
            },
            new SectionSpec("assume_role_credentials", "Credentials of a role assumed through STS AssumeRole.")
            {
                Params =
                [
                    ParamSpec.String("role_arn", null, "ARN of the role.") with { Required = true },
                    ParamSpec.String("role_session_name", null, "Session name.") with { Required = true },
                    ParamSpec.String("policy", null, "Inline session policy (JSON)."),
                    ParamSpec.Integer("duration_seconds", null, "Session length in seconds."),
                    ParamSpec.String("external_id", null, "External id the role requires.") with { Secret = true },
                    ParamSpec.String("sts_region", null, "STS region; default s3_region."),
                    ParamSpec.String("sts_http_proxy", null, "HTTP proxy for STS."),
                    ParamSpec.String("sts_endpoint_url", null, "STS endpoint URL."),
                ],
            },
            new SectionSpec("web_identity_credentials", "Credentials from a web identity token (EKS IRSA), through STS AssumeRoleWithWebIdentity.")
            {
                Params =
                [
                    ParamSpec.String("role_arn", null, "ARN of the role.") with { Required = true },
                    ParamSpec.String("role_session_name", null, "Session name.") with { Required = true },
                    ParamSpec.String("web_identity_token_file", null, "File holding the token.") with { Required = true },
                    ParamSpec.String("policy", null, "Inline session policy (JSON)."),
                    ParamSpec.Integer("duration_seconds", null, "Session length in seconds."),
                    ParamSpec.String("sts_region", null, "STS region; default s3_region."),
                    ParamSpec.String("sts_http_proxy", null, "HTTP proxy for STS."),
                    ParamSpec.String("sts_endpoint_url", null, "STS endpoint URL."),
                ],
            },
            new SectionSpec("instance_profile_credentials", "EC2 instance metadata (IMDSv2, v1 fallback), or the ECS/EKS Pod Identity agent when AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI is set.")
            {
                Params =
                [
                    ParamSpec.Integer("retries", null, "Attempts after the first, 1.2^n s apart. When this or a timeout is set, Tailship's own IMDS client is used (defaults 1 retry, 1 s, 1 s, as fluent-plugin-s3's Ruby SDK); else the AWS SDK's provider with its fixed settings."),
                    ParamSpec.String("ip_address", null, "Metadata service address; default 169.254.169.254 or AWS_EC2_METADATA_SERVICE_ENDPOINT."),
                    ParamSpec.Integer("port", null, "Metadata service port; default 80."),
                    ParamSpec.Time("http_open_timeout", null, "Time to connect to the metadata service (seconds); see retries for the default."),
                    ParamSpec.Time("http_read_timeout", null, "Time to wait for each answer of the metadata service (seconds); see retries for the default."),
                ],
            },
            new SectionSpec("shared_credentials", "Keys from the shared credentials file.")
            {
                Params =
                [
                    ParamSpec.String("path", null, "Credentials file; default AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials."),
                    ParamSpec.String("profile_name", null, "Profile; default AWS_PROFILE or default."),
                ],
            },
            new SectionSpec("bucket_lifecycle_rule", "Lifecycle rules applied to the bucket.") { Multiple = true, Implemented = false },
        ],
    };
}
