using Tailship.Config;

namespace Tailship.Outputs.Copy;

/// <summary>How each store gets the events (Fluentd's <c>copy_mode</c>).</summary>
internal enum CopyMode
{
    /// <summary>Every store gets the same batch; a store that changes records changes them for the next ones.</summary>
    NoCopy,

    /// <summary>Each store gets its own records (top-level keys copied, nested values shared).</summary>
    Shallow,

    /// <summary>Each store gets its own records, nested maps and arrays included.</summary>
    Deep,
}

/// <param name="Section">The bound <c>&lt;store&gt;</c>, holding its output plugin.</param>
/// <param name="IgnoreError">From <c>&lt;store ignore_error&gt;</c>: a failure of this store is logged and does not fail the emit.</param>
/// <param name="IgnoreIfPrevSuccess">From <c>&lt;store ignore_if_prev_success&gt;</c>: skipped when the previous store succeeded.</param>
internal sealed record CopyStore(SectionConfig Section, bool IgnoreError, bool IgnoreIfPrevSuccess);

internal sealed record CopyOptions(CopyMode Mode, IReadOnlyList<CopyStore> Stores);
