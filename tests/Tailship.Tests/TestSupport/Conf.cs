using Tailship.Config;

namespace Tailship.Tests.TestSupport;

/// <summary>
/// Builds <see cref="ConfigSection"/> trees by hand, as the fluent.conf reader would, with made-up but distinct
/// locations (<c>test.conf:LINE:1</c>, one line per section or parameter in build order) so diagnostics can be told apart.
/// </summary>
/// <example><c>Conf.Root(Conf.Section("match", "app.**", ("@type", "capture"), ("name", "out")))</c></example>
internal sealed class Conf
{
    private int _line;

    public static ConfigSection Root(params ConfigSection[] sections)
    {
        var root = new ConfigSection(ConfigSection.RootName, string.Empty, new SourceLocation("test.conf", 0, 0));
        root.Sections.AddRange(sections);
        return root;
    }

    /// <summary>A section; <paramref name="items"/> are <c>(key, value)</c> tuples and nested sections, in order.</summary>
    public static ConfigSection Section(string name, string argument, params object[] items) => Shared.Make(name, argument, items);

    /// <summary>A parameter line, for roots or sections built by hand.</summary>
    public static ConfigParam Param(string key, string value) => Shared.MakeParam(key, value);

    private static Conf Shared { get; } = new();

    private ConfigSection Make(string name, string argument, object[] items)
    {
        var section = new ConfigSection(name, argument, Next());
        foreach (var item in items)
        {
            switch (item)
            {
                case ValueTuple<string, string>(var key, var value):
                    section.Params.Add(MakeParam(key, value));
                    break;
                case ConfigSection child:
                    section.Sections.Add(child);
                    break;
                case ConfigParam param:
                    section.Params.Add(param);
                    break;
                default:
                    throw new ArgumentException($"unexpected item {item}", nameof(items));
            }
        }

        return section;
    }

    private ConfigParam MakeParam(string key, string value)
    {
        var at = Next();
        return new ConfigParam(key, value, at, at with { Column = key.Length + 2 });
    }

    private SourceLocation Next() => new("test.conf", Interlocked.Increment(ref _line), 1);
}
