using Tailship.Config;

namespace Tailship.Outputs.S3;

/// <summary>The pure check of an <c>@type s3</c> section: every error found, then the options or null.</summary>
internal static class S3OutputValidator
{
    private const long MinPartSize = 5L << 20;

    public static S3OutputOptions? Validate(SectionConfig c, DiagnosticBag diagnostics) => Validate(c, diagnostics, S3StoreAs.FindInPath);

    public static S3OutputOptions? Validate(SectionConfig c, DiagnosticBag diagnostics, Func<string, string?> findTool)
    {
        var ok = true;
        void Error(string param, string message)
        {
            diagnostics.Add(new Diagnostic(DiagnosticSeverity.Error, c.LocationOf(param), message, "match"));
            ok = false;
        }

        if (!S3IndexFormat.TryParse(c.GetRequiredString("index_format"), out var indexFormat, out var indexError))
        {
            Error("index_format", indexError!);
        }

        var hexLength = c.GetInt("hex_random_length");
        if (hexLength is < 1 or > 16)
        {
            Error("hex_random_length", $"hex_random_length must be 1 to 16, found {hexLength}");
        }

        var gzip = c.GetInt("gzip_compression_level");
        if (gzip is < 1 or > 9)
        {
            Error("gzip_compression_level", $"gzip_compression_level must be 1 to 9, found {gzip}");
        }

        var zstd = c.GetInt("zstd_compression_level");
        if (zstd is < 1 or > 22)
        {
            Error("zstd_compression_level", $"zstd_compression_level must be 1 to 22, found {zstd}");
        }

        if (c.GetSection("instance_profile_credentials") is { } ip)
        {
            void SectionError(string param, string message)
            {
                diagnostics.Add(new Diagnostic(DiagnosticSeverity.Error, ip.LocationOf(param), message, "instance_profile_credentials"));
                ok = false;
            }

            if (ip.GetIntOrNull("retries") is < 0 and var retries)
            {
                SectionError("retries", $"retries must be 0 or more, found {retries}");
            }

            foreach (var name in (string[])["http_open_timeout", "http_read_timeout"])
            {
                if (ip.GetTimeOrNull(name) is { } timeout && timeout <= TimeSpan.Zero)
                {
                    SectionError(name, $"{name} must be more than 0, found {timeout.TotalSeconds} s");
                }
            }
        }

        var storeAsName = c.GetRequiredString("store_as");
        var commandParameter = c.GetString("command_parameter");
        if (commandParameter is not null && storeAsName is not ("lzo" or "lzma2" or "gzip_command"))
        {
            Error("command_parameter", $"command_parameter applies to store_as lzo, lzma2 and gzip_command only, found store_as {storeAsName}");
        }

        var storeAs = S3StoreAs.Create(storeAsName, (int)gzip, (int)zstd, commandParameter, findTool, out var storeError);
        if (storeAs is null)
        {
            Error(storeError!.Contains("command_parameter", StringComparison.Ordinal) ? "command_parameter" : "store_as", storeError);
        }
        else if (storeAs.Warning is { } storeWarning)
        {
            diagnostics.Add(new Diagnostic(DiagnosticSeverity.Warning, c.LocationOf("command_parameter"), storeWarning, "match"));
        }

        var partSize = c.GetSize("multipart_part_size");
        if (partSize is < MinPartSize or > int.MaxValue)
        {
            Error("multipart_part_size", $"multipart_part_size must be 5m to 2g (S3's smallest part is 5 MiB), found {partSize}");
        }

        var concurrency = c.GetInt("multipart_concurrency");
        if (concurrency is < 1 or > 64)
        {
            Error("multipart_concurrency", $"multipart_concurrency must be 1 to 64, found {concurrency}");
        }

        if (c.GetString("signature_version") is { } sv && sv != "v4")
        {
            Error("signature_version", $"only signature_version v4 is supported, found '{sv}'");
        }

        var checksum = c.GetString("checksum_algorithm")?.ToUpperInvariant();
        if (checksum is not (null or "CRC32" or "CRC32C" or "SHA1" or "SHA256" or "CRC64NVME"))
        {
            Error("checksum_algorithm", $"checksum_algorithm must be CRC32, CRC32C, SHA1, SHA256 or CRC64NVME, found '{checksum}'");
        }

        var customerKey = CustomerKey(c.GetString("sse_customer_key"), out var customerKeyError);
        if (customerKeyError is not null)
        {
            Error("sse_customer_key", customerKeyError);
        }

        var sse = c.GetString("use_server_side_encryption");
        if (sse is not (null or "AES256" or "aws:kms" or "aws:kms:dsse"))
        {
            Error("use_server_side_encryption", $"use_server_side_encryption must be AES256 or aws:kms, found '{sse}'");
        }

        if (c.GetString("s3_endpoint") is { } endpoint && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
        {
            Error("s3_endpoint", $"s3_endpoint must be an absolute URL such as https://s3.example.com, found '{endpoint}'");
        }

        if (c.GetString("proxy_uri") is { } proxy && !Uri.TryCreate(proxy, UriKind.Absolute, out _))
        {
            Error("proxy_uri", $"proxy_uri must be an absolute URL such as http://proxy:3128, found '{proxy}'");
        }

        if (c.GetString("ssl_ca_bundle") is { } bundle && !System.IO.File.Exists(bundle))
        {
            Error("ssl_ca_bundle", $"ssl_ca_bundle: file '{bundle}' does not exist");
        }

        var timeSliceFormat = c.GetString("time_slice_format");
        if (timeSliceFormat is { Length: 0 })
        {
            Error("time_slice_format", "time_slice_format must not be empty");
        }

        var keyId = c.GetString("aws_key_id");
        var secret = c.GetString("aws_sec_key");
        if ((keyId is null) != (secret is null))
        {
            Error(keyId is null ? "aws_sec_key" : "aws_key_id", "aws_key_id and aws_sec_key must be given together");
        }

        var keyFormat = c.GetRequiredString("s3_object_key_format");
        if (!c.GetBool("check_object") && !c.IsSet("s3_object_key_format"))
        {
            // As fluent-plugin-s3: without check_object, the default key is the slice and the upload's time of day.
            keyFormat = S3OutputSpec.NoCheckObjectKeyFormat;
            diagnostics.Add(new Diagnostic(DiagnosticSeverity.Warning, c.LocationOf("check_object"), $"check_object false and no s3_object_key_format: keys are {keyFormat}, as fluent-plugin-s3 makes them; chunks of one time slice uploaded within the same second overwrite each other", "match"));
        }
        else if (!c.GetBool("check_object") && !S3KeyTemplate.Parse(keyFormat).UsesIndex && !keyFormat.Contains("%{uuid_flush}", StringComparison.Ordinal)
            && !keyFormat.Contains("%{hex_random}", StringComparison.Ordinal) && !keyFormat.Contains("${chunk_id}", StringComparison.Ordinal))
        {
            diagnostics.Add(new Diagnostic(DiagnosticSeverity.Warning, c.LocationOf("s3_object_key_format"), "s3_object_key_format has neither %{index}, %{uuid_flush}, %{hex_random} nor ${chunk_id}: chunks of one time slice will overwrite each other", "match"));
        }

        var template = S3KeyTemplate.Parse(keyFormat);

        if (!ok || storeAs is null)
        {
            return null;
        }

        var storageClass = c.GetBool("reduced_redundancy") ? "REDUCED_REDUNDANCY" : c.GetString("storage_class");
        return new S3OutputOptions(
            Bucket: c.GetRequiredString("s3_bucket"),
            Path: c.GetString("path") ?? string.Empty,
            KeyTemplate: template,
            TimeSliceFormat: timeSliceFormat,
            IndexFormat: indexFormat,
            HexRandomLength: (int)hexLength,
            StoreAs: storeAs,
            CheckObject: c.GetBool("check_object"),
            Overwrite: c.GetBool("overwrite"),
            CheckBucket: c.GetBool("check_bucket"),
            AutoCreateBucket: c.GetBool("auto_create_bucket"),
            CheckApikeyOnStart: c.GetBool("check_apikey_on_start"),
            WarnForDelay: c.GetTimeOrNull("warn_for_delay"),
            PartSize: partSize,
            PartConcurrency: (int)concurrency,
            Connection: new S3ConnectionSettings(
                c.GetString("s3_region"),
                c.GetString("s3_endpoint"),
                c.GetBool("force_path_style"),
                c.GetBool("ssl_verify_peer"),
                c.GetString("ssl_ca_bundle"),
                c.GetString("proxy_uri"),
                c.GetBool("enable_transfer_acceleration"),
                c.GetBool("enable_dual_stack")),
            Object: new S3ObjectSettings(
                storageClass == "STANDARD" ? null : storageClass,
                c.GetString("acl"),
                c.GetString("grant_full_control"),
                c.GetString("grant_read"),
                c.GetString("grant_read_acp"),
                c.GetString("grant_write_acp"),
                sse,
                c.GetString("ssekms_key_id"),
                c.GetString("sse_customer_algorithm"),
                customerKey,
                c.GetString("sse_customer_key_md5"),
                c.GetString("tagging"),
                c.GetHash("s3_metadata"),
                checksum),
            Credentials: Credentials(c),
            Format: c.GetSection("format"));
    }

    /// <summary>
    /// The SSE-C key as the S3 header carries it (base64). fluent-plugin-s3 hands the value to the Ruby SDK, which
    /// takes the raw 32-byte key and encodes it; a base64 value of a 32-byte key is accepted as well. The two cannot
    /// be confused: base64 of 32 bytes is 44 characters long.
    /// </summary>
    internal static string? CustomerKey(string? value, out string? error)
    {
        error = null;
        if (value is null)
        {
            return null;
        }

        var raw = System.Text.Encoding.UTF8.GetBytes(value);
        if (raw.Length == 32)
        {
            return Convert.ToBase64String(raw);
        }

        Span<byte> decoded = stackalloc byte[33];
        if (Convert.TryFromBase64String(value, decoded, out var written) && written == 32)
        {
            return value;
        }

        error = $"sse_customer_key must be the 32-byte key itself (as fluent-plugin-s3 takes it) or its base64 form, found {raw.Length} bytes that are not base64 of 32 bytes";
        return null;
    }

    private static S3CredentialSettings Credentials(SectionConfig c)
    {
        static S3RoleSettings Role(SectionConfig r, bool web) => new(
            r.GetRequiredString("role_arn"),
            r.GetRequiredString("role_session_name"),
            web ? r.GetRequiredString("web_identity_token_file") : null,
            r.GetString("policy"),
            (int?)r.GetIntOrNull("duration_seconds"),
            web ? null : r.GetString("external_id"),
            r.GetString("sts_region"),
            r.GetString("sts_http_proxy"),
            r.GetString("sts_endpoint_url"));

        var ip = c.GetSection("instance_profile_credentials");
        var shared = c.GetSection("shared_credentials");
        return new S3CredentialSettings(
            c.GetString("aws_key_id"),
            c.GetString("aws_sec_key"),
            c.GetString("aws_session_token"),
            c.GetString("aws_profile"),
            c.GetString("aws_credential_process"),
            c.GetSection("assume_role_credentials") is { } ar ? Role(ar, web: false) : null,
            c.GetSection("web_identity_credentials") is { } wi ? Role(wi, web: true) : null,
            ip is null ? null : new S3InstanceProfileSettings(
                (int?)(ip.GetIntOrNull("retries") ?? c.GetIntOrNull("aws_iam_retries")),
                ip.GetString("ip_address"),
                (int?)ip.GetIntOrNull("port"),
                ip.GetTimeOrNull("http_open_timeout"),
                ip.GetTimeOrNull("http_read_timeout")),
            shared is null ? null : (shared.GetString("path"), shared.GetString("profile_name")));
    }
}
