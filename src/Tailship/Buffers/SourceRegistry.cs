namespace Tailship.Buffers;

/// <summary>
/// The files the inputs of one pipeline will read, by pos_file: what a recovering file buffer asks before it drops a
/// batch whose source "will read it again" (<see cref="SourceRollback"/>). A batch is dropped only when an input of
/// this run, with that pos_file, would tail that path now; a source the configuration no longer has (a tail removed,
/// a path no longer matched, another pos_file) keeps its batches, since nothing would read them again.
/// </summary>
/// <remarks>
/// One per pipeline, shared by every plugin context; inputs register when built, before outputs start. It is also how
/// a file buffer asks the inputs to save their positions before it deletes a delivered chunk
/// (<see cref="SavePositions"/>): an input writes its pos_file at a bounded rate, and a chunk deleted while the
/// positions of its lines are committed but not yet written could not be rolled back after a crash (its lines would
/// be read and sent twice).
/// </remarks>
public sealed class SourceRegistry
{
    private readonly Lock _lock = new();
    private readonly List<(string PositionFile, Func<string, bool> Reads)> _sources = []; // guarded by _lock
    private readonly List<Action> _savers = []; // guarded by _lock

    /// <summary>
    /// Registers an input that keeps its positions in <paramref name="positionFile"/> and reads the paths
    /// <paramref name="reads"/> accepts; <paramref name="savePositions"/> writes its committed positions now.
    /// </summary>
    public void Add(string positionFile, Func<string, bool> reads, Action? savePositions = null)
    {
        var full = Path.GetFullPath(positionFile);
        lock (_lock)
        {
            _sources.Add((full, reads));
            if (savePositions is not null)
            {
                _savers.Add(savePositions);
            }
        }
    }

    /// <summary>
    /// Writes the committed positions of every registered input that has unsaved ones (a no-op for the others).
    /// Called by a file buffer before it deletes a delivered chunk.
    /// </summary>
    public void SavePositions()
    {
        Action[] savers;
        lock (_lock)
        {
            if (_savers.Count == 0)
            {
                return;
            }

            savers = [.. _savers];
        }

        foreach (var save in savers)
        {
            save();
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
