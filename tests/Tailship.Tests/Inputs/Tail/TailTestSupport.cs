using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;
using Tailship.Config;
using Tailship.Events;
using Tailship.Inputs.Tail;
using Tailship.Plugins;
using Record = Tailship.Events.Record;

namespace Tailship.Tests.Inputs.Tail;

/// <summary>A test-only line parser registered as <c>none</c>: <c>{"message": LINE}</c>; lines starting with <c>reject_prefix</c> do not match.</summary>
internal sealed class TestLineParser : IParser
{
    public static readonly PluginDescriptor Descriptor = new PluginDescriptor<TestLineParserOptions>(
        new PluginSpec(PluginKind.Parser, "none", new SectionSpec("parse", "test parser")
        {
            Params = [ParamSpec.String("reject_prefix", null, "lines starting with this do not match")],
        }),
        validate: (cfg, _) => new TestLineParserOptions(cfg.GetString("reject_prefix")),
        build: (options, _) => new TestLineParser(options.RejectPrefix is null ? null : Encoding.UTF8.GetBytes(options.RejectPrefix)));

    private readonly byte[]? _reject;

    private TestLineParser(byte[]? reject)
    {
        _reject = reject;
    }

    public bool Parse(ReadOnlySpan<byte> text, EventTime readTime, Action<EventTime, Record> emit)
    {
        if (_reject is not null && text.StartsWith(_reject))
        {
            return false;
        }

        var record = new Record(2);
        record.Append("message", RecordValue.FromUtf8(text.ToArray()));
        emit(readTime, record);
        return true;
    }
}

internal sealed record TestLineParserOptions(string? RejectPrefix);

/// <summary>One event as the router saw it.</summary>
internal sealed record Captured(string Tag, Record Record)
{
    public string Message => Record["message"].AsString!;

    public byte[] MessageBytes => Record["message"].ToUtf8Bytes();
}

/// <summary>
/// An <see cref="IEventRouter"/> that records what it accepts and lets tests await it. It can refuse batches
/// (<see cref="FailNext"/>) and can stop accepting for good (<see cref="BlockAfter"/>), which simulates a crash.
/// </summary>
internal sealed class CapturingRouter : IEventRouter, IDisposable
{
    private readonly Lock _lock = new();
    private readonly List<Captured> _events = [];
    private readonly SemaphoreSlim _changed = new(0);
    private int _failNext;
    private int _blockAfter = int.MaxValue;

    public IReadOnlyList<Captured> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _events.Count;
            }
        }
    }

    public List<string> Messages => Events.Select(e => e.Message).ToList();

    /// <summary>The next <paramref name="batches"/> emits throw.</summary>
    public void FailNext(int batches) => Interlocked.Exchange(ref _failNext, batches);

    /// <summary>Accepts whole batches until it holds at least <paramref name="events"/> events, then never returns.</summary>
    public void BlockAfter(int events) => _blockAfter = events;

    public async ValueTask EmitAsync(string tag, EventBatch batch, CancellationToken cancellationToken)
    {
        if (Interlocked.Decrement(ref _failNext) >= 0)
        {
            throw new IOException("test router refuses this batch");
        }

        if (Count >= _blockAfter)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        lock (_lock)
        {
            foreach (var e in batch)
            {
                _events.Add(new Captured(tag, e.Record));
            }
        }

        _changed.Release();
    }

    public ValueTask EmitErrorAsync(string tag, Event @event, Exception error, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public void Dispose() => _changed.Dispose();

    /// <summary>Waits until <paramref name="condition"/> holds, failing the test after <paramref name="seconds"/>.</summary>
    public async Task WaitUntilAsync(Func<CapturingRouter, bool> condition, double seconds = 30, string? what = null)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (!condition(this))
        {
            try
            {
                await _changed.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"timed out after {seconds}s waiting for {what ?? "events"}; have {Count} events");
            }
        }
    }

    public Task WaitForCountAsync(int count, double seconds = 30) => WaitUntilAsync(r => r.Count >= count, seconds, $"{count} events");
}

