using Microsoft.Extensions.Logging;

namespace Tailship.Buffers;

/// <summary>Where a buffer's chunks live: memory, or files in a directory.</summary>
internal interface IChunkStore
{
    /// <summary>True when an appended and synced batch survives the process (file buffer).</summary>
    bool Durable { get; }

    BufferChunk Create(ChunkMetadata metadata, DateTimeOffset createdAt);

    /// <summary>Chunks left by an earlier run, oldest first; damaged ones are moved aside and reported.</summary>
    IReadOnlyList<BufferChunk> Recover();

    /// <summary>Makes created files durable (directory fsync); called by the group commit.</summary>
    void SyncDirectory();
}

internal sealed class MemoryChunkStore : IChunkStore
{
    public bool Durable => false;

    public BufferChunk Create(ChunkMetadata metadata, DateTimeOffset createdAt) =>
        new MemoryChunk(Guid.NewGuid().ToString("N"), metadata, createdAt) { Key = ChunkBuffer.KeyOf(metadata) };

    public IReadOnlyList<BufferChunk> Recover() => [];

    public void SyncDirectory()
    {
    }
}

/// <summary>Chunk files named <c>{prefix}b{32 hex}{suffix}</c> in one directory (see <see cref="FileChunk"/>).</summary>
internal sealed partial class FileChunkStore : IChunkStore
{
    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    private readonly string _directory;
    private readonly string _prefix;
    private readonly string _suffix;
    private readonly ILogger _logger;
    private readonly BufferCounters _counters;
    private readonly SourceRegistry? _sources;
    private int _directoryDirty;

    public FileChunkStore(string pattern, ILogger logger, BufferCounters counters, SourceRegistry? sources = null)
    {
        _sources = sources;
        (_directory, _prefix, _suffix) = FileBufferPath.Split(pattern);
        _directory = Path.GetFullPath(_directory);
        _logger = logger;
        _counters = counters;
    }

    public bool Durable => true;

    public string Directory => _directory;

    public BufferChunk Create(ChunkMetadata metadata, DateTimeOffset createdAt)
    {
        System.IO.Directory.CreateDirectory(_directory);
        var id = Guid.NewGuid().ToString("N");
        var chunk = FileChunk.Create(Path.Combine(_directory, $"{_prefix}b{id}{_suffix}"), id, metadata, createdAt);
        Volatile.Write(ref _directoryDirty, 1);
        return chunk;
    }

    public void SyncDirectory()
    {
        if (Interlocked.Exchange(ref _directoryDirty, 0) == 1)
        {
            try
            {
                IO.DirectoryFsync.Sync(_directory);
            }
            catch
            {
                Volatile.Write(ref _directoryDirty, 1);
                throw;
            }
        }
    }

    public IReadOnlyList<BufferChunk> Recover()
    {
        if (!System.IO.Directory.Exists(_directory))
        {
            return [];
        }

        var chunks = new List<BufferChunk>();
        var rollback = new SourceRollback(_sources);
        foreach (var stale in System.IO.Directory.EnumerateFiles(_directory, _prefix + "*" + _suffix + ".rollback"))
        {
            // A rewrite cut short by a crash; the chunk file itself is still whole.
            File.Delete(stale);
        }

        var candidates = new List<(string Path, string Id)>();
        foreach (var path in System.IO.Directory.EnumerateFiles(_directory, _prefix + "*" + _suffix))
        {
            var name = Path.GetFileName(path);
            var middle = name.Substring(_prefix.Length, name.Length - _prefix.Length - _suffix.Length);
            if (middle.Length == 33 && middle[0] is ('b' or 'q') && !middle.AsSpan(1).ContainsAnyExcept(LowerHex))
            {
                candidates.Add((path, middle[1..]));
            }
        }

        foreach (var (path, _) in candidates)
        {
            // Every batch's source first: the rollback must see all of a file's batches before it drops any.
            rollback.Observe(FileChunk.ScanSources(path));
        }

        foreach (var (path, id) in candidates)
        {
            var result = FileChunk.Recover(path, id, rollback);
            if (result.RecordsRolledBack > 0)
            {
                LogRolledBack(_logger, path, result.RecordsRolledBack);
            }

            switch (result.Outcome)
            {
                case ChunkRecoveryOutcome.Whole:
                    chunks.Add(result.Chunk!);
                    break;
                case ChunkRecoveryOutcome.TornTailCut:
                    LogTornTail(_logger, path, result.BytesCut, result.Chunk!.RecordCount);
                    chunks.Add(result.Chunk);
                    break;
                case ChunkRecoveryOutcome.Damaged:
                    File.Move(path, path + FileChunk.DamagedSuffix, overwrite: true);
                    _counters.AddDamagedChunk();
                    LogDamaged(_logger, path, path + FileChunk.DamagedSuffix, result.Problem!);
                    break;
                case ChunkRecoveryOutcome.Empty:
                    if (result.RecordsRolledBack == 0)
                    {
                        LogEmpty(_logger, path, result.BytesCut);
                    }

                    File.Delete(path);
                    break;
            }
        }

        IO.DirectoryFsync.Sync(_directory);
        chunks.Sort((a, b) => a.CreatedAt.CompareTo(b.CreatedAt));
        return chunks;
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "buffer chunk {Path}: cut a torn tail of {Bytes} bytes (a batch whose emit never returned); {Records} records kept")]
    private static partial void LogTornTail(ILogger logger, string path, long bytes, long records);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Error, Message = "buffer chunk {Path} is damaged ({Problem}); moved aside to {Target}, kept for an operator to inspect")]
    private static partial void LogDamaged(ILogger logger, string path, string target, string problem);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Information, Message = "buffer chunk {Path}: removed {Records} records that their tail input had not saved as read before the restart; it reads them again (so they are buffered once)")]
    private static partial void LogRolledBack(ILogger logger, string path, long records);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "buffer chunk {Path} holds no whole metadata frame ({Bytes} bytes, no accepted data); removed")]
    private static partial void LogEmpty(ILogger logger, string path, long bytes);
}
