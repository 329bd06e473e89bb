using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Tailship.Tests.TestSupport;

/// <summary>A logger factory that keeps every message written through it, for assertions on what was logged.</summary>
internal sealed class ListLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message, Exception? Exception)> Entries { get; } = new();

    /// <summary>Called for each message after it is recorded (e.g. to forward it to a pipeline).</summary>
    public Action<LogLevel, string>? OnLog { get; set; }

    public IReadOnlyList<string> Messages(LogLevel? level = null) =>
        [.. Entries.Where(e => level is null || e.Level == level).Select(e => e.Message)];

    public ILogger CreateLogger(string categoryName) => new ListLogger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private sealed class ListLogger(ListLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            owner.Entries.Enqueue((logLevel, category, message, exception));
            owner.OnLog?.Invoke(logLevel, message);
        }
    }
}