/// <summary>Collects log messages (all levels) for assertions.</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public IEnumerable<string> Warnings => Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => e.Message);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    public async Task WaitForAsync(Func<string, bool> match, double seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!Entries.Any(e => match(e.Message)))
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for a log message; have:\n" + string.Join("\n", Entries.Select(e => e.Message)));
            await Task.Delay(20);
        }
    }

    private sealed class Logger(CapturingLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((logLevel, formatter(state, exception)));
    }
}

/// <summary>A temp directory, a config for a tail source in it, and the input built from that config.</summary>
internal sealed class TailHarness : IAsyncDisposable
{
    private readonly List<TailInput> _inputs = [];

    public TailHarness()
    {
        Dir = Path.Combine(Path.GetTempPath(), "tailship-tail-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Dir);
    }

    public string Dir { get; }

    public CapturingLoggerFactory Logs { get; } = new();

    /// <summary>Given to the inputs' contexts, as a pipeline does (null by default, as for a plugin built alone).</summary>
    public Tailship.Buffers.SourceRegistry? Sources { get; set; }

    public string PathOf(string name) => Path.Combine(Dir, name);

    /// <summary>The real plugins, with <c>none</c> replaced by the test parser (it can reject lines on demand).</summary>
    public static PluginRegistry Registry() => BuiltinPlugins.CreateRegistry().Add(TestLineParser.Descriptor);

    /// <summary>A <c>&lt;source&gt;</c> section from key/value pairs (a <c>&lt;parse&gt; @type none</c> is added unless <c>format</c> is given).</summary>
    public static ConfigSection Section(params (string Key, string Value)[] parameters)
    {
        var loc = new SourceLocation("test.conf", 1, 1);
        var section = new ConfigSection("source", string.Empty, loc);
        section.Params.Add(new ConfigParam("@type", "tail", loc, loc));
        foreach (var (key, value) in parameters.Where(p => !p.Key.StartsWith("parse.", StringComparison.Ordinal)))
        {
            section.Params.Add(new ConfigParam(key, value, loc, loc));
        }

        if (!parameters.Any(p => p.Key == "format"))
        {
            var parse = new ConfigSection("parse", string.Empty, loc);
            if (!parameters.Any(p => p.Key == "parse.@type"))
            {
                parse.Params.Add(new ConfigParam("@type", "none", loc, loc));
            }

            foreach (var (key, value) in parameters.Where(p => p.Key.StartsWith("parse.", StringComparison.Ordinal)))
            {
                parse.Params.Add(new ConfigParam(key["parse.".Length..], value, loc, loc));
            }

            section.Sections.Add(parse);
        }

        return section;
    }

    public static BoundPlugin? Bind(ConfigSection section, DiagnosticBag diagnostics) =>
        new ConfigBinder(Registry()).BindPlugin(PluginKind.Input, section, diagnostics);

    public TailInput Create(IPositionCommitPolicy? policy, params (string Key, string Value)[] parameters)
    {
        var diagnostics = new DiagnosticBag();
        var bound = Bind(Section(parameters), diagnostics);
        Assert.False(diagnostics.HasErrors, string.Join("\n", diagnostics.Items));
        var context = new PluginContext(Registry()) { LoggerFactory = Logs, PluginType = "tail", Sources = Sources };
        var input = new TailInput((TailOptions)bound!.Options, context, policy ?? CommitOnAcceptPolicy.Instance);
        _inputs.Add(input);
        return input;
    }

    public TailInput Create(params (string Key, string Value)[] parameters) => Create(null, parameters);

    public async Task<TailInput> StartAsync(CapturingRouter router, params (string Key, string Value)[] parameters)
    {
        var input = Create(parameters);
        await input.StartAsync(router, CancellationToken.None);
        return input;
    }

    public static string[] ReadPosFile(string path) =>
        File.Exists(path) ? File.ReadAllText(path).Split('\n', StringSplitOptions.RemoveEmptyEntries) : [];

    public async ValueTask DisposeAsync()
    {
        foreach (var input in _inputs)
        {
            await input.DisposeAsync();
        }

        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind does not fail a test.
        }
        catch (UnauthorizedAccessException)
        {
            // As above (a test may have removed permissions).
        }
    }
}
