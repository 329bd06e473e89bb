using System.Buffers;

namespace Tailship.Buffers;

/// <summary>
/// A chunk kept in a file. Chunk files are crash-consistent; this is their format.
/// <para><b>Name.</b> <c>{prefix}b{id}{suffix}</c>, e.g. <c>buffer.b0f3…9a.log</c>: the chunk id (32 lower-case hex
/// digits) is taken from the name, so it is the same after a restart. Annotations live beside it in
/// <c>{name}.meta</c>, a JSON object of strings replaced atomically (write temp, fsync, rename, fsync dir).</para>
/// <para><b>Content.</b> A sequence of frames. Each frame is a 24-byte header then its payload; integers little-endian:
/// <code>
///  0  u32  magic "TSB1"
///  4  i32  stored payload length (bytes after the header)
///  8  i32  raw length (payload after decompression)
/// 12  i32  records in the frame
/// 16  u8   kind: 1 metadata, 2 records
/// 17  u8   codec: 0 text, 1 gzip, 2 zstd (each frame compressed on its own)
/// 18  u16  reserved, 0
/// 20  u32  CRC-32 (IEEE) of header bytes 0..19 followed by the payload
/// </code>
/// The first frame is the metadata (JSON: tag, timekey, variables, created in Unix ms); every later frame is one
/// appended batch of formatted events. A frame is written with one write call; the file is fsynced by a group commit
/// (one fsync covers every batch appended meanwhile) before the batch is acknowledged: before the emit returns, or,
/// for an emit carrying a delivery acknowledgement, before that acknowledgement is released (docs/delivery.md).</para>
/// <para><b>Recovery.</b> Frames are checked in order. A frame cut short or failing its checksum at the very end of the
/// file is a torn tail (a batch whose emit never returned): the file is cut after the last whole frame. A bad frame
/// followed by more data, or a first frame that is not metadata, means the chunk is damaged: the file is renamed
/// <c>{name}.damaged</c>, kept, and reported. A file without a whole metadata frame holds no acknowledged data and
/// is removed, with a log line.</para>
/// </summary>
internal sealed class FileChunk : BufferChunk, IChunkBody
{
    public const string DamagedSuffix = ".damaged";
    public const string FailedSuffix = ".failed";
    public const string MetaSuffix = ".meta";

    private readonly string _path;
    private readonly Lock _gate = new();
    private FileStream? _stream;
    private long _validLength;
    private (long Length, DateTime Modified)? _sealed; // guarded by _gate: the file as this process left it, see Seal
    private long _reserved; // guarded by _gate: blocks are reserved up to here (long.MaxValue: reservations not supported)

    private FileChunk(string path, string id, ChunkMetadata metadata, DateTimeOffset createdAt)
        : base(id, metadata, createdAt)
    {
        _path = path;
    }

    public override string Location => _path;

    /// <summary>Creates the file and writes its metadata frame (not yet fsynced: the first batch's group commit does it).</summary>
    public static FileChunk Create(string path, string id, ChunkMetadata metadata, DateTimeOffset createdAt)
    {
        // Readable too: the chunk is read back for its upload through this handle (OpenRead), so what is read is the
        // very file this process wrote, not whatever may have been renamed over its path meanwhile.
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, bufferSize: 0);
        var chunk = new FileChunk(path, id, metadata, createdAt) { Key = ChunkBuffer.KeyOf(metadata) };
        try
        {
            var json = ChunkMetadataJson.Write(metadata, createdAt);
            var frame = ChunkFrame.Build(FrameKind.Metadata, BufferCompression.Text, json, json.Length, 0, checksum: true, out var length);
            try
            {
                stream.Write(frame, 0, length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(frame);
            }

            chunk._stream = stream;
            chunk._validLength = length;
            chunk.StoredSize = length;
            return chunk;
        }
        catch
        {
            stream.Dispose();
            TryDelete(path);
            throw;
        }
    }

    /// <summary>
    /// Reads the chunk through a memory mapping (<see cref="MappedChunkStream"/>). Every frame's CRC-32 is checked,
    /// except for a chunk this process wrote and sealed whose file still has the size and modification time it had
    /// then: its frames are the bytes this process checksummed a moment ago, so a second pass over them (about 4 % of
    /// an upload's CPU) would only catch a change to the file by something else, which the size and time rule out.
    /// A chunk recovered after a restart is checked in full, as is one whose file changed.
    /// </summary>
    public override Stream OpenRead()
    {
        var validLength = Volatile.Read(ref _validLength);
        var mapped = Map(validLength, out var verify);
        return new ChunkReadStream(mapped, validLength, verify);
    }

