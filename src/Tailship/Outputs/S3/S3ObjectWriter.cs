using System.Buffers;
using Amazon.S3;
using Amazon.S3.Model;

namespace Tailship.Outputs.S3;

/// <summary>
/// A write-only stream that becomes one S3 object: bytes are gathered into parts of <c>partSize</c>; an object
/// that fits in one part goes by PutObject, a larger one by multipart upload with up to <c>concurrency</c> parts
/// in flight (so memory stays at most <c>(concurrency + 1) * partSize</c>). <see cref="CompleteAsync"/> finishes
/// the object; disposing without completing aborts a started multipart upload.
/// </summary>
/// <remarks>
/// Bodies are sent with <c>UseChunkEncoding = false</c>: S3-compatible servers such as Ceph 16 reject
/// <c>aws-chunked</c> bodies with trailing checksums (REFERENCE.md). Over plain HTTP the SDK signs the payload (one
/// SHA-256 pass over each body); over HTTPS (<c>unsignedPayload</c>) the payload is sent as <c>UNSIGNED-PAYLOAD</c>, as
/// aws-sdk-ruby (fluent-plugin-s3) does, because TLS already protects it, with a checksum header for the server to
/// check: <c>checksum_algorithm</c>'s, else CRC-32 (docs/s3.md, "Upload cost"). Checksums are computed here
/// (<see cref="S3Checksum"/>). Not thread-safe: one writer per object.
/// </remarks>
internal sealed class S3ObjectWriter : Stream
{
    private readonly IAmazonS3 _client;
    private readonly S3UploadRequest _request;
    private readonly int _partSize;
    private readonly SemaphoreSlim _slots;
    private readonly bool _unsignedPayload;
    private readonly List<Task<PartETag>> _parts = [];
    private readonly Queue<(byte[] Buffer, int Length)> _full = new();
    private byte[] _buffer;
    private int _filled;
    private string? _uploadId;
    private bool _completed;
    private bool _disposed;
    private long _written;

    public S3ObjectWriter(IAmazonS3 client, S3UploadRequest request, int partSize, int concurrency, bool unsignedPayload)
    {
        _client = client;
        _request = request;
        _partSize = partSize;
        _unsignedPayload = unsignedPayload;
        _slots = new SemaphoreSlim(Math.Max(1, concurrency));
        _buffer = []; // rented at the first write: an object sent by PutAsync needs none
    }

    /// <summary>Why aborting a failed multipart upload failed too (the parts then wait for the bucket's lifecycle rule).</summary>
    public Exception? AbortError { get; private set; }

