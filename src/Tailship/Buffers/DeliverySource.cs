namespace Tailship.Buffers;

/// <summary>
/// Where an emitted batch was read from, for a durable buffer to keep with it: the tail's pos_file, the watched path,
/// the file's inode and the byte range <c>[StartOffset, EndOffset)</c> the batch's lines occupy. After a crash the file
/// buffer drops the batches their source never saved as read (<see cref="SourceRollback"/>): the source reads those
/// lines again, so they are buffered once, not twice.
/// </summary>
/// <param name="PositionFile">Full path of the pos_file that records how far <paramref name="Path"/> was read.</param>
/// <param name="Path">The path as the pos_file writes it.</param>
/// <param name="Inode">The inode of the file the offsets belong to.</param>
/// <param name="StartOffset">Offset of the batch's first line; every line of the batch lies at or after it.</param>
/// <param name="EndOffset">Offset just after the batch's last line.</param>
/// <param name="BatchId">Random, the same for every part of one emitted batch: tells a batch split across chunks (same
/// id) from another batch over the same offsets (after a copytruncate, or read twice).</param>
public sealed record DeliverySource(string PositionFile, string Path, ulong Inode, long StartOffset, long EndOffset, long BatchId);
