using Microsoft.Extensions.Logging;

namespace Tailship.Hosting;

internal sealed partial class AgentHost
{
    /// <summary>The host's messages. Event ids are stable: log pipelines may filter on them; never reuse a number.</summary>
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "parsing config file is succeeded path=\"{Path}\"")]
        public static partial void ConfigParsed(ILogger logger, string path);

        [LoggerMessage(2, LogLevel.Information, "using configuration file: {Config}")]
        public static partial void UsingConfig(ILogger logger, string config);

        [LoggerMessage(3, LogLevel.Error, "{Diagnostic}")]
        public static partial void ConfigError(ILogger logger, string diagnostic);

        [LoggerMessage(4, LogLevel.Warning, "{Diagnostic}")]
        public static partial void ConfigWarning(ILogger logger, string diagnostic);

        [LoggerMessage(5, LogLevel.Error, "invalid configuration: {Count} error(s) in {Path}; nothing was started")]
        public static partial void ConfigInvalid(ILogger logger, int count, string path);

        [LoggerMessage(6, LogLevel.Information, "finished dry run mode: the configuration is valid")]
        public static partial void DryRunFinished(ILogger logger);

        [LoggerMessage(7, LogLevel.Information, "starting tailship-{Version} pid={Pid} dotnet=\"{Runtime}\"")]
        public static partial void Starting(ILogger logger, string version, int pid, string runtime);

        [LoggerMessage(8, LogLevel.Error, "failed to build the pipeline")]
        public static partial void BuildFailed(ILogger logger, Exception exception);

        [LoggerMessage(9, LogLevel.Error, "failed to start the pipeline")]
        public static partial void StartFailed(ILogger logger, Exception exception);

        [LoggerMessage(10, LogLevel.Information, "tailship is now running pid={Pid}")]
        public static partial void Running(ILogger logger, int pid);

        [LoggerMessage(11, LogLevel.Information, "received {Signal}: stopping gracefully within {Seconds}s (a second signal forces exit)")]
        public static partial void Stopping(ILogger logger, string signal, double seconds);

        [LoggerMessage(12, LogLevel.Error, "received {Signal} again: exiting now; events not yet flushed may be lost")]
        public static partial void ForcedExit(ILogger logger, string signal);

        [LoggerMessage(13, LogLevel.Error, "the pipeline did not stop within {Seconds}s (--shutdown-timeout); exiting, events not yet flushed may be lost")]
        public static partial void StopTimedOut(ILogger logger, double seconds);

        [LoggerMessage(14, LogLevel.Error, "stopping the pipeline failed; events not yet flushed may be lost")]
        public static partial void StopFailed(ILogger logger, Exception exception);

        [LoggerMessage(15, LogLevel.Information, "tailship stopped")]
        public static partial void Stopped(ILogger logger);

        [LoggerMessage(16, LogLevel.Warning, "received {Signal}: reloading the configuration is not implemented; restart tailship to apply changes")]
        public static partial void ReloadIgnored(ILogger logger, string signal);

        [LoggerMessage(17, LogLevel.Error, "cannot read the configuration: {Message}")]
        public static partial void ConfigUnreadable(ILogger logger, string message, Exception exception);

        [LoggerMessage(18, LogLevel.Critical, "unexpected failure; tailship exits")]
        public static partial void Unexpected(ILogger logger, Exception exception);

        [LoggerMessage(19, LogLevel.Debug, "received {Signal} again at once (delivered twice); still stopping gracefully")]
        public static partial void RepeatedSignal(ILogger logger, string signal);

        [LoggerMessage(20, LogLevel.Debug, "trimmed {Kind} pages: {Mappings} read-only file mappings dropped ({ResidentKb} kB resident), {Failed} refused (errno {Errno}); resident set {Before} -> {Collected} after a full GC -> {Native} after malloc_trim -> {After}; {CpuMs:0.0} ms of CPU")]
        public static partial void PagesTrimmed(ILogger logger, string kind, int mappings, long residentKb, int failed, int errno, string before, string collected, string native, string after, double cpuMs);

        [LoggerMessage(21, LogLevel.Debug, "trimming {Kind} pages failed: {Message}; carrying on")]
        public static partial void TrimFailed(ILogger logger, string kind, string message);

        [LoggerMessage(22, LogLevel.Warning, "{Variable}='{Value}' is not off, on or a number of seconds; trimming start-up pages after {Seconds}s")]
        public static partial void TrimVariableInvalid(ILogger logger, string variable, string value, double seconds);

        [LoggerMessage(23, LogLevel.Debug, "trimming start-up pages is off ({Variable})")]
        public static partial void TrimOff(ILogger logger, string variable);

        [LoggerMessage(24, LogLevel.Debug, "GC heap {HeapKb} kB after the last collection; {Gen0Count} gen-0 collections since start")]
        public static partial void GcHeap(ILogger logger, long heapKb, int gen0Count);

        [LoggerMessage(25, LogLevel.Warning, "{Variable}='{Value}' is not off, on or a number of seconds; trimming idle pages at most every {Seconds}s")]
        public static partial void IdleTrimVariableInvalid(ILogger logger, string variable, string value, double seconds);

        [LoggerMessage(26, LogLevel.Warning, "{Variable}='{Value}' is not a number of MB; trimming idle pages after {Mb} MB of growth")]
        public static partial void IdleTrimGrowthInvalid(ILogger logger, string variable, string value, double mb);

        [LoggerMessage(27, LogLevel.Debug, "trimming idle pages is off ({Variable})")]
        public static partial void IdleTrimOff(ILogger logger, string variable);
    }
}
