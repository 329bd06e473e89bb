using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;
using Record = Tailship.Events.Record;

namespace Tailship.Tests.Parsers;

/// <summary>Builds parsers from config text and renders their events, for the golden files and unit tests.</summary>
internal static class ParserHarness
{
    /// <summary>The read time every test uses: 2026-11-26T01:20:00.5Z.</summary>
    public static readonly EventTime ReadTime = EventTime.FromSeconds(1_795_656_000, 500_000_000);

    static ParserHarness()
    {
        // Times without a zone are read in local time, as Fluentd does; pin it so the goldens do not depend on the machine.
        Environment.SetEnvironmentVariable("TZ", "UTC");
        TimeZoneInfo.ClearCachedData();
    }

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Reads <c>key value</c> lines (and nested <c>&lt;parse&gt;</c> ... <c>&lt;/parse&gt;</c>) into a section.
    /// A value is the rest of the line after the first run of spaces.
    /// </summary>
    public static ConfigSection ReadSection(string text)
    {
        var root = new ConfigSection("parse", string.Empty, new SourceLocation("test.conf", 1, 1));
        var stack = new Stack<ConfigSection>();
        stack.Push(root);
        var lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var location = new SourceLocation("test.conf", lineNo, 1);
            if (line.StartsWith("</", StringComparison.Ordinal))
            {
                stack.Pop();
                continue;
            }

            if (line.StartsWith('<'))
            {
                var child = new ConfigSection(line.Trim('<', '>'), string.Empty, location);
                stack.Peek().Sections.Add(child);
                stack.Push(child);
                continue;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var key = space < 0 ? line : line[..space];
            var value = space < 0 ? string.Empty : line[(space + 1)..].TrimStart();
            value = value.Replace("\\t", "\t", StringComparison.Ordinal);
            stack.Peek().Params.Add(new ConfigParam(key, value, location, location with { Column = key.Length + 2 }));
        }

        return root;
    }

    /// <summary>Binds and builds a parser; throws with every diagnostic when the config is refused.</summary>
    public static IParser Create(string configText)
    {
        var diagnostics = new DiagnosticBag();
        var parser = TryCreate(configText, diagnostics);
        return parser ?? throw new InvalidOperationException(string.Join(Environment.NewLine, diagnostics.Items));
    }

    public static IParser? TryCreate(string configText, DiagnosticBag diagnostics)
    {
        var registry = BuiltinPlugins.CreateRegistry();
        var bound = new ConfigBinder(registry).BindPlugin(PluginKind.Parser, ReadSection(configText), diagnostics);
        return bound is null ? null : (IParser)bound.Descriptor.Build(bound.Options, new PluginContext(registry));
    }

    /// <summary>Parses one input and renders the outcome as JSON lines (one per event, or one "not matched").</summary>
    public static List<string> Run(IParser parser, ReadOnlySpan<byte> input, EventTime? readTime = null)
    {
        var lines = new List<string>();
        var ok = parser.Parse(input, readTime ?? ReadTime, (time, record) => lines.Add(Render(time, record)));
        if (!ok)
        {
            var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                writer.WriteStartObject();
                writer.WriteString("not_matched", Encoding.UTF8.GetString(input));
                writer.WriteEndObject();
            }

            lines.Add(Encoding.UTF8.GetString(buffer.ToArray()));
        }

        return lines;
    }

    public static string Render(EventTime time, Record record)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("time", FormatTime(time));
            writer.WritePropertyName("record");
            WriteRecord(writer, record);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string FormatTime(EventTime time) =>
        time.ToDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture) + "." + time.Nanoseconds.ToString("D9", CultureInfo.InvariantCulture) + "Z";

    /// <summary>The record alone as JSON, with Ruby's float rendering.</summary>
    public static string RecordJson(Record record)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteRecord(writer, record);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteRecord(Utf8JsonWriter writer, Record record)
    {
        writer.WriteStartObject();
        foreach (var (key, value) in record)
        {
            writer.WritePropertyName(key);
            WriteValue(writer, value);
        }

        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, RecordValue value)
    {
        switch (value.Kind)
        {
            case RecordValueKind.Null:
                writer.WriteNullValue();
                break;
            case RecordValueKind.Bool:
                writer.WriteBooleanValue(value.AsBool);
                break;
            case RecordValueKind.Integer:
            case RecordValueKind.Float:
                writer.WriteRawValue(value.ToString(), skipInputValidation: true);
                break;
            case RecordValueKind.String:
                writer.WriteStringValue(value.AsString);
                break;
            case RecordValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.AsArray)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            case RecordValueKind.Map:
                WriteRecord(writer, value.AsMap);
                break;
        }
    }
}
