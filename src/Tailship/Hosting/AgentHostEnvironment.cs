using Tailship.Config;
using Tailship.Plugins;

namespace Tailship.Hosting;

/// <summary>Everything the host takes from the process, so that tests can run it in memory.</summary>
internal sealed record AgentHostEnvironment
{
    /// <summary>Help, version and plugin help go here.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Usage errors go here.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Opens the stream the agent log is written to when no <c>-o</c> is given.</summary>
    public required Func<Stream> OpenStandardError { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    public Func<PluginRegistry> CreateRegistry { get; init; } = BuiltinPlugins.CreateRegistry;

    public Func<string, DiagnosticBag, ConfigSection?> LoadConfig { get; init; } = (path, diagnostics) => ConfigLoader.Load(path, diagnostics);

    public IShutdownSignals Signals { get; init; } = new PosixShutdownSignals();

    /// <summary>Ends the process at once (a second stop signal).</summary>
    public Action<int> ForceExit { get; init; } = Environment.Exit;

    public int ProcessId { get; init; } = Environment.ProcessId;

    public static AgentHostEnvironment FromProcess() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        OpenStandardError = Console.OpenStandardError,
    };
}
