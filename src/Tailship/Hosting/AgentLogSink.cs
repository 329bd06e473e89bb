using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Tailship.Hosting;

/// <summary>
/// Where every message of the agent's own log goes: one line per message on a stream (stderr, or the file of
/// <c>-o</c>), in Fluentd's text layout or as one JSON object, and, once the pipeline runs, to
/// <see cref="Pipeline.EmitAgentLog"/> as a <c>fluent.LEVEL</c> event. Not a hot path: a lock serializes writers so
/// that lines never interleave.
/// </summary>
internal sealed class AgentLogSink : IDisposable
{
    private readonly Stream _output;
    private readonly bool _ownsOutput;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    // Guarded by _gate.
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private readonly Utf8JsonWriter _json;

    // Set while a message is being forwarded, so a pipeline that logs while routing a log event cannot loop.
    private readonly AsyncLocal<bool> _forwarding = new();

    // Written by the host thread, read by any logging thread.
    private volatile int _level;
    private volatile AgentLogFormat _format;
    private volatile Action<LogLevel, string>? _forward;

    public AgentLogSink(Stream output, bool ownsOutput, TimeProvider time, LogLevel level, AgentLogFormat format)
    {
        _output = output;
        _ownsOutput = ownsOutput;
        _time = time;
        _level = (int)level;
        _format = format;
        // Relaxed escaping: '+', '<', non-ASCII stay readable; quotes, backslashes and control characters are escaped.
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    public LogLevel Level
    {
        get => (LogLevel)_level;
        set => _level = (int)value;
    }

    public AgentLogFormat Format
    {
        get => _format;
        set => _format = value;
    }

    /// <summary>Receives each message written at or above <see cref="Level"/>; null until the pipeline runs.</summary>
    public Action<LogLevel, string>? Forward
    {
        get => _forward;
        set => _forward = value;
    }

    public bool IsEnabled(LogLevel level) => level != LogLevel.None && (int)level >= _level;

    public void Write(LogLevel level, string message, Exception? exception)
    {
        if (!IsEnabled(level))
        {
            return;
        }

        // Stack traces help with the unexpected; for warnings (retries, skipped lines) they are noise unless debugging.
        var withStack = exception is not null && (level >= LogLevel.Error || IsEnabled(LogLevel.Debug));
        var now = _time.GetLocalNow();
        lock (_gate)
        {
            _buffer.Clear();
            if (_format == AgentLogFormat.Json)
            {
                WriteJson(now, level, message, exception, withStack);
            }
            else
            {
                WriteText(now, level, message, exception, withStack);
            }

            _output.Write(_buffer.WrittenSpan);
            _output.Flush();
        }

        ForwardToPipeline(level, message, exception);
    }

    public void Dispose()
    {
        _forward = null;
        _json.Dispose();
        if (_ownsOutput)
        {
            _output.Dispose();
        }
    }

    /// <summary>Fluentd's time layout: local time with a numeric offset, <c>2026-11-26 01:20:00 +0000</c>.</summary>
    internal static string FormatTime(DateTimeOffset time)
    {
        var offset = time.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return string.Create(CultureInfo.InvariantCulture, $"{time:yyyy-MM-dd HH:mm:ss} {sign}{offset.Hours:00}{offset.Minutes:00}");
    }

    private void WriteText(DateTimeOffset now, LogLevel level, string message, Exception? exception, bool withStack)
    {
        var line = new StringBuilder(64 + message.Length)
            .Append(FormatTime(now)).Append(" [").Append(AgentLogLevels.Name(level)).Append("]: ").Append(message);
        if (exception is not null)
        {
            line.Append(" error_class=").Append(exception.GetType().FullName)
                .Append(" error=\"").Append(exception.Message.Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
            if (withStack)
            {
                foreach (var frame in StackLines(exception))
                {
                    line.Append("\n  ").Append(frame);
                }
            }
        }

        line.Append('\n');
        Encoding.UTF8.GetBytes(line.ToString(), _buffer);
    }

    private void WriteJson(DateTimeOffset now, LogLevel level, string message, Exception? exception, bool withStack)
    {
        _json.Reset(_buffer);
        _json.WriteStartObject();
        _json.WriteString("time", FormatTime(now));
        _json.WriteString("level", AgentLogLevels.Name(level));
        _json.WriteString("message", message);
        if (exception is not null)
        {
            _json.WriteString("error_class", exception.GetType().FullName);
            _json.WriteString("error", exception.Message);
            if (withStack)
            {
                _json.WriteStartArray("backtrace");
                foreach (var frame in StackLines(exception))
                {
                    _json.WriteStringValue(frame);
                }

                _json.WriteEndArray();
            }
        }

        _json.WriteEndObject();
        _json.Flush();
        _buffer.Write("\n"u8);
    }

    /// <summary>The exception with its inner exceptions and frames, one trimmed line each.</summary>
    private static IEnumerable<string> StackLines(Exception exception) =>
        exception.ToString().Split('\n').Skip(1).Select(l => l.Trim()).Where(l => l.Length > 0);

    private void ForwardToPipeline(LogLevel level, string message, Exception? exception)
    {
        var forward = _forward;
        if (forward is null || _forwarding.Value)
        {
            return;
        }

        _forwarding.Value = true;
        try
        {
            forward(level, exception is null ? message : $"{message} error_class={exception.GetType().FullName} error=\"{exception.Message}\"");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The log cannot report its own failure through the pipeline that failed; write it to the stream only.
            _forward = null;
            Write(LogLevel.Warning, "routing the agent's own log into the pipeline failed; agent log events are no longer routed", ex);
        }
        finally
        {
            _forwarding.Value = false;
        }
    }
}
