using System.Buffers;
using System.Text;

namespace Tailship.Formatters;

internal static class BufferWriterExtensions
{
    /// <summary>Writes a .NET string as UTF-8 without an intermediate array (a lone surrogate becomes U+FFFD).</summary>
    public static void WriteUtf8(this IBufferWriter<byte> output, string text) => output.WriteUtf8(text.AsSpan());

    /// <summary>Writes UTF-16 text as UTF-8 without an intermediate array (a lone surrogate becomes U+FFFD).</summary>
    public static void WriteUtf8(this IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        if (text.Length <= 4096)
        {
            var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
            output.Advance(Encoding.UTF8.GetBytes(text, span));
            return;
        }

        Span<byte> chunk = stackalloc byte[3072];
        var rest = text;
        while (!rest.IsEmpty)
        {
            var status = System.Text.Unicode.Utf8.FromUtf16(rest, chunk, out var read, out var written);
            output.Write(chunk[..written]);
            rest = rest[read..];
            if (status == OperationStatus.Done)
            {
                break;
            }
        }
    }

    public static void WriteByte(this IBufferWriter<byte> output, byte b)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
    }
}
