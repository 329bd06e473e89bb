using System.Globalization;
using System.Text;

namespace Tailship.Tests.Inputs.Tail;

internal enum RotationStyle
{
    /// <summary>logrotate's default: rename the file away, create a new one.</summary>
    RenameCreate,

    /// <summary>logrotate's copytruncate: copy the file away, truncate it in place.</summary>
    CopyTruncate,

    /// <summary>The file is emptied in place and written again.</summary>
    Truncate,

    /// <summary>The file is deleted (still open for the reader) and created again.</summary>
    DeleteRecreate,

    /// <summary>No rotation.</summary>
    None,
}

/// <summary>
/// A real writer on its own thread: appends numbered lines (<c>1\n</c>, <c>2\n</c>, ...) as fast as it can through a
/// small buffer, so lines reach the file in pieces, and rotates the file every <c>perGeneration</c> lines.
/// </summary>
/// <remarks>
/// Before rotating it waits, bounded, for the reader: with rename or delete, until the reader has the current file
/// open (it has seen the generation's first line); with (copy)truncate, until the reader has every line written,
/// because no tailer can read bytes a truncation removed before it got to them, and after truncating until the
/// reader noticed it (a writer that refills the file past the old offset at once makes any size check blind).
/// </remarks>
internal sealed class RotatingWriter
{
    private readonly string _path;
    private readonly int _total;
    private readonly int _perGeneration;
    private readonly RotationStyle _style;
    private readonly Func<int> _seen;
    private readonly Func<int> _truncationsSeen;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RotatingWriter(string path, int total, int perGeneration, RotationStyle style, Func<int> seenByReader, Func<int>? truncationsSeen = null)
    {
        _truncationsSeen = truncationsSeen ?? (() => int.MaxValue);
        _path = path;
        _total = total;
        _perGeneration = perGeneration;
        _style = style;
        _seen = seenByReader;
    }

    public int Rotations { get; private set; }

    public Task Completion => _done.Task;

    public RotatingWriter Start()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "rotating-writer" };
        thread.Start();
        return this;
    }

    private void Run()
    {
        try
        {
            var stream = Open(FileMode.OpenOrCreate);
            Span<byte> buf = stackalloc byte[16];
            for (var i = 1; i <= _total; i++)
            {
                i.TryFormat(buf, out var n, default, CultureInfo.InvariantCulture);
                buf[n] = (byte)'\n';
                stream.Write(buf[..(n + 1)]);
                if (_style != RotationStyle.None && i % _perGeneration == 0 && i < _total)
                {
                    stream.Flush();
                    stream = Rotate(stream, i);
                    Rotations++;
                }
            }

            stream.Dispose();
            _done.SetResult();
        }
        catch (Exception ex)
        {
            _done.SetException(ex);
        }
    }

    private FileStream Rotate(FileStream stream, int last)
    {
        var generation = last / _perGeneration;
        switch (_style)
        {
            case RotationStyle.RenameCreate:
                WaitForReader(last - _perGeneration + 1);
                stream.Dispose();
                File.Move(_path, _path + "." + generation);
                return Open(FileMode.CreateNew);
            case RotationStyle.DeleteRecreate:
                WaitForReader(last - _perGeneration + 1);
                stream.Dispose();
                File.Delete(_path);
                return Open(FileMode.CreateNew);
            case RotationStyle.CopyTruncate:
                WaitForReader(last);
                File.Copy(_path, _path + "." + generation);
                stream.SetLength(0);
                WaitFor(() => _truncationsSeen() >= generation, "the truncation to be noticed");
                return stream;
            case RotationStyle.Truncate:
                WaitForReader(last);
                stream.SetLength(0);
                WaitFor(() => _truncationsSeen() >= generation, "the truncation to be noticed");
                return stream;
            default:
                return stream;
        }
    }

    private void WaitForReader(int number) => WaitFor(() => _seen() >= number, $"line {number} (the reader saw {_seen()})");

    private static void WaitFor(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }

            Thread.Sleep(1);
        }
    }

    private FileStream Open(FileMode mode)
    {
        var stream = new FileStream(_path, mode, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 4096);
        stream.Seek(0, SeekOrigin.End);
        return stream;
    }

    public static string Expected(int total) =>
        string.Join(",", Enumerable.Range(1, total).Select(i => i.ToString(CultureInfo.InvariantCulture)));

    public static string Describe(IReadOnlyList<string> got)
    {
        var sb = new StringBuilder($"{got.Count} lines");
        for (var i = 0; i < got.Count; i++)
        {
            if (got[i] != (i + 1).ToString(CultureInfo.InvariantCulture))
            {
                sb.Append(CultureInfo.InvariantCulture, $"; first difference at index {i}: '{got[i]}', around: {string.Join(",", got.Skip(Math.Max(0, i - 3)).Take(8))}");
                break;
            }
        }

        return sb.ToString();
    }
}
