using Microsoft.Extensions.Logging;
using Tailship.Observability;
using Tailship.Plugins;

namespace Tailship.Inputs.Tail;

/// <summary>What every file's reading loop of one tail source shares.</summary>
internal sealed class TailRuntime
{
    public required TailOptions Options { get; init; }

    public required IEventRouter Router { get; init; }

    public required IParser Parser { get; init; }

    public required PositionStore Positions { get; init; }

    public required IPositionCommitPolicy CommitPolicy { get; init; }

    public required ILogger Logger { get; init; }

    public required TimeProvider Time { get; init; }

    public required WarningLimiter Warnings { get; init; }

    public required TailTag Tag { get; init; }

    public required IReadOnlyList<IFileChangeNotifier> Notifiers { get; init; }

    /// <summary>The once-a-second stat sweep (<c>enable_watch_timer</c>), or null.</summary>
    public StatSweep? Sweep { get; init; }

    /// <summary>Asks the input to expand the paths again now (a file was created, renamed or rotated).</summary>
    public required Action RequestRescan { get; init; }

    /// <summary>The input's exported metrics: lines and bytes read are counted per read, not per line.</summary>
    public required PluginMetrics Metrics { get; init; }

    /// <summary>Called by a loop after each pass with its file's lag (bytes behind the end), to publish the input's.</summary>
    public required Action<TailWatch> LagChanged { get; init; }

    /// <summary>Called by a loop when its file is let go for good.</summary>
    public required Action<TailWatch> WatchEnded { get; init; }

    /// <summary>Cancelled when the input stops: no new reads start.</summary>
    public required CancellationToken Stopping { get; init; }

    /// <summary>Cancelled when the stop deadline passes: an emit in flight is abandoned (its lines stay unread).</summary>
    public required CancellationToken Aborting { get; init; }
}
