using System.Text.Json;

namespace Tailship.Outputs.S3;

/// <summary>
/// The next free <c>%{index}</c> of each key slot (the object key rendered with everything but the index), kept
/// locally so that uploads need no HEAD probing and flush threads cannot race for an index.
/// </summary>
/// <remarks>
/// File format (<c>s3_index.json</c> in the buffer directory), rewritten whole on every allocation by
/// write-temp, fsync, rename, so a crash leaves either the old or the new file:
/// <c>{"version":1,"slots":[{"slot":"logs/202611260120_%{index}.txt","next":2,"used":1764120060}]}</c>.
/// <c>used</c> is the Unix time of the slot's last allocation; slots unused for <see cref="Retention"/> are
/// dropped (their time slices are long closed). Invariant: an index is saved as used before any chunk's
/// key holding it is recorded, so after a crash an index may be skipped but is never given twice.
/// All members are called under the owner's lock.
/// </remarks>
internal sealed class S3IndexStore
{
    public const string FileName = "s3_index.json";

    private static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    private readonly string? _path;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, Slot> _slots = new(StringComparer.Ordinal);

    private S3IndexStore(string? path, TimeProvider time)
    {
        _path = path;
        _time = time;
    }

    /// <summary>Loads the record from <paramref name="directory"/>, or keeps it in memory when null.</summary>
    public static S3IndexStore Open(string? directory, TimeProvider time)
    {
        var store = new S3IndexStore(directory is null ? null : Path.Combine(directory, FileName), time);
        if (store._path is not null && System.IO.File.Exists(store._path))
        {
            store.Load(System.IO.File.ReadAllBytes(store._path));
        }

        return store;
    }

    public bool TryGetNext(string slot, out long next)
    {
        var found = _slots.TryGetValue(slot, out var s);
        next = found ? s.Next : 0;
        return found;
    }

    /// <summary>Records <paramref name="index"/> as used (next free is index + 1) and saves durably.</summary>
    public void MarkUsed(string slot, long index)
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        _slots[slot] = new Slot(index + 1, now);
        var cutoff = now - (long)Retention.TotalSeconds;
        foreach (var stale in _slots.Where(kv => kv.Value.Used < cutoff).Select(kv => kv.Key).ToList())
        {
            _slots.Remove(stale);
        }

        Save();
    }

    private void Load(byte[] bytes)
    {
        using var doc = JsonDocument.Parse(bytes);
        foreach (var e in doc.RootElement.GetProperty("slots").EnumerateArray())
        {
            _slots[e.GetProperty("slot").GetString()!] = new Slot(e.GetProperty("next").GetInt64(), e.GetProperty("used").GetInt64());
        }
    }

    private void Save()
    {
        if (_path is null)
        {
            return;
        }

        var temp = _path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var json = new Utf8JsonWriter(file))
            {
                json.WriteStartObject();
                json.WriteNumber("version", 1);
                json.WriteStartArray("slots");
                foreach (var (slot, s) in _slots)
                {
                    json.WriteStartObject();
                    json.WriteString("slot", slot);
                    json.WriteNumber("next", s.Next);
                    json.WriteNumber("used", s.Used);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            file.Flush(flushToDisk: true);
        }

        System.IO.File.Move(temp, _path, overwrite: true);
    }

    private readonly record struct Slot(long Next, long Used);
}
