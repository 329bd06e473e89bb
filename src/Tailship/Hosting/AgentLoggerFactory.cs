using Microsoft.Extensions.Logging;

namespace Tailship.Hosting;

/// <summary>
/// The agent's logger factory: every category writes to one <see cref="AgentLogSink"/>. Deliberately not
/// Microsoft.Extensions.Logging's LoggerFactory with its options and filters: the AOT binary stays small, and the
/// only filter is the agent's log level. Providers added with <see cref="AddProvider"/> receive every message too.
/// </summary>
internal sealed class AgentLoggerFactory : ILoggerFactory
{
    private readonly AgentLoggerProvider _provider;
    private readonly List<ILoggerProvider> _extra = [];

    public AgentLoggerFactory(AgentLogSink sink)
    {
        _provider = new AgentLoggerProvider(sink);
    }

    public ILogger CreateLogger(string categoryName)
    {
        var own = _provider.CreateLogger(categoryName);
        lock (_extra)
        {
            return _extra.Count == 0 ? own : new FanOutLogger([own, .. _extra.Select(p => p.CreateLogger(categoryName))]);
        }
    }

    public void AddProvider(ILoggerProvider provider)
    {
        lock (_extra)
        {
            _extra.Add(provider);
        }
    }

    public void Dispose()
    {
        lock (_extra)
        {
            foreach (var p in _extra)
            {
                p.Dispose();
            }

            _extra.Clear();
        }
    }

    private sealed class FanOutLogger(ILogger[] loggers) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => loggers.Any(l => l.IsEnabled(logLevel));

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            foreach (var l in loggers)
            {
                l.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}

/// <summary>Creates the loggers that write to an <see cref="AgentLogSink"/>; the category is not printed, as in Fluentd.</summary>
internal sealed class AgentLoggerProvider : ILoggerProvider
{
    private readonly AgentLogSink _sink;

    public AgentLoggerProvider(AgentLogSink sink)
    {
        _sink = sink;
    }

    public ILogger CreateLogger(string categoryName) => new AgentLogger(_sink);

    public void Dispose()
    {
    }

    private sealed class AgentLogger(AgentLogSink sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => sink.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (sink.IsEnabled(logLevel))
            {
                sink.Write(logLevel, formatter(state, exception), exception);
            }
        }
    }
}
