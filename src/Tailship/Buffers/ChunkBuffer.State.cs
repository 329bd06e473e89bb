using Tailship.Observability;

namespace Tailship.Buffers;

internal sealed partial class ChunkBuffer
{
    /// <summary>
    /// The buffer as the metrics report it: staged and queued chunks with their bytes, the limit, the creation time
    /// of the oldest chunk not yet delivered (a chunk is created by its first event, so that is the oldest unsent
    /// event's arrival), and the time slices held. One pass under the lock over the chunks, which are few.
    /// </summary>
    public BufferState State()
    {
        lock (_lock)
        {
            long stageBytes = 0, queueBytes = 0;
            DateTimeOffset? oldest = null;
            List<long>? timekeys = null;
            foreach (var chunk in _staged.Values)
            {
                stageBytes += chunk.ByteSize;
                Note(chunk, ref oldest, ref timekeys);
            }

            foreach (var chunk in _queue)
            {
                queueBytes += chunk.ByteSize;
                Note(chunk, ref oldest, ref timekeys);
            }

            return new BufferState(_staged.Count, stageBytes, _queue.Count, queueBytes, _options.TotalLimitSize, oldest, timekeys);
        }

        static void Note(BufferChunk chunk, ref DateTimeOffset? oldest, ref List<long>? timekeys)
        {
            if (oldest is null || chunk.CreatedAt < oldest)
            {
                oldest = chunk.CreatedAt;
            }

            if (chunk.Metadata.TimeKey is { } key && !(timekeys ??= []).Contains(key))
            {
                timekeys.Add(key);
            }
        }
    }
}
