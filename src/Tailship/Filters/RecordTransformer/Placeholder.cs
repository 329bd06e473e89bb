namespace Tailship.Filters.RecordTransformer;

internal enum PlaceholderKind
{
    Tag,
    TagParts,
    TagPrefix,
    TagSuffix,
    Hostname,
    Time,
    Record,

    /// <summary>Not a placeholder Fluentd v1 defines without Ruby: it expands to nil (empty text).</summary>
    Unknown,
}

/// <summary>
/// One <c>${...}</c> (or <c>__NAME__</c>) of a template, resolved to what it names when the configuration is read.
/// Fluentd looks placeholders up by their exact text, so only the canonical spellings are known:
/// <c>${tag_parts[1]}</c> and <c>${tag_parts[-1]}</c>, not <c>${tag_parts[01]}</c>; <c>${record["k"]}</c> with
/// double quotes.
/// </summary>
internal readonly record struct Placeholder(string Text, PlaceholderKind Kind, int Index = 0, string? Key = null)
{
    public const string Supported = "${tag}, ${tag_parts[N]}, ${tag_prefix[N]}, ${tag_suffix[N]} (N may be negative), ${hostname}, ${time}, ${record[\"KEY\"]}";

    public static Placeholder Parse(string text)
    {
        switch (text)
        {
            case "${tag}":
                return new(text, PlaceholderKind.Tag);
            case "${hostname}":
                return new(text, PlaceholderKind.Hostname);
            case "${time}":
                return new(text, PlaceholderKind.Time);
        }

        const string recordOpen = "${record[\"";
        const string recordClose = "\"]}";
        if (text.StartsWith(recordOpen, StringComparison.Ordinal) && text.EndsWith(recordClose, StringComparison.Ordinal)
            && text.Length >= recordOpen.Length + recordClose.Length)
        {
            return new(text, PlaceholderKind.Record, Key: text[recordOpen.Length..^recordClose.Length]);
        }

        foreach (var (name, kind) in Indexed)
        {
            if (text.StartsWith(name, StringComparison.Ordinal) && text.EndsWith("]}", StringComparison.Ordinal)
                && TryParseCanonicalInteger(text.AsSpan(name.Length, text.Length - name.Length - 2), out var index))
            {
                return new(text, kind, index);
            }
        }

        return new(text, PlaceholderKind.Unknown);
    }

    private static readonly (string Name, PlaceholderKind Kind)[] Indexed =
    [
        ("${tag_parts[", PlaceholderKind.TagParts),
        ("${tag_prefix[", PlaceholderKind.TagPrefix),
        ("${tag_suffix[", PlaceholderKind.TagSuffix),
    ];

    // The integer as Ruby prints it: no plus sign, no leading zeros, no "-0".
    private static bool TryParseCanonicalInteger(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        var digits = s.StartsWith("-") ? s[1..] : s;
        if (digits.IsEmpty || digits.Length > 9 || (digits[0] == '0' && (digits.Length > 1 || s.Length != digits.Length)))
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        value = s.Length == digits.Length ? value : -value;
        return true;
    }
}
