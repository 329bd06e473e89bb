using System.Text;

namespace Tailship.Parsers;

/// <summary>
/// Remembers the field name decoded at each position, so that lines with the same names in the same order (the
/// usual case for ltsv and json) reuse the key strings instead of decoding them again. Safe for concurrent use:
/// an entry is an immutable object swapped whole; a race only costs one extra decode.
/// </summary>
internal sealed class KeyCache
{
    private const int Positions = 64;
    private readonly Entry?[] _entries = new Entry?[Positions];

    public string Get(ReadOnlySpan<byte> utf8, int position)
    {
        if ((uint)position >= Positions)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        var entry = Volatile.Read(ref _entries[position]);
        if (entry is not null && entry.Utf8.AsSpan().SequenceEqual(utf8))
        {
            return entry.Key;
        }

        var key = Encoding.UTF8.GetString(utf8);
        Volatile.Write(ref _entries[position], new Entry(utf8.ToArray(), key));
        return key;
    }

    private sealed record Entry(byte[] Utf8, string Key);
}
