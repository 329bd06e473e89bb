using Tailship.Outputs.S3;

namespace Tailship.Tests.Outputs.S3;

public sealed class S3OutputValidatorTests
{
    [Fact]
    public void Defaults_AreFluentPluginS3s()
    {
        var o = S3OutputHarness.Options(("s3_bucket", "b"));
        Assert.Equal("%{path}%{time_slice}_%{index}.%{file_extension}", o.KeyTemplate.Format);
        Assert.Equal("gzip", o.StoreAs.Name);
        Assert.Equal("gz", o.StoreAs.FileExtension);
        Assert.True(o.CheckObject);
        Assert.True(o.CheckBucket);
        Assert.True(o.AutoCreateBucket);
        Assert.True(o.CheckApikeyOnStart);
        Assert.False(o.Overwrite);
        Assert.Equal(string.Empty, o.Path);
        Assert.Equal("%Y%m%d", o.EffectiveTimeSliceFormat);
        Assert.Equal("%Y%m%d%H%M", (o with { TimekeySeconds = 60 }).EffectiveTimeSliceFormat);
        Assert.Null(o.Object.StorageClass);
    }

    [Theory]
    [InlineData("store_as", "parquet", "store_as parquet is not implemented yet")]
    [InlineData("index_format", "%q", "index_format '%q'")]
    [InlineData("hex_random_length", "17", "hex_random_length must be 1 to 16")]
    [InlineData("multipart_part_size", "1m", "must be 5m to 2g")]
    [InlineData("gzip_compression_level", "10", "gzip_compression_level must be 1 to 9")]
    [InlineData("signature_version", "v2", "only signature_version v4")]
    [InlineData("s3_endpoint", "not a url", "absolute URL")]
    [InlineData("aws_key_id", "AKIA", "aws_key_id and aws_sec_key must be given together")]
    [InlineData("ssl_ca_directory", "/etc/ssl", "not implement")]
    [InlineData("s3_bukcet", "x", "s3_bucket")]
    [InlineData("sse_customer_key", "too-short", "sse_customer_key must be the 32-byte key itself")]
    public void BadValue_ClearError(string key, string value, string expected)
    {
        var (options, diagnostics) = S3OutputHarness.Bind(("s3_bucket", "b"), (key, value));
        Assert.Null(options);
        Assert.Contains(diagnostics.Items, d => d.Message.Contains(expected, StringComparison.Ordinal) || d.ToString().Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void CustomerKey_RawAsFluentPluginS3OrBase64_SentAsBase64()
    {
        const string raw = "0123456789abcdef0123456789abcdef";
        var base64 = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(raw));

        Assert.Equal(base64, S3OutputHarness.Options(("s3_bucket", "b"), ("sse_customer_key", raw)).Object.SseCustomerKey);
        Assert.Equal(base64, S3OutputHarness.Options(("s3_bucket", "b"), ("sse_customer_key", base64)).Object.SseCustomerKey);
        Assert.Null(S3OutputHarness.Options(("s3_bucket", "b")).Object.SseCustomerKey);
    }

    [Fact]
    public void ExternalToolMissing_ClearError()
    {
        var diagnostics = new Tailship.Config.DiagnosticBag();
        var section = TestSupport.Conf.Section("match", "**", ("@type", "s3"), ("s3_bucket", "b"), ("store_as", "lzo"));
        var bound = new Tailship.Config.ConfigBinder(Tailship.Plugins.BuiltinPlugins.CreateRegistry()).Bind(section, S3OutputSpec.Root, diagnostics, "match", isPlugin: true);
        var options = S3OutputValidator.Validate(bound, diagnostics, _ => null);
        Assert.Null(options);
        Assert.Contains(diagnostics.Items, d => d.Message.Contains("needs the 'lzop' command", StringComparison.Ordinal));
    }

    [Fact]
    public void V012FormatParameter_BecomesFormatSection()
    {
        var section = TestSupport.Conf.Section("match", "**", ("@type", "s3"), ("s3_bucket", "b"), ("format", "json"));
        var diagnostics = new Tailship.Config.DiagnosticBag();
        S3Output.Descriptor.Normalize(section, diagnostics);
        var bound = new Tailship.Config.ConfigBinder(Tailship.Plugins.BuiltinPlugins.CreateRegistry()).BindPlugin(Tailship.Config.PluginKind.Output, section, diagnostics);

        var options = Assert.IsType<S3OutputOptions>(bound?.Options);
        Assert.Equal("json", options.Format?.Plugin?.Descriptor.Spec.Type);
        Assert.Empty(diagnostics.Items);
    }

    [Fact]
    public void MissingBucket_Required()
    {
        var (options, diagnostics) = S3OutputHarness.Bind(("path", "logs/"));
        Assert.Null(options);
        Assert.Contains(diagnostics.Items, d => d.Message.Contains("s3_bucket", StringComparison.Ordinal));
    }
}
