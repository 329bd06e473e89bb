using System.Buffers;
using System.Text;
using Tailship.Buffers;
using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Buffers;

/// <summary>
/// A file chunk read back for its upload: through a memory mapping, with every frame's checksum checked unless this
/// process wrote and sealed the chunk and its file has not changed since (docs/s3.md, "Upload cost").
/// </summary>
public sealed class FileChunkReadTests : IDisposable
{
    private const string First = "first batch line\n";
    private const string Second = "second batch line\n";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void MappedChunkStream_ReadsExactlyTheMappedBytes()
    {
        var bytes = new byte[3 * 4096 + 123];
        new Random(5).NextBytes(bytes);
        var path = _temp["mapped"];
        File.WriteAllBytes(path, bytes);
        using var handle = File.OpenHandle(path);
        using var stream = MappedChunkStream.Map(handle, bytes.Length - 50);
        var read = new MemoryStream();
        var buffer = new byte[1000]; // reads that straddle page boundaries
        int n;
        while ((n = stream.Read(buffer)) > 0)
        {
            read.Write(buffer, 0, n);
        }

        Assert.Equal(bytes.AsSpan(0, bytes.Length - 50).ToArray(), read.ToArray());
    }

    [Fact]
    public void SealedChunk_ReadsItsRecords()
    {
        using var chunk = Written(seal: true);
        Assert.Equal(First + Second, ReadAll(chunk));
    }

    [Fact]
    public void SealedChunk_FileUnchanged_FramesNotCheckedAgain()
    {
        using var chunk = Written(seal: true);
        Corrupt(chunk.Location, keepModified: true);

        // The change kept the size and the time, which is what "unchanged" means: the bytes read are not checked again.
        Assert.Equal(First.Replace("first", "First", StringComparison.Ordinal) + Second, ReadAll(chunk));
    }

    [Fact]
    public void SealedChunk_FileModifiedSince_FramesCheckedAgain()
    {
        using var chunk = Written(seal: true);
        Corrupt(chunk.Location, keepModified: false);
        var error = Assert.Throws<InvalidDataException>(() => ReadAll(chunk));
        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SealedChunk_FileGrownSince_FramesCheckedAgain()
    {
        using var chunk = Written(seal: true);
        var modified = File.GetLastWriteTimeUtc(chunk.Location);
        Corrupt(chunk.Location, keepModified: true);
        using (var grow = new FileStream(chunk.Location, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            grow.WriteByte(0);
        }

        File.SetLastWriteTimeUtc(chunk.Location, modified);
        Assert.Throws<InvalidDataException>(() => ReadAll(chunk));
    }

    [Fact]
    public void UnsealedChunk_FramesChecked()
    {
        using var chunk = Written(seal: false);
        Corrupt(chunk.Location, keepModified: true);
        Assert.Throws<InvalidDataException>(() => ReadAll(chunk));
    }

    [Fact]
    public void AppendAfterSeal_FramesCheckedAgain()
    {
        using var chunk = Written(seal: true);
        Append(chunk, "third\n");
        Corrupt(chunk.Location, keepModified: true);
        Assert.Throws<InvalidDataException>(() => ReadAll(chunk));
    }

    [Fact]
    public void RecoveredChunk_FramesChecked()
    {
        string path;
        using (var written = Written(seal: true))
        {
            path = written.Location;
        }

        var recovery = FileChunk.Recover(path, "0123456789abcdef0123456789abcdef");
        Assert.Equal(ChunkRecoveryOutcome.Whole, recovery.Outcome);
        using var chunk = new ChunkHandle(recovery.Chunk!);
        chunk.Chunk.Seal(); // queued again after the restart: recovered chunks are checked all the same
        Assert.Equal(First + Second, ReadAll(chunk));
        Corrupt(path, keepModified: true);
        Assert.Throws<InvalidDataException>(() => ReadAll(chunk));
    }

    [Fact]
    public void Reserve_KeepsTheFileSize()
    {
        var path = _temp["reserved"];
        File.WriteAllBytes(path, "abc"u8.ToArray());
        using (var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite))
        {
            Assert.Equal(OperatingSystem.IsLinux(), Tailship.IO.FilePreallocation.TryReserve(file, 0, 1 << 20));
        }

        Assert.Equal("abc"u8.ToArray(), File.ReadAllBytes(path));
    }

    [Fact]
    public void AppendsPastSeveralReservations_ReadAndRecoveredWhole()
    {
        var expected = new StringBuilder();
        string path;
        using (var chunk = Written(seal: false))
        {
            path = chunk.Location;
            var line = new string('r', 99) + "\n";
            var batch = string.Concat(Enumerable.Repeat(line, 3000)); // 300 kB a frame: a reservation step every few frames
            for (var i = 0; i < 8; i++)
            {
                Append(chunk, batch);
                expected.Append(batch);
            }

            chunk.Chunk.FlushToDisk();
            Assert.True(new FileInfo(path).Length > 2 * FileChunk.ReserveStep);
            Assert.Equal(chunk.Chunk.StoredSize, new FileInfo(path).Length); // blocks reserved past the end are not in the file
        }

        var recovery = FileChunk.Recover(path, "0123456789abcdef0123456789abcdef");
        Assert.Equal(ChunkRecoveryOutcome.Whole, recovery.Outcome);
        using var recovered = new ChunkHandle(recovery.Chunk!);
        Assert.Equal(First + Second + expected, ReadAll(recovered));
    }

    private ChunkHandle Written(bool seal)
    {
        var chunk = FileChunk.Create(_temp["buffer.b0123456789abcdef0123456789abcdef.log"], "0123456789abcdef0123456789abcdef", new ChunkMetadata("tag", null, new Dictionary<string, string>()), DateTimeOffset.UnixEpoch);
        Append(chunk, First);
        Append(chunk, Second);
        chunk.FlushToDisk();
        if (seal)
        {
            chunk.Seal();
        }

        return new ChunkHandle(chunk);
    }

    private static void Append(ChunkHandle chunk, string text) => Append(chunk.Chunk, text);

    private static void Append(FileChunk chunk, string text)
    {
        var raw = Encoding.UTF8.GetBytes(text);
        var frame = ChunkFrame.Build(FrameKind.Records, BufferCompression.Text, raw, raw.Length, 1, checksum: true, out var length);
        try
        {
            chunk.Append(frame.AsSpan(0, length), 1, raw.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>Changes "first" to "First" in place: same size; the modification time kept or moved a second on.</summary>
    private static void Corrupt(string path, bool keepModified)
    {
        var modified = File.GetLastWriteTimeUtc(path);
        var bytes = File.ReadAllBytes(path);
        var at = bytes.AsSpan().IndexOf("first batch"u8);
        Assert.True(at > 0);
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            file.Position = at;
            file.WriteByte((byte)'F');
        }

        // The file system's clock is coarse: a write within the same tick may keep the time, so set it explicitly.
        File.SetLastWriteTimeUtc(path, keepModified ? modified : modified.AddSeconds(1));
    }

    private static string ReadAll(ChunkHandle chunk)
    {
        using var reader = new StreamReader(chunk.Chunk.OpenRead(), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>Closes the chunk's file at the end of a test.</summary>
    private sealed class ChunkHandle(FileChunk chunk) : IDisposable
    {
        public FileChunk Chunk { get; } = chunk;

        public string Location => Chunk.Location;

        public void Dispose() => Chunk.Close();
    }
}
