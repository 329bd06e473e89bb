using System.Buffers;
using System.Diagnostics;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Tailship.Buffers;
using Tailship.Config;
using Tailship.Events;
using Tailship.Observability;
using Tailship.Plugins;
using Tailship.Text;

namespace Tailship.Outputs.S3;

/// <summary>
/// <c>@type s3</c>: each flushed chunk becomes one object. The object key is fixed the first time a chunk is
/// uploaded and stored with the chunk (annotation <see cref="KeyAnnotation"/>), so a chunk sent again after a
/// failure or a crash overwrites its own object: S3 holds every event exactly once. <c>%{index}</c> is allocated
/// from a local record (<see cref="S3IndexStore"/>), not by HEAD probing on every upload.
/// </summary>
/// <remarks>
/// Lifecycle: <see cref="StartAsync"/> starts the bucket and credentials checks in the background and returns at
/// once: S3 not reachable at start is logged and retried with backoff while the buffer fills
/// (<see cref="IsReady"/> says how it went). <see cref="WriteAsync"/> throws <see cref="S3OutputException"/> with
/// the cause named; the flush loop retries. Secrets are never logged (only the name of the credentials source).
/// </remarks>
internal sealed partial class S3Output : IBufferedOutput, IBufferedOutputLifecycle, IReadiness, IAsyncDisposable
{
    /// <summary>The chunk annotation holding the object key fixed at first upload.</summary>
    public const string KeyAnnotation = "s3.key";

    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<S3OutputOptions>(
        new PluginSpec(PluginKind.Output, "s3", S3OutputSpec.Root),
        validate: S3OutputPlugin.Validate,
        build: S3OutputPlugin.Build,
        normalize: S3OutputPlugin.Normalize);

    /// <summary>The chunk annotation holding the formatted %{index}, written by earlier versions when s3_metadata used it (read only).</summary>
    public const string IndexAnnotation = "s3.index";

    /// <summary>The chunk annotation holding the rendered <c>s3_metadata</c>, fixed with the key (written before it).</summary>
    public const string MetadataAnnotation = "s3.metadata";

    private const string IndexMark = "%{index}";

    private readonly S3OutputOptions _options;
    private readonly IFormatter _formatter;
    private readonly IAmazonS3 _client;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _hostname;
    private readonly Strftime _timeSlice;
    private readonly S3IndexStore _index;
    private readonly (string Name, S3KeyTemplate Value)[] _metadata;
    private readonly bool _unsignedPayload; // the endpoint is HTTPS: payloads go unsigned (S3ObjectWriter)
    private readonly SemaphoreSlim _keyLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _checks = Task.CompletedTask;
    private volatile bool _listDenied; // ListObjectsV2 answered 403 once: probe keys with HEAD only

    // Written by the start checks, read by health reporting.
    private volatile bool _ready;
    private volatile string? _notReadyReason = "not started";

    public S3Output(S3OutputOptions options, IFormatter formatter, IAmazonS3 client, string credentialsSource, ILogger logger, TimeProvider time, string hostname, PluginMetrics metrics)
    {
        Metrics = new S3OutputMetrics(metrics);
        _options = options;
        _formatter = formatter;
        _client = client;
        _logger = logger;
        _time = time;
        _hostname = hostname;
        CredentialsSource = credentialsSource;
        _timeSlice = Strftime.Compile(options.EffectiveTimeSliceFormat);
        _index = S3IndexStore.Open(options.StateDirectory, time);
        _metadata = [.. options.Object.Metadata.Select(m => (m.Key, S3KeyTemplate.Parse(m.Value)))];
        _unsignedPayload = S3ClientFactory.UsesHttps(client.Config);
    }

    /// <summary>Which credentials source was chosen (no secret in it).</summary>
    public string CredentialsSource { get; }

    /// <summary>True once the start checks passed (or none were asked for).</summary>
    public bool IsReady => _ready;

    /// <summary>Why the output is not ready, for health reporting; null when ready.</summary>
    public string? NotReadyReason => _notReadyReason;

    public S3OutputMetrics Metrics { get; }

    /// <summary>The S3 client, for tests that watch the requests it sends.</summary>
    internal IAmazonS3 Client => _client;

    public ReadinessStatus CheckReadiness() => _ready ? ReadinessStatus.Ready : ReadinessStatus.NotReady(_notReadyReason ?? "not ready");

    /// <summary>Builds the output with its formatter, credentials and client.</summary>
    public static S3Output Create(S3OutputOptions options, PluginContext ctx, Func<string, string?> env)
    {
        var region = S3ClientFactory.ResolveRegion(options.Connection, env);
        var logger = ctx.CreateLogger("Tailship.Outputs.S3");
        var (credentials, source) = S3Credentials.Create(options.Credentials, region, env, logger, ctx.Time);
        var client = S3ClientFactory.Create(options.Connection, credentials, env);
        return new S3Output(options, CreateFormatter(options, ctx), client, source, logger, ctx.Time, ctx.Hostname, ctx.Metrics);
    }

