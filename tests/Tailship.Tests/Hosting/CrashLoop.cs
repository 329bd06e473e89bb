using System.Globalization;
using System.Text;

namespace Tailship.Tests.Hosting;

/// <summary>
/// Runs the real <c>tailship</c> binary again and again and kills it (<c>kill -9</c> or SIGTERM) at moments drawn from a
/// seeded random generator, so that a failing run can be replayed: set <c>TAILSHIP_CRASH_SEED</c> to the seed the
/// failure message names.
/// </summary>
internal sealed class CrashLoop(string configPath, int seed, IReadOnlyDictionary<string, string>? environment = null)
{
    private readonly Random _random = new(seed);
    private readonly StringBuilder _history = new();

    /// <summary>The seed to use: <c>TAILSHIP_CRASH_SEED</c> when set, else a fresh one.</summary>
    public static int ChooseSeed() =>
        int.TryParse(Environment.GetEnvironmentVariable("TAILSHIP_CRASH_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
            ? seed
            : Random.Shared.Next();

    public int Seed => seed;

    /// <summary>Every run so far: how it ended and its stderr, for failure messages.</summary>
    public string History => _history.ToString();

    /// <summary>Runs whose stderr held an ERROR line (an ERROR means data loss or an operator must act).</summary>
    public List<string> Errors { get; } = [];

    /// <summary>
    /// Starts the agent <paramref name="kills"/> times and kills each run with SIGKILL after a random time between
    /// <paramref name="min"/> and <paramref name="max"/> from its start (so some die while starting or recovering).
    /// </summary>
    public async Task KillRepeatedlyAsync(int kills, TimeSpan min, TimeSpan max)
    {
        for (var i = 0; i < kills; i++)
        {
            var after = TimeSpan.FromMilliseconds(_random.Next((int)min.TotalMilliseconds, (int)max.TotalMilliseconds));
            using var agent = Start();
            await Task.Delay(after, TestContext.Current.CancellationToken);
            if (agent.HasExited)
            {
                throw new Xunit.Sdk.XunitException($"{Describe()}: run {i} exited by itself before its kill:\n{agent.Stderr}");
            }

            await agent.KillAsync();
            Record($"run {i}: kill -9 after {after.TotalMilliseconds} ms", agent.Stderr);
        }
    }

    /// <summary>
    /// Starts the agent <paramref name="stops"/> times; each run is stopped with SIGTERM a random time after it said it
    /// is running, and must exit 0.
    /// </summary>
    public async Task StopRepeatedlyAsync(int stops, TimeSpan min, TimeSpan max)
    {
        for (var i = 0; i < stops; i++)
        {
            var after = TimeSpan.FromMilliseconds(_random.Next((int)min.TotalMilliseconds, (int)max.TotalMilliseconds));
            using var agent = Start();
            await agent.WaitForStderrAsync("tailship is now running", TimeSpan.FromSeconds(60));
            await Task.Delay(after, TestContext.Current.CancellationToken);
            await agent.SignalAsync("TERM");
            var code = await agent.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Record($"run {i}: SIGTERM {after.TotalMilliseconds} ms after start, exit {code}", agent.Stderr);
            Assert.True(code == 0, $"{Describe()}: run {i} exited {code} after SIGTERM:\n{agent.Stderr}");
        }
    }

    /// <summary>
    /// The last run: starts the agent, waits until <paramref name="done"/> holds (everything read), stops it with SIGTERM
    /// and requires exit code 0.
    /// </summary>
    public async Task FinishAsync(Func<bool> done, TimeSpan timeout)
    {
        using var agent = Start();
        await agent.WaitForStderrAsync("tailship is now running", TimeSpan.FromSeconds(60));
        var deadline = DateTime.UtcNow + timeout;
        while (!done())
        {
            if (DateTime.UtcNow > deadline || agent.HasExited)
            {
                throw new Xunit.Sdk.XunitException($"{Describe()}: the last run did not catch up within {timeout} (exited: {agent.HasExited}):\n{agent.Stderr}");
            }

            // Polling the pos_file or the sink: neither tells when it changes.
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        await agent.SignalAsync("TERM");
        var code = await agent.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Record($"last run: SIGTERM, exit {code}", agent.Stderr);
        Assert.True(code == 0, $"{Describe()}: the last run exited {code}:\n{agent.Stderr}");
    }

    /// <summary>"seed N" and how to replay it: the start of every failure message.</summary>
    public string Describe() => $"crash loop with seed {seed} (replay: TAILSHIP_CRASH_SEED={seed})";

    private TailshipProcess Start() => TailshipProcess.Start(["-c", configPath, "--shutdown-timeout", "20s", "--suppress-config-dump"], environment);

    private void Record(string what, string stderr)
    {
        _history.Append("--- ").Append(what).Append('\n').Append(stderr);
        if (stderr.Contains("[error]", StringComparison.Ordinal))
        {
            Errors.Add(what + ":\n" + stderr);
        }
    }
}
