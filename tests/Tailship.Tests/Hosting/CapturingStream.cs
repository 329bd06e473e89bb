using System.Text;

namespace Tailship.Tests.Hosting;

/// <summary>A write-only stream that keeps what was written as text and lets a test await a piece of it.</summary>
internal sealed class CapturingStream : Stream
{
    private readonly ObservedText _text = new();

    public string Text => _text.Text;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public IReadOnlyList<string> Lines => Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Completes when <paramref name="marker"/> has been written (at once if it already was).</summary>
    public Task WaitForAsync(string marker) => _text.WaitForAsync(marker);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) => _text.Append(Encoding.UTF8.GetString(buffer));

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