    /// <summary>Parts uploaded, 0 for a single PutObject.</summary>
    public int PartCount => _parts.Count;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _written;

    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <summary>Synchronous writes (a compressor's last block) only queue full parts; the next async call sends them.</summary>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            EnsureBuffer();
            var n = Math.Min(buffer.Length, _partSize - _filled);
            buffer[..n].CopyTo(_buffer.AsSpan(_filled));
            Advance(n);
            buffer = buffer[n..];
        }
    }

    /// <summary>
    /// The free space of the part being filled, never empty, for a reader to fill in place (one copy fewer than
    /// <see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>); then <see cref="AdvanceAsync"/> with the count.
    /// </summary>
    public Memory<byte> GetFreeMemory()
    {
        EnsureBuffer();
        return _buffer.AsMemory(_filled, _partSize - _filled);
    }

    /// <summary>Takes <paramref name="count"/> bytes written into <see cref="GetFreeMemory"/>, and sends a part filled by them.</summary>
    public Task AdvanceAsync(int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _partSize - _filled);
        Advance(count);
        return _full.Count == 0 ? Task.CompletedTask : SendFullPartsAsync(cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        await SendFullPartsAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Flush()
    {
    }


    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Sends what remains and finishes the object.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_uploadId is null && _full.Count == 0)
        {
            await PutSingleAsync(cancellationToken).ConfigureAwait(false);
            _completed = true;
            return;
        }

        if (_filled > 0)
        {
            _full.Enqueue((_buffer, _filled));
            _buffer = [];
            _filled = 0;
        }

        await SendFullPartsAsync(cancellationToken).ConfigureAwait(false);
        var etags = await Task.WhenAll(_parts).ConfigureAwait(false);
        var complete = new CompleteMultipartUploadRequest
        {
            BucketName = _request.Bucket,
            Key = _request.Key,
            UploadId = _uploadId,
            PartETags = [.. etags.OrderBy(p => p.PartNumber)],
        };

        // Ceph 16 answers CompleteMultipartUpload with an empty ETag (Red Hat BZ 2266579): not a failure.
        await _client.CompleteMultipartUploadAsync(complete, cancellationToken).ConfigureAwait(false);
        _completed = true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            // Only reached by a synchronous Dispose; the owner uses DisposeAsync.
            ReleaseAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await ReleaseAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private async ValueTask ReleaseAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_uploadId is not null && !_completed)
        {
            await AbortAsync().ConfigureAwait(false);
        }

        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

        while (_full.TryDequeue(out var part))
        {
            ArrayPool<byte>.Shared.Return(part.Buffer);
        }

        _slots.Dispose();
    }

    private async Task AbortAsync()
    {
        // Let the parts in flight end first, or they would recreate parts after the abort.
        try
        {
            await Task.WhenAll(_parts).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The failure that got us here is already being thrown to the caller; this wait only orders the abort.
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _client.AbortMultipartUploadAsync(
                new AbortMultipartUploadRequest { BucketName = _request.Bucket, Key = _request.Key, UploadId = _uploadId },
                timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Reported by the owner through AbortError; throwing here would hide the failure being reported.
            AbortError = e;
        }

        _uploadId = null;
    }

    private void EnsureBuffer()
    {
        if (_buffer.Length == 0)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(_partSize);
        }
    }

    private void Advance(int count)
    {
        _filled += count;
        _written += count;
        if (_filled == _partSize)
        {
            _full.Enqueue((_buffer, _filled));
            _buffer = []; // the next write rents the next part
            _filled = 0;
        }
    }

    /// <summary><c>checksum_algorithm</c>; over HTTPS without it, CRC-32, which stands in for the payload signature.</summary>
    private ChecksumAlgorithm? Checksum => _request.ChecksumAlgorithm ?? (_unsignedPayload ? ChecksumAlgorithm.CRC32 : null);

    private async Task PutSingleAsync(CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(_buffer, 0, _filled, writable: false);
        var checksum = Checksum is { } algorithm ? S3Checksum.Compute(algorithm, _buffer.AsSpan(0, _filled)) : null;
        await PutAsync(body, checksum, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends <paramref name="body"/> (seekable, positioned at its start, left open) as the whole object by PutObject, in
    /// place of writing to this stream and completing it: for a body that is already at hand in one piece (a chunk
    /// file's records, <see cref="Buffers.ChunkBodyStream"/>), so no part buffer is filled. The SDK reads the body for
    /// the payload hash (over HTTP), then to send it, and rewinds it for a retry.
    /// </summary>
    public async Task PutAsync(Stream body, CancellationToken cancellationToken)
    {
        if (_written > 0 || _uploadId is not null)
        {
            throw new InvalidOperationException("PutAsync sends a whole object: nothing may have been written before");
        }

        var checksum = Checksum is { } algorithm ? S3Checksum.Compute(algorithm, body) : null;
        await PutAsync(body, checksum, cancellationToken).ConfigureAwait(false);
        _written = body.Length;
        _completed = true;
    }

    private async Task PutAsync(Stream body, string? checksum, CancellationToken cancellationToken)
    {
        var put = new PutObjectRequest
        {
            BucketName = _request.Bucket,
            Key = _request.Key,
            InputStream = body,
            AutoCloseStream = false,
            UseChunkEncoding = false,
        };
        _request.ApplyObjectSettings(put.Headers, put.Metadata);
        if (checksum is not null)
        {
            S3Checksum.Apply(put, Checksum!, checksum);
        }

        put.DisablePayloadSigning = _unsignedPayload;

        await _client.PutObjectAsync(put, cancellationToken).ConfigureAwait(false);
    }

    private async Task SendFullPartsAsync(CancellationToken cancellationToken)
    {
        while (_full.TryDequeue(out var part))
        {
            if (_uploadId is null)
            {
                var initiate = new InitiateMultipartUploadRequest { BucketName = _request.Bucket, Key = _request.Key };
                _request.ApplyObjectSettings(initiate.Headers, initiate.Metadata);
                if (Checksum is { } algorithm)
                {
                    // The parts carry this checksum: the upload is created for it (S3 refuses part checksums of
                    // another algorithm than the upload's).
                    initiate.ChecksumAlgorithm = algorithm;
                }

                _uploadId = (await _client.InitiateMultipartUploadAsync(initiate, cancellationToken).ConfigureAwait(false)).UploadId;
            }

            // A slot is taken before the part is started and released when it ends: bounded memory and parallelism.
            try
            {
                await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(part.Buffer);
                throw;
            }

            _parts.Add(UploadPartAsync(_parts.Count + 1, part.Buffer, part.Length, cancellationToken));
            if (_parts.Find(t => t.IsFaulted) is { } failed)
            {
                await failed.ConfigureAwait(false);
            }
        }
    }

    private async Task<PartETag> UploadPartAsync(int number, byte[] buffer, int length, CancellationToken cancellationToken)
    {
        try
        {
            using var body = new MemoryStream(buffer, 0, length, writable: false);
            var request = new UploadPartRequest
            {
                BucketName = _request.Bucket,
                Key = _request.Key,
                UploadId = _uploadId,
                PartNumber = number,
                PartSize = length,
                InputStream = body,
                UseChunkEncoding = false,
            };
            _request.ApplySseCustomer(request);
            var checksum = Checksum is { } algorithm ? S3Checksum.Compute(algorithm, buffer.AsSpan(0, length)) : null;
            if (checksum is not null)
            {
                S3Checksum.Apply(request, Checksum!, checksum);
            }

            request.DisablePayloadSigning = _unsignedPayload;
            var response = await _client.UploadPartAsync(request, cancellationToken).ConfigureAwait(false);

            // CompleteMultipartUpload names each part's checksum when the upload was created with one.
            var etag = new PartETag(number, response.ETag);
            if (checksum is not null)
            {
                S3Checksum.Apply(etag, Checksum!, checksum);
            }

            return etag;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _slots.Release();
        }
    }
}