    public void Format(string tag, EventTime time, Record record, IBufferWriter<byte> output) => _formatter.Format(tag, time, record, output);

    /// <summary>Starts the checks of <c>check_apikey_on_start</c> and <c>check_bucket</c> in the background.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogStarting(_logger, _options.Bucket, S3ClientFactory.ResolveEndpoint(_options.Connection, Environment.GetEnvironmentVariable) ?? "AWS", CredentialsSource);
        _checks = Task.Run(() => CheckUntilReadyAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _checks.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _checks.ConfigureAwait(false);
        }
        finally
        {
            _client.Dispose();
            _stop.Dispose();
            _keyLock.Dispose();
        }
    }

    public async Task WriteAsync(IChunk chunk, CancellationToken cancellationToken)
    {
        string key;
        try
        {
            key = await ResolveKeyAsync(chunk, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not S3OutputException && !cancellationToken.IsCancellationRequested)
        {
            throw Fail(S3Errors.Classify(e, $"choosing the key of chunk {chunk.Id} in bucket '{_options.Bucket}'", _options.Bucket));
        }

        WarnIfLate(chunk, key);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await UploadAsync(chunk, key, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket" && _options.AutoCreateBucket)
        {
            await CreateBucketAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await UploadAsync(chunk, key, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception again) when (!cancellationToken.IsCancellationRequested)
            {
                throw Fail(S3Errors.Classify(again, $"upload of s3://{_options.Bucket}/{key}", _options.Bucket));
            }
        }
        catch (Exception e) when (e is not S3OutputException && !cancellationToken.IsCancellationRequested)
        {
            throw Fail(S3Errors.Classify(e, $"upload of s3://{_options.Bucket}/{key}", _options.Bucket));
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        if (!_ready)
        {
            // An upload went through: S3 is reachable and takes our credentials (again).
            _ready = true;
            _notReadyReason = null;
            LogReady(_logger, _options.Bucket);
        }

        Metrics.Uploaded(chunk.RecordCount, chunk.ByteSize, elapsed);
        LogUploaded(_logger, key, chunk.Id, chunk.RecordCount, (long)elapsed.TotalMilliseconds);
    }

    private async Task UploadAsync(IChunk chunk, string key, CancellationToken cancellationToken)
    {
        var request = new S3UploadRequest(_options.Bucket, key, _options.StoreAs.ContentType, _options.Object, MetadataOf(chunk));
        var writer = new S3ObjectWriter(_client, request, (int)_options.PartSize, _options.PartConcurrency, _unsignedPayload);
        await using (writer.ConfigureAwait(false))
        {
            if (OpenBody(chunk) is { } body)
            {
                await using (body.ConfigureAwait(false))
                {
                    await writer.PutAsync(body, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                var input = chunk.OpenRead();
                await using (input.ConfigureAwait(false))
                {
                    await _options.StoreAs.EncodeAsync(input, writer, cancellationToken).ConfigureAwait(false);
                }

                await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (writer.AbortError is { } abortError)
        {
            LogAbortFailed(_logger, key, abortError.Message, abortError);
        }
    }

    /// <summary>
    /// The chunk's records as the object's body, read in place from the chunk file, when the object is them unchanged
    /// (<c>store_as text</c> or <c>json</c>, uncompressed frames) and one PutObject: no part buffer is filled and
    /// copied (docs/s3.md, "Upload cost"). Null otherwise: then the chunk is streamed through the writer.
    /// </summary>
    private Stream? OpenBody(IChunk chunk) =>
        _options.StoreAs.Name is "text" or "json" && chunk.ByteSize < _options.PartSize && chunk is IChunkBody source
            ? source.OpenBody()
            : null;

    private S3OutputException Fail(S3OutputException failure)
    {
        if (failure.Cause != S3FailureCause.Other)
        {
            // S3 cannot take uploads now (unreachable, failing, refusing the credentials or the request): not ready until
            // one succeeds. Other is a local failure (reading the chunk), not S3's.
            _notReadyReason = failure.Message;
            _ready = false;
        }

        Metrics.Failed(failure.Cause);
        LogUploadFailed(_logger, failure.Cause, failure.Message);
        return failure;
    }

    /// <summary>The chunk's key: the one stored with it, or a new one (index allocated and saved before the key is).</summary>
    private async Task<string> ResolveKeyAsync(IChunk chunk, CancellationToken cancellationToken)
    {
        if (chunk.GetAnnotation(KeyAnnotation) is { } fixedKey)
        {
            return fixedKey;
        }

        await _keyLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var values = KeyValues(chunk, IndexMark);
            var slot = _options.KeyTemplate.Render(values, chunk.Metadata, _options.SliceZone);
            string key;
            var index = 0L; // fluent-plugin-s3 gives s3_metadata's %{index} 0 for a key without %{index}
            if (!_options.KeyTemplate.UsesIndex)
            {
                key = slot;
                if (_options.CheckObject && !_options.Overwrite && await ExistsAsync(key, cancellationToken).ConfigureAwait(false))
                {
                    throw new S3OutputException(S3FailureCause.Other, $"object s3://{_options.Bucket}/{key} already exists: put %{{index}} in s3_object_key_format, or set overwrite true", null);
                }
            }
            else if (_options.KeyTemplate.UniquePerChunk)
            {
                // A key unique to the chunk (uuid, hex_random, chunk id) never collides: index 0, as probing would find.
                key = slot.Replace(IndexMark, _options.IndexFormat.Format(0), StringComparison.Ordinal);
            }
            else
            {
                if (!_index.TryGetNext(slot, out index) && _options.CheckObject)
                {
                    // No local record (first start, or the buffer directory is new): find the first free index.
                    while (await ExistsAsync(slot.Replace(IndexMark, _options.IndexFormat.Format(index), StringComparison.Ordinal), cancellationToken).ConfigureAwait(false))
                    {
                        index++;
                    }
                }

                key = slot.Replace(IndexMark, _options.IndexFormat.Format(index), StringComparison.Ordinal);
                _index.MarkUsed(slot, index);
            }

            if (_metadata.Length > 0)
            {
                // Rendered now with the key's very values (uuid, hms_slice, index) and stored before the key, so a
                // chunk sent again carries the same metadata as its key.
                var rendered = RenderMetadata(chunk, values with { Index = _options.IndexFormat.Format(index) });
                await chunk.SetAnnotationAsync(MetadataAnnotation, S3MetadataAnnotation.Encode(rendered), cancellationToken).ConfigureAwait(false);
            }

            await chunk.SetAnnotationAsync(KeyAnnotation, key, cancellationToken).ConfigureAwait(false);
            return key;
        }
        finally
        {
            _keyLock.Release();
        }
    }

    private S3KeyValues KeyValues(IChunk chunk, string index)
    {
        var meta = chunk.Metadata;
        var slice = meta.TimeKey is { } t
            ? _timeSlice.Format(DateTimeOffset.FromUnixTimeSeconds(t), _options.SliceZone)
            : _timeSlice.Format(_time.GetUtcNow(), _options.SliceZone);

        // As fluent-plugin-s3: the chunk id's hex reversed, cut to hex_random_length.
        var reversed = chunk.Id.ToCharArray();
        Array.Reverse(reversed);
        return new S3KeyValues(
            Path: S3Placeholders.Apply(_options.Path, meta, _options.SliceZone),
            TimeSlice: slice,
            Index: index,
            FileExtension: _options.StoreAs.FileExtension,
            UuidFlush: Guid.NewGuid().ToString(),
            HexRandom: new string(reversed, 0, Math.Min(_options.HexRandomLength, reversed.Length)),
            Hostname: _hostname,
            ChunkId: chunk.Id,
            HmsSlice: _time.GetUtcNow().ToString("HHmmss", System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The object's user metadata: as fixed with the key, or (a chunk keyed by an earlier version) rendered now.</summary>
    private Dictionary<string, string> MetadataOf(IChunk chunk)
    {
        if (_metadata.Length == 0)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        if (chunk.GetAnnotation(MetadataAnnotation) is { } stored)
        {
            return S3MetadataAnnotation.Decode(stored);
        }

        return RenderMetadata(chunk, KeyValues(chunk, chunk.GetAnnotation(IndexAnnotation) ?? _options.IndexFormat.Format(0)));
    }

    /// <summary>
    /// <c>s3_metadata</c> values with the buffer placeholders and the key's <c>%{...}</c> values, as the key renders
    /// them. fluent-plugin-s3 expands buffer placeholders and <c>%{index}</c> there and empties every other
    /// <c>%{...}</c>; Tailship fills those with the key's values instead (docs/s3.md).
    /// </summary>
    private Dictionary<string, string> RenderMetadata(IChunk chunk, S3KeyValues values)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in _metadata)
        {
            result[name] = value.Render(values, chunk.Metadata, _options.SliceZone);
        }

        return result;
    }

    private async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        // A listing answers "absent" with an empty page; a HEAD answers with a 404 that the SDK turns into an
        // exception, and its telemetry then renders that exception's stack trace: under Native AOT the first one
        // builds the binary's method-name map (about 4 MB resident for the rest of the process, and CPU), and every
        // new time slice paid for a trace. Listing needs s3:ListBucket, as check_apikey_on_start does; where it is
        // denied (403), HEAD as before. The key itself sorts first among the keys it prefixes, so one key suffices.
        if (!_listDenied)
        {
            try
            {
                var page = await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = key, MaxKeys = 1 }, cancellationToken).ConfigureAwait(false);
                return page.S3Objects?.Exists(o => o.Key == key) == true;
            }
            catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.Forbidden && e.ErrorCode == "AccessDenied")
            {
                // Only a missing permission; a bad signature or key fails here with its own clear error.
                _listDenied = true;
            }
        }

        try
        {
            await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _options.Bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            return false;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.Forbidden)
        {
            // A HEAD answer has no body, so a 403 does not say why; listing the key gives the server's error code
            // (and works where only s3:ListBucket is granted).
            var list = await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = key, MaxKeys = 1 }, cancellationToken).ConfigureAwait(false);
            return list.S3Objects?.Exists(o => o.Key == key) == true;
        }
    }

    private void WarnIfLate(IChunk chunk, string key)
    {
        if (_options.WarnForDelay is { } limit && chunk.Metadata.TimeKey is { } timeKey)
        {
            // As fluent-plugin-s3: measured from the slice's start (its time key), not its end.
            var start = DateTimeOffset.FromUnixTimeSeconds(timeKey);
            var now = _time.GetUtcNow();
            if (now > start + limit)
            {
                LogLate(_logger, _options.Bucket, key, (long)(now - start).TotalSeconds);
            }
        }
    }

    private async Task CheckUntilReadyAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await CheckOnceAsync(cancellationToken).ConfigureAwait(false);
                _ready = true;
                _notReadyReason = null;
                LogReady(_logger, _options.Bucket);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopped while checking: the normal end of the checks.
                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                var failure = e as S3OutputException ?? S3Errors.Classify(e, $"start check of bucket '{_options.Bucket}'", _options.Bucket);
                _notReadyReason = failure.Message;
                LogNotReady(_logger, failure.Cause, failure.Message, (long)delay.TotalSeconds);
                Metrics.Failed(failure.Cause);
            }

            try
            {
                var jitter = TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)Math.Min(delay.TotalMilliseconds / 2, 10_000)));
                await Task.Delay(delay + jitter, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMinutes(5).Ticks));
        }
    }

    private async Task CheckOnceAsync(CancellationToken cancellationToken)
    {
        if (_options.CheckBucket)
        {
            // As fluent-plugin-s3 (bucket.exists?): HEAD on the bucket (s3:ListBucket). 403 counts as existing, as the
            // AWS SDKs' BucketExists waiter has it: a policy that grants s3:ListBucket only under a prefix condition
            // denies the HEAD, yet uploads under that prefix work. Bad credentials are check_apikey_on_start's concern.
            try
            {
                await _client.HeadBucketAsync(new HeadBucketRequest { BucketName = _options.Bucket }, cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.Forbidden)
            {
                LogBucketHeadDenied(_logger, _options.Bucket);
            }
            catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                if (!_options.AutoCreateBucket)
                {
                    throw new S3OutputException(S3FailureCause.MissingBucket, $"bucket '{_options.Bucket}' does not exist and auto_create_bucket is false: create it", e);
                }

                await CreateBucketAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (_options.CheckApikeyOnStart)
        {
            try
            {
                // As fluent-plugin-s3: one key under path (as configured, placeholders unexpanded), so a policy that
                // allows s3:ListBucket only for that prefix passes.
                await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = _options.Path, MaxKeys = 1 }, cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket" && !_options.CheckBucket)
            {
                // The keys were accepted; the missing bucket is check_bucket's concern, disabled here.
            }
        }
    }

    private async Task CreateBucketAsync(CancellationToken cancellationToken)
    {
        LogCreatingBucket(_logger, _options.Bucket);
        try
        {
            await _client.PutBucketAsync(new PutBucketRequest { BucketName = _options.Bucket }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou")
        {
            // Created meanwhile by us (another flush thread or agent): what we wanted.
        }
    }

    private static IFormatter CreateFormatter(S3OutputOptions options, PluginContext ctx)
    {
        var section = options.Format;
        if (section is null)
        {
            var diagnostics = new DiagnosticBag();
            var empty = new ConfigSection("format", string.Empty, new SourceLocation("(default)", 0, 0));
            section = new ConfigBinder(ctx.Registry).BindPlugin(PluginKind.Formatter, empty, diagnostics, "out_file")?.Config
                ?? throw new InvalidOperationException("the default out_file formatter could not be built: " + string.Join("; ", diagnostics.Items));
        }

        return ctx.CreateNested<IFormatter>(section);
    }
}
