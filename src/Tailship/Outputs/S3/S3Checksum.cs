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

    public static void Apply(PutObjectRequest request, ChecksumAlgorithm algorithm, string value)
    {
        if (algorithm == ChecksumAlgorithm.CRC32)
        {
            request.ChecksumCRC32 = value;
        }
        else if (algorithm == ChecksumAlgorithm.CRC32C)
        {
            request.ChecksumCRC32C = value;
        }
        else if (algorithm == ChecksumAlgorithm.CRC64NVME)
        {
            request.ChecksumCRC64NVME = value;
        }
        else if (algorithm == ChecksumAlgorithm.SHA1)
        {
            request.ChecksumSHA1 = value;
        }
        else
        {
            request.ChecksumSHA256 = value;
        }
    }

    public static void Apply(UploadPartRequest request, ChecksumAlgorithm algorithm, string value)
    {
        if (algorithm == ChecksumAlgorithm.CRC32)
        {
            request.ChecksumCRC32 = value;
        }
        else if (algorithm == ChecksumAlgorithm.CRC32C)
        {
            request.ChecksumCRC32C = value;
        }
        else if (algorithm == ChecksumAlgorithm.CRC64NVME)
        {
            request.ChecksumCRC64NVME = value;
        }
        else if (algorithm == ChecksumAlgorithm.SHA1)
        {
            request.ChecksumSHA1 = value;
        }
        else
        {
            request.ChecksumSHA256 = value;
        }
    }

    /// <summary>The part's checksum in CompleteMultipartUpload, which names each part's when the upload has one.</summary>
    public static void Apply(PartETag part, ChecksumAlgorithm algorithm, string value)
    {
        if (algorithm == ChecksumAlgorithm.CRC32)
        {
            part.ChecksumCRC32 = value;
        }
        else if (algorithm == ChecksumAlgorithm.CRC32C)
        {
            part.ChecksumCRC32C = value;
        }
        else if (algorithm == ChecksumAlgorithm.CRC64NVME)
        {
            part.ChecksumCRC64NVME = value;
        }
        else if (algorithm == ChecksumAlgorithm.SHA1)
        {
            part.ChecksumSHA1 = value;
        }
        else
        {
            part.ChecksumSHA256 = value;
        }
    }
}
