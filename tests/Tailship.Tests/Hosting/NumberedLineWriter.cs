using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Tailship.Tests.Hosting;

/// <summary>
/// Appends numbered lines (<c>00000042 pad...</c>) to a log file from a background task at about a given rate, the way
/// a busy application writes its log while the agent is killed and restarted. Line N is always the N-th line of the
/// file, so a reader can tell exactly which ones arrived.
/// </summary>
internal sealed class NumberedLineWriter : IAsyncDisposable
{
    /// <summary>The filler after the number: makes lines about 80 bytes, like real log lines.</summary>
    private const string Padding = " the quick brown fox jumps over the lazy dog 0123456789 abcdefghijklm";

    private readonly string _path;
    private readonly int _linesPerSecond;
    private readonly int _maxLines;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _written;

    public NumberedLineWriter(string path, int linesPerSecond, int maxLines)
    {
        _path = path;
        _linesPerSecond = linesPerSecond;
        _maxLines = maxLines;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Lines written (flushed to the file) so far.</summary>
    public int Written => Volatile.Read(ref _written);

    /// <summary>The number a line of the file carries, or -1 when <paramref name="message"/> is not such a line.</summary>
    public static int NumberOf(string message) =>
        message.Length >= 8 && int.TryParse(message.AsSpan(0, 8), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && message.AsSpan(8).SequenceEqual(Padding)
            ? n
            : -1;

    /// <summary>Stops writing and returns how many lines the file holds.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        return Written;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        await using var file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        var clock = Stopwatch.StartNew();
        var text = new StringBuilder();
        while (!_stop.IsCancellationRequested && _written < _maxLines)
        {
            // Catch up to the rate in bursts (at most a tenth of a second's worth), as a logging library flushes.
            var due = Math.Min(_maxLines, (int)(clock.Elapsed.TotalSeconds * _linesPerSecond));
            var count = Math.Min(due - _written, Math.Max(1, _linesPerSecond / 10));
            if (count > 0)
            {
                text.Clear();
                for (var i = _written; i < _written + count; i++)
                {
                    text.Append(i.ToString("D8", CultureInfo.InvariantCulture)).Append(Padding).Append('\n');
                }

                var bytes = Encoding.ASCII.GetBytes(text.ToString());
                await file.WriteAsync(bytes);
                await file.FlushAsync();
                Volatile.Write(ref _written, _written + count);
                continue;
            }

            try
            {
                await Task.Delay(5, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}
