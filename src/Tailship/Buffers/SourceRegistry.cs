namespace Tailship.Buffers;

/// <summary>
/// The files the inputs of one pipeline will read, by pos_file: what a recovering file buffer asks before it drops a
/// batch whose source "will read it again" (<see cref="SourceRollback"/>). A batch is dropped only when an input of
/// this run, with that pos_file, would tail that path now; a source the configuration no longer has (a tail removed,
/// a path no longer matched, another pos_file) keeps its batches, since nothing would read them again.
/// </summary>
/// <remarks>One per pipeline, shared by every plugin context; inputs register when built, before outputs start.</remarks>
public sealed class SourceRegistry
{
    private readonly Lock _lock = new();
    private readonly List<(string PositionFile, Func<string, bool> Reads)> _sources = []; // guarded by _lock

    /// <summary>Registers an input that keeps its positions in <paramref name="positionFile"/> and reads the paths <paramref name="reads"/> accepts.</summary>
    public void Add(string positionFile, Func<string, bool> reads)
    {
        var full = Path.GetFullPath(positionFile);
        lock (_lock)
        {
            _sources.Add((full, reads));
        }
    }

    /// <summary>True when an input of this pipeline with <paramref name="positionFile"/> would read <paramref name="path"/>.</summary>
    public bool WillRead(string positionFile, string path)
    {
        var full = Path.GetFullPath(positionFile);
        List<Func<string, bool>> candidates;
        lock (_lock)
        {
            candidates = [.. _sources.Where(s => string.Equals(s.PositionFile, full, StringComparison.Ordinal)).Select(s => s.Reads)];
        }

        return candidates.Exists(reads => reads(path));
    }
}