    /// <summary>
    /// The records as a seekable stream read in place from the mapped file (<see cref="ChunkBodyStream"/>), checked as
    /// <see cref="OpenRead"/> would; null when the chunk holds compressed frames (<c>compress gzip</c>/<c>zstd</c>).
    /// </summary>
    public Stream? OpenBody()
    {
        var validLength = Volatile.Read(ref _validLength);
        var mapped = Map(validLength, out var verify);
        return ChunkBodyStream.Open(mapped, validLength, verify);
    }

    // The first validLength bytes, mapped; verify says whether the frames' checksums are to be checked (see OpenRead).
    private MappedChunkStream Map(long validLength, out bool verify)
    {
        lock (_gate)
        {
            if (_stream is { } writer)
            {
                var handle = writer.SafeFileHandle;
                verify = !(_sealed is { } seal && RandomAccess.GetLength(handle) == seal.Length && File.GetLastWriteTimeUtc(handle) == seal.Modified);
                return MappedChunkStream.Map(handle, validLength);
            }
        }

        verify = true;
        using var file = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return MappedChunkStream.Map(file, validLength);
    }

    /// <summary>
    /// Notes the file's size and modification time now that no more batches come (the chunk was queued), so that
    /// <see cref="OpenRead"/> can tell whether anything but this process changed it since.
    /// </summary>
    public override void Seal()
    {
        lock (_gate)
        {
            if (_stream is { } writer)
            {
                var handle = writer.SafeFileHandle;
                _sealed = (RandomAccess.GetLength(handle), File.GetLastWriteTimeUtc(handle));
            }
        }
    }

    public override void Append(ReadOnlySpan<byte> frame, int records, long rawLength)
    {
        lock (_gate)
        {
            var stream = _stream ?? throw new InvalidOperationException($"chunk {_path} is closed for appends");
            _sealed = null; // appended to after all: the seal no longer describes the file
            Reserve(stream, _validLength + frame.Length);
            try
            {
                stream.Position = _validLength;
                stream.Write(frame);
            }
            catch (IOException)
            {
                // Leave no partial frame behind (disk full): recovery would cut it anyway, but a later append
                // must start at a frame boundary.
                try
                {
                    stream.SetLength(_validLength);
                }
                catch (IOException)
                {
                    // The next append rewrites from _validLength and recovery cuts a torn tail, so nothing is lost.
                }

                throw;
            }

            _validLength += frame.Length;
            StoredSize = _validLength;
            RecordCount += records;
            ByteSize += rawLength;
            Frames++;
        }
    }

    /// <summary>Blocks reserved ahead of the appends, in steps of this size: at most this much reserved and unused per file.</summary>
    internal const long ReserveStep = 1 << 20;

    // Reserves the blocks up to the step boundary past end before the write that reaches end (FilePreallocation).
    private void Reserve(FileStream stream, long end)
    {
        if (end <= _reserved)
        {
            return;
        }

        var to = (end + ReserveStep - 1) / ReserveStep * ReserveStep;
        _reserved = IO.FilePreallocation.TryReserve(stream.SafeFileHandle, _reserved, to - _reserved) ? to : long.MaxValue;
    }

    public override void FlushToDisk()
    {
        lock (_gate)
        {
            _stream?.Flush(flushToDisk: true);
        }
    }

    public override void Delete()
    {
        Close();
        File.Delete(_path);
        TryDelete(_path + MetaSuffix);
    }

    public override string? MoveAside(string suffix)
    {
        Close();
        var target = _path + suffix;
        File.Move(_path, target, overwrite: true);
        if (File.Exists(_path + MetaSuffix))
        {
            File.Move(_path + MetaSuffix, target + MetaSuffix, overwrite: true);
        }

        return target;
    }

    public override void Close()
    {
        lock (_gate)
        {
            _stream?.Dispose();
            _stream = null;
        }
    }

