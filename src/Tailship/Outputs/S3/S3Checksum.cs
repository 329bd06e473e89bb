using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;

namespace Tailship.Outputs.S3;

/// <summary>
/// The checksum of an object body, computed here from the part buffer and sent as its <c>x-amz-checksum-*</c>
/// header. Why not the SDK's <c>ChecksumAlgorithm</c>: with <c>UseChunkEncoding = false</c> (which Ceph 16 needs)
/// SDK 4.1 sends the <c>x-amz-sdk-checksum-algorithm</c> header but no checksum at all (checked against the local
/// server: S3ObjectWriterTests); and computing it here reads the buffer once, from memory already in cache.
/// </summary>
internal static class S3Checksum
{
    /// <summary>The base64 checksum of <paramref name="body"/> as S3 takes it (CRC values big-endian).</summary>
    public static string Compute(ChecksumAlgorithm algorithm, ReadOnlySpan<byte> body)
    {
        Span<byte> value = stackalloc byte[32];
        int length;
        if (algorithm == ChecksumAlgorithm.CRC32)
        {
            BinaryPrimitives.WriteUInt32BigEndian(value, Crc32.HashToUInt32(body));
            length = 4;
        }
        else if (algorithm == ChecksumAlgorithm.CRC32C)
        {
            BinaryPrimitives.WriteUInt32BigEndian(value, Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, body));
            length = 4;
        }
        else if (algorithm == ChecksumAlgorithm.CRC64NVME)
        {
            BinaryPrimitives.WriteUInt64BigEndian(value, Crc64.HashToUInt64(Crc64ParameterSet.Nvme, body));
            length = 8;
        }
        else if (algorithm == ChecksumAlgorithm.SHA1)
        {
            // SHA-1 is what the user asked S3 to check the body with, not a security decision of ours.
#pragma warning disable CA5350
            length = SHA1.HashData(body, value);
#pragma warning restore CA5350
        }
        else if (algorithm == ChecksumAlgorithm.SHA256)
        {
            length = SHA256.HashData(body, value);
        }
        else
        {
            throw new ArgumentException($"checksum algorithm {algorithm.Value} is not supported", nameof(algorithm));
        }

        return Convert.ToBase64String(value[..length]);
    }

    /// <summary>
    /// The checksum of a seekable body from its current position to its end, read in pieces; the position is put back.
    /// </summary>
    public static string Compute(ChecksumAlgorithm algorithm, Stream body)
    {
        var start = body.Position;
        var buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
        try
        {
            Span<byte> value = stackalloc byte[32];
            int length;
            if (algorithm == ChecksumAlgorithm.CRC32 || algorithm == ChecksumAlgorithm.CRC32C)
            {
                var crc = new Crc32(algorithm == ChecksumAlgorithm.CRC32 ? Crc32ParameterSet.Crc32 : Crc32ParameterSet.Crc32C);
                Feed(body, buffer, crc.Append);
                BinaryPrimitives.WriteUInt32BigEndian(value, crc.GetCurrentHashAsUInt32());
                length = 4;
            }
            else if (algorithm == ChecksumAlgorithm.CRC64NVME)
            {
                var crc = new Crc64(Crc64ParameterSet.Nvme);
                Feed(body, buffer, crc.Append);
                BinaryPrimitives.WriteUInt64BigEndian(value, crc.GetCurrentHashAsUInt64());
                length = 8;
            }
            else if (algorithm == ChecksumAlgorithm.SHA1 || algorithm == ChecksumAlgorithm.SHA256)
            {
                // SHA-1 is what the user asked S3 to check the body with, not a security decision of ours.
#pragma warning disable CA5350
                using var hash = IncrementalHash.CreateHash(algorithm == ChecksumAlgorithm.SHA1 ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256);
#pragma warning restore CA5350
                Feed(body, buffer, hash.AppendData);
                length = hash.GetHashAndReset(value);
            }
            else
            {
                throw new ArgumentException($"checksum algorithm {algorithm.Value} is not supported", nameof(algorithm));
            }

            return Convert.ToBase64String(value[..length]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            body.Position = start;
        }
    }

    public static void Apply(PutObjectRequest request, ChecksumAlgorithm algorithm, string value) =>
        Set(algorithm, value, v => request.ChecksumCRC32 = v, v => request.ChecksumCRC32C = v, v => request.ChecksumCRC64NVME = v,
            v => request.ChecksumSHA1 = v, v => request.ChecksumSHA256 = v);

    public static void Apply(UploadPartRequest request, ChecksumAlgorithm algorithm, string value) =>
        Set(algorithm, value, v => request.ChecksumCRC32 = v, v => request.ChecksumCRC32C = v, v => request.ChecksumCRC64NVME = v,
            v => request.ChecksumSHA1 = v, v => request.ChecksumSHA256 = v);

    /// <summary>The part's checksum in CompleteMultipartUpload, which names each part's when the upload has one.</summary>
    public static void Apply(PartETag part, ChecksumAlgorithm algorithm, string value) =>
        Set(algorithm, value, v => part.ChecksumCRC32 = v, v => part.ChecksumCRC32C = v, v => part.ChecksumCRC64NVME = v,
            v => part.ChecksumSHA1 = v, v => part.ChecksumSHA256 = v);

    private delegate void Append(ReadOnlySpan<byte> data);

    private static void Feed(Stream body, byte[] buffer, Append append)
    {
        int n;
        while ((n = body.Read(buffer)) > 0)
        {
            append(buffer.AsSpan(0, n));
        }
    }

    // The SDK's request types share no interface for their checksum properties: each caller names its five setters.
    private static void Set(
        ChecksumAlgorithm algorithm, string value, Action<string> crc32, Action<string> crc32c, Action<string> crc64nvme, Action<string> sha1, Action<string> sha256)
    {
        var setter = algorithm == ChecksumAlgorithm.CRC32 ? crc32
            : algorithm == ChecksumAlgorithm.CRC32C ? crc32c
            : algorithm == ChecksumAlgorithm.CRC64NVME ? crc64nvme
            : algorithm == ChecksumAlgorithm.SHA1 ? sha1
            : sha256;
        setter(value);
    }
}
