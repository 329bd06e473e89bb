using System.IO.Compression;
using ZstdSharp;

namespace Tailship.Buffers;

/// <summary>Compresses one batch's payload as <c>compress</c> asks, and back. Each frame is compressed on its own.</summary>
internal static class ChunkCodec
{
    public static byte[] Compress(BufferCompression codec, ReadOnlySpan<byte> raw)
    {
        switch (codec)
        {
            case BufferCompression.Gzip:
                using (var ms = new MemoryStream(raw.Length / 4 + 64))
                {
                    using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
                    {
                        gz.Write(raw);
                    }

                    return ms.ToArray();
                }

            case BufferCompression.Zstd:
                using (var compressor = new Compressor(1))
                {
                    return compressor.Wrap(raw).ToArray();
                }

            default:
                return raw.ToArray();
        }
    }

    public static byte[] Decompress(BufferCompression codec, ReadOnlySpan<byte> stored, int rawLength)
    {
        switch (codec)
        {
            case BufferCompression.Gzip:
                var output = new byte[rawLength];
                using (var gz = new GZipStream(new MemoryStream(stored.ToArray()), CompressionMode.Decompress))
                {
                    gz.ReadExactly(output);
                }

                return output;
            case BufferCompression.Zstd:
                using (var decompressor = new Decompressor())
                {
                    return decompressor.Unwrap(stored).ToArray();
                }

            default:
                return stored.ToArray();
        }
    }
}