    protected override async ValueTask PersistAnnotationsAsync(IReadOnlyDictionary<string, string> annotations, CancellationToken cancellationToken)
    {
        var target = _path + MetaSuffix;
        var temp = target + ".tmp";
        var json = ChunkMetadataJson.WriteAnnotations(annotations);
        var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(json, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, target, overwrite: true);
        IO.DirectoryFsync.Sync(Path.GetDirectoryName(Path.GetFullPath(target))!);
    }

    /// <summary>
    /// The sources of every batch in a chunk file, read from the frame headers and the source frames only (records are
    /// skipped); stops quietly at the first frame that is not whole (recovery decides what that means).
    /// </summary>
    public static List<DeliverySource> ScanSources(string path)
    {
        var sources = new List<DeliverySource>();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 4096);
        var header = new byte[ChunkFrame.HeaderSize];
        long at = 0;
        var length = stream.Length;
        while (length - at >= ChunkFrame.HeaderSize)
        {
            stream.Position = at;
            stream.ReadExactly(header);
            if (!ChunkFrame.TryReadHeader(header, out var h) || at + ChunkFrame.HeaderSize + h.StoredLength > length)
            {
                break;
            }

            if (h.Kind == FrameKind.Source)
            {
                var payload = new byte[h.StoredLength];
                stream.ReadExactly(payload);
                if (ChunkFrame.Checksum(header.AsSpan(0, 20), payload) == h.Crc && SourceFrame.Decode(payload) is { } source)
                {
                    sources.Add(source);
                }
            }

            at += ChunkFrame.HeaderSize + h.StoredLength;
        }

