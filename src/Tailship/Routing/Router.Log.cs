using Microsoft.Extensions.Logging;
using Tailship.Events;

namespace Tailship.Routing;

internal sealed partial class Router
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "no patterns matched tag=\"{Tag}\"")]
    private static partial void LogNoPatternsMatched(ILogger logger, string tag);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "emit transaction failed: error_class={ErrorClass} error=\"{Error}\" tag=\"{Tag}\" output=\"{OutputId}\"")]
    private static partial void LogEmitTransactionFailed(ILogger logger, string errorClass, string error, string tag, string outputId, Exception exception);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "send an error event to @ERROR: error_class={ErrorClass} error=\"{Error}\" tag=\"{Tag}\" time={Time}")]
    private static partial void LogSendErrorEvent(ILogger logger, string errorClass, string error, string tag, EventTime time);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "dump an error event: error_class={ErrorClass} error=\"{Error}\" tag=\"{Tag}\" time={Time} record={Record}")]
    private static partial void LogDumpErrorEvent(ILogger logger, string errorClass, string error, string tag, EventTime time, string record);
}
