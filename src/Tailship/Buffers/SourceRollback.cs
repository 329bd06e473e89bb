using System.Globalization;
using Tailship.Inputs.Tail;

namespace Tailship.Buffers;

/// <summary>
/// Decides, when a file buffer recovers after a crash, which batches to drop because their source will read them
/// again. The tail saves a position only after the file buffer fsynced the batch, so a crash between the two leaves
/// the batch in the buffer while the pos_file still points before it: the tail reads it again, and without this the
/// buffer would hold it twice. A batch is dropped only when all of these hold (else it is kept: a duplicate is better
/// than a loss):
/// <list type="bullet">
/// <item>its pos_file has an entry for its path with the same inode, still watched, saved at or before the batch's start;</item>
/// <item>an input of this run keeps its positions in that pos_file and tails that path (<see cref="SourceRegistry"/>): a
/// configuration changed across the crash may no longer read it;</item>
/// <item>the file at that path still has that inode and is at least as long as the batch's end (the lines are there to be read again);</item>
/// <item>no two batches of that file in the buffer overlap (<see cref="Observe"/>): after a copytruncate the same offsets
/// name other bytes, and a dropped batch of the old content would never be read again.</item>
/// </list>
/// One instance serves one recovery: each pos_file is read once; every chunk's sources are observed first.
/// </summary>
internal sealed class SourceRollback
{
    private readonly Dictionary<string, Dictionary<string, (ulong Inode, ulong Offset)>?> _positions = new(StringComparer.Ordinal);
    private readonly HashSet<(string PositionFile, string Path, ulong Inode)> _ambiguous = [];
    private readonly Dictionary<(string PositionFile, string Path), bool> _configured = [];
    private readonly SourceRegistry? _sources;

    /// <param name="sources">The files this run's inputs will read; null (a buffer built alone) trusts the pos_file alone.</param>
    public SourceRollback(SourceRegistry? sources = null) => _sources = sources;

    /// <summary>
    /// Takes every batch source found in the buffer before any is judged. A file whose batches overlap, other than the
    /// parts of one batch split across chunks (same batch id), is left alone (its offsets went back: copytruncate, a
    /// truncation, lines read twice): they no longer say which bytes a batch held, so none of its batches is dropped.
    /// </summary>
    public void Observe(IEnumerable<DeliverySource> sources)
    {
        foreach (var group in sources.GroupBy(s => (s.PositionFile, s.Path, s.Inode)))
        {
            // A batch split across chunks (time slices, keys) is stored once per chunk with the same range.
            var ranges = group.Select(s => (s.StartOffset, s.EndOffset, s.BatchId)).Distinct().OrderBy(r => r.StartOffset).ThenBy(r => r.EndOffset).ToList();
            var end = long.MinValue;
            foreach (var (start, stop, _) in ranges)
            {
                if (start < end)
                {
                    _ambiguous.Add(group.Key);
                    break;
                }

                end = Math.Max(end, stop);
            }
        }
    }

    /// <summary>True when the source will read the batch's lines again, so the buffer must drop its copy.</summary>
    public bool WillBeReadAgain(DeliverySource source, out long savedOffset)
    {
        savedOffset = -1;
        if (_ambiguous.Contains((source.PositionFile, source.Path, source.Inode))
            || Positions(source.PositionFile) is not { } entries
            || !entries.TryGetValue(source.Path, out var entry)
            || entry.Inode != source.Inode
            || entry.Offset == PositionStore.UnwatchedOffset
            || entry.Offset > (ulong)source.StartOffset
            || !StillConfigured(source))
        {
            return false;
        }

        savedOffset = (long)entry.Offset;
        return FileStatReader.TryStat(source.Path, out var stat) == FileStatError.None
            && stat.Inode == source.Inode
            && stat.Size >= source.EndOffset;
    }

    /// <summary>Whether an input of this run will read the source's path again (the configuration may have changed across the crash).</summary>
    private bool StillConfigured(DeliverySource source)
    {
        if (_sources is null)
        {
            return true;
        }

        var key = (source.PositionFile, source.Path);
        if (!_configured.TryGetValue(key, out var configured))
        {
            configured = _sources.WillRead(source.PositionFile, source.Path);
            _configured[key] = configured;
        }

        return configured;
    }

    private Dictionary<string, (ulong Inode, ulong Offset)>? Positions(string posFile)
    {
        if (_positions.TryGetValue(posFile, out var cached))
        {
            return cached;
        }

        Dictionary<string, (ulong, ulong)>? entries = null;
        try
        {
            if (File.Exists(posFile))
            {
                entries = new(StringComparer.Ordinal);
                foreach (var line in File.ReadAllLines(posFile))
                {
                    // Fluentd's format: PATH TAB OFFSET(16 hex) TAB INODE(16 hex); the last line of a path wins.
                    var fields = line.Split('\t');
                    if (fields.Length == 3
                        && ulong.TryParse(fields[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var offset)
                        && ulong.TryParse(fields[2], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var inode))
                    {
                        entries[fields[0]] = (inode, offset);
                    }
                }
            }
        }
        catch (IOException)
        {
            // Unreadable: keep every batch (at least once).
            entries = null;
        }
        catch (UnauthorizedAccessException)
        {
            entries = null;
        }

        _positions[posFile] = entries;
        return entries;
    }
}