        return sources;
    }

    /// <summary>Checks a chunk file after a restart; see the format notes above for what each outcome means.</summary>
    /// <remarks>
    /// With <paramref name="rollback"/>, batches their source will read again (see <see cref="SourceRollback"/>) are
    /// removed: the file is rewritten without them (write temp, fsync, rename; the caller fsyncs the directory).
    /// </remarks>
    public static ChunkRecovery Recover(string path, string id, SourceRollback? rollback = null)
    {
        long length;
        long good = 0;
        var sourced = new List<(long From, long To, DeliverySource Source, int Records, int Raw)>();
        (long At, DeliverySource Source)? pendingSource = null; // a source frame waiting for its records frame
        ChunkMetadata? metadata = null;
        var created = DateTimeOffset.UnixEpoch;
        long records = 0, raw = 0;
        var frames = 0;
        string? damage = null;
        var torn = false;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 64 * 1024))
        {
            length = stream.Length;
            var header = new byte[ChunkFrame.HeaderSize];
            while (good < length)
            {
                if (length - good < ChunkFrame.HeaderSize)
                {
                    torn = true;
                    break;
                }

                stream.Position = good;
                stream.ReadExactly(header);
                if (!ChunkFrame.TryReadHeader(header, out var h))
                {
                    if (RestIsZero(stream, good, length))
                    {
                        torn = true;
                    }
                    else
                    {
                        damage = $"bad frame header at offset {good}";
                    }

                    break;
                }

                var end = good + ChunkFrame.HeaderSize + h.StoredLength;
                if (end > length)
                {
                    torn = true;
                    break;
                }

                var payload = new byte[h.StoredLength];
                stream.ReadExactly(payload);
                if (ChunkFrame.Checksum(header.AsSpan(0, 20), payload) != h.Crc)
                {
                    if (end == length)
                    {
                        torn = true;
                    }
                    else
                    {
                        damage = $"checksum mismatch in the frame at offset {good}";
                    }

                    break;
                }

                if (metadata is null)
                {
                    if (h.Kind != FrameKind.Metadata)
                    {
                        damage = "the first frame is not the chunk's metadata";
                        break;
                    }

                    try
                    {
                        (metadata, created) = ChunkMetadataJson.Read(payload);
                    }
                    catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
                    {
                        damage = $"unreadable metadata: {ex.Message}";
                        break;
                    }
                }
                else if (h.Kind == FrameKind.Records)
                {
                    records += h.Records;
                    raw += h.RawLength;
                    frames++;
                    if (pendingSource is { } src)
                    {
                        sourced.Add((src.At, end, src.Source, h.Records, h.RawLength));
                        pendingSource = null;
                    }
                }
                else if (h.Kind == FrameKind.Source && pendingSource is null && SourceFrame.Decode(payload) is { } source)
                {
                    pendingSource = (good, source);
                }
                else
                {
                    damage = h.Kind == FrameKind.Metadata ? $"a second metadata frame at offset {good}" : $"a source frame without its records at offset {good}";
                    break;
                }

                good = end;
            }
        }

        if (damage is null && pendingSource is { } orphan)
        {
            // The append that wrote the source frame was cut before its records frame: a torn tail too.
            good = orphan.At;
            torn = true;
        }

        if (damage is not null)
        {
            return new ChunkRecovery(null, ChunkRecoveryOutcome.Damaged, damage, length - good);
        }

        if (metadata is null)
        {
            return new ChunkRecovery(null, ChunkRecoveryOutcome.Empty, "no whole metadata frame: no accepted data", length);
        }

        var dropped = rollback is null ? [] : sourced.Where(f => f.To <= good && rollback.WillBeReadAgain(f.Source, out _)).ToList();
        if (dropped.Count > 0)
        {
            good = RewriteWithout(path, good, dropped.Select(f => (f.From, f.To)).ToList());
            records -= dropped.Sum(f => f.Records);
            raw -= dropped.Sum(f => f.Raw);
            frames -= dropped.Count;
            if (frames == 0 && !File.Exists(path + MetaSuffix))
            {
                // Nothing left, and nothing was sent under this chunk's name: like a chunk that never got a batch.
                return new ChunkRecovery(null, ChunkRecoveryOutcome.Empty, "every batch is read again by its source", length, dropped.Sum(f => f.Records));
            }
        }
        else if (torn)
        {
            using var cut = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            cut.SetLength(good);
            cut.Flush(flushToDisk: true);
        }

        var chunk = new FileChunk(path, id, metadata, created)
        {
            Key = ChunkBuffer.KeyOf(metadata),
            RecordCount = records,
            ByteSize = raw,
            StoredSize = good,
            Frames = frames,
            _validLength = good,
        };
        if (File.Exists(path + MetaSuffix))
        {
            chunk.LoadAnnotations(ChunkMetadataJson.ReadAnnotations(File.ReadAllBytes(path + MetaSuffix)));
        }

        return new ChunkRecovery(chunk, torn ? ChunkRecoveryOutcome.TornTailCut : ChunkRecoveryOutcome.Whole, null, length - good, dropped.Sum(f => f.Records));
    }

    /// <summary>
    /// Rewrites the first <paramref name="validLength"/> bytes of the file without the given byte ranges (whole frames,
    /// in file order): write temp, fsync, rename. Returns the new length.
    /// </summary>
    private static long RewriteWithout(string path, long validLength, List<(long From, long To)> drop)
    {
        var temp = path + ".rollback";
        long written = 0;
        using (var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 64 * 1024))
        using (var target = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 64 * 1024))
        {
            var at = 0L;
            foreach (var (from, to) in drop.Append((validLength, validLength)))
            {
                written += Copy(source, target, at, from - at);
                at = to;
            }

            target.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        return written;
    }

    private static long Copy(FileStream source, FileStream target, long from, long count)
    {
        source.Position = from;
        var buffer = new byte[64 * 1024];
        for (var left = count; left > 0;)
        {
            var n = source.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (n == 0)
            {
                throw new EndOfStreamException($"{source.Name} ended at {source.Position} while copying to {from + count}");
            }

            target.Write(buffer, 0, n);
            left -= n;
        }

        return count;
    }

    private static bool RestIsZero(FileStream stream, long from, long length)
    {
        stream.Position = from;
        var buffer = new byte[64 * 1024];
        for (var left = length - from; left > 0;)
        {
            var n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (n == 0 || buffer.AsSpan(0, n).ContainsAnyExcept((byte)0))
            {
                return n == 0;
            }

            left -= n;
        }

        return true;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: an empty or orphaned file holds no accepted data.
        }
    }
}

internal enum ChunkRecoveryOutcome
{
    Whole,
    TornTailCut,
    Damaged,
    Empty,
}

/// <summary>
/// What recovery found in one chunk file; <paramref name="BytesCut"/> counts bytes past the last whole frame, and
/// <paramref name="RecordsRolledBack"/> the records dropped because their source reads them again.
/// </summary>
internal sealed record ChunkRecovery(FileChunk? Chunk, ChunkRecoveryOutcome Outcome, string? Problem, long BytesCut, long RecordsRolledBack = 0);
