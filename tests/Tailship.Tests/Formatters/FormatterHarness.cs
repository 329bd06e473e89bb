using System.Buffers;
using System.Text;
using Tailship.Config;
using Tailship.Events;
using Tailship.Plugins;
using Record = Tailship.Events.Record;

namespace Tailship.Tests.Formatters;

/// <summary>Binds a &lt;format&gt; section through the real registry and binder, and renders events.</summary>
internal static class FormatterHarness
{
    public static readonly EventTime Jan1 = EventTime.FromSeconds(1704103200); // 2024-01-01T10:00:00Z

    public static ConfigSection Section(string type, params (string Key, string Value)[] parameters)
    {
        var section = new ConfigSection("format", string.Empty, new SourceLocation("test.conf", 1, 1));
        section.Params.Add(new ConfigParam("@type", type, new SourceLocation("test.conf", 2, 3), new SourceLocation("test.conf", 2, 9)));
        var line = 3;
        foreach (var (key, value) in parameters)
        {
            section.Params.Add(new ConfigParam(key, value, new SourceLocation("test.conf", line, 3), new SourceLocation("test.conf", line, 4 + key.Length)));
            line++;
        }

        return section;
    }

    /// <summary>The validated options of a formatter, or the diagnostics when binding failed.</summary>
    public static (TOptions? Options, DiagnosticBag Diagnostics) Bind<TOptions>(string type, params (string Key, string Value)[] parameters)
        where TOptions : class
    {
        var diagnostics = new DiagnosticBag();
        var bound = new ConfigBinder(BuiltinPlugins.CreateRegistry()).BindPlugin(PluginKind.Formatter, Section(type, parameters), diagnostics);
        return (bound?.Options as TOptions, diagnostics);
    }

    public static TOptions Options<TOptions>(string type, params (string Key, string Value)[] parameters)
        where TOptions : class
    {
        var (options, diagnostics) = Bind<TOptions>(type, parameters);
        return options ?? throw new InvalidOperationException(string.Join("\n", diagnostics.Items));
    }

    /// <summary>Builds through the registry (local zone from the environment): for formatters that show no local time.</summary>
    public static IFormatter Build(string type, params (string Key, string Value)[] parameters)
    {
        var registry = BuiltinPlugins.CreateRegistry();
        var diagnostics = new DiagnosticBag();
        var bound = new ConfigBinder(registry).BindPlugin(PluginKind.Formatter, Section(type, parameters), diagnostics)
            ?? throw new InvalidOperationException(string.Join("\n", diagnostics.Items));
        return (IFormatter)bound.Descriptor.Build(bound.Options, new PluginContext(registry));
    }

    public static byte[] FormatBytes(IFormatter formatter, Record record, string tag = "test.tag", EventTime? time = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        formatter.Format(tag, time ?? Jan1, record, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public static string FormatText(IFormatter formatter, Record record, string tag = "test.tag", EventTime? time = null) =>
        Encoding.UTF8.GetString(FormatBytes(formatter, record, tag, time));

    public static Record Message(string message)
    {
        var r = new Record();
        r.Append("message", message);
        return r;
    }

    /// <summary>A record holding the values Fluentd's JSON is picky about.</summary>
    public static Record Tricky()
    {
        var nested = new Record();
        nested.Append("inner", RecordValue.FromArray([1L, "two", RecordValue.Null, false]));
        var r = new Record();
        r.Append("ctl", "a\"b\\c\b\f\n\r\t\u0001\u001b\u007f/<&\u2028é");
        r.Append("bytes", RecordValue.FromUtf8([0x6f, 0x6b, 0xff, 0xc3, 0x28, 0x0a]));
        r.Append("int", -42L);
        r.Append("big", RecordValue.FromBigInteger("123456789012345678901234567890"));
        r.Append("f1", 1000.0);
        r.Append("f2", 1.0e-07);
        r.Append("f3", 6.02214076e+23);
        r.Append("f4", -0.0);
        r.Append("f5", 123456789.12345679);
        r.Append("t", true);
        r.Append("n", RecordValue.Null);
        r.Append("map", RecordValue.FromMap(nested));
        r.Append("empty", RecordValue.FromMap(new Record()));
        return r;
    }
}
