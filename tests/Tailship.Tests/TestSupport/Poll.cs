namespace Tailship.Tests.TestSupport;

/// <summary>Waits for a condition the code under test makes true in the background.</summary>
internal static class Poll
{
    /// <summary>Returns once <paramref name="condition"/> holds; throws (a cancellation) after 30 s.</summary>
    public static async Task UntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
