using System.Text;
using Tailship.Config;
using Tailship.Plugins;

namespace Tailship.Hosting;

/// <summary><c>tailship --help TYPE</c>: the declared parameters and sections of every plugin kind named TYPE.</summary>
internal static class PluginHelp
{
    /// <summary>Returns the help text, or null with <paramref name="error"/> when no plugin has that name.</summary>
    public static string? Render(PluginRegistry registry, string type, out string? error)
    {
        var found = Enum.GetValues<PluginKind>()
            .Select(kind => registry.Find(kind, type))
            .OfType<PluginDescriptor>()
            .ToList();
        if (found.Count == 0)
        {
            var reasons = Enum.GetValues<PluginKind>()
                .Select(kind => { registry.Resolve(kind, type, out var why); return why; })
                .OfType<string>()
                .ToList();
            error = reasons.FirstOrDefault(r => r.Contains("does not implement", StringComparison.Ordinal))
                ?? reasons.FirstOrDefault(r => r.Contains("did you mean", StringComparison.Ordinal))
                ?? $"no plugin is named '{type}' (the README of docs/plugins lists them all)";
            return null;
        }

        var text = new StringBuilder();
        foreach (var descriptor in found)
        {
            var spec = descriptor.Spec;
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append(PluginRegistry.KindName(spec.Kind)).Append(" plugin '@type ").Append(spec.Type).Append("' in <")
                .Append(spec.Root.Name).Append(">\n  ").Append(spec.Description).Append('\n');
            WriteSection(text, spec.Root, 1);
        }

        error = null;
        return text.ToString();
    }

    private static void WriteSection(StringBuilder text, SectionSpec section, int depth)
    {
        var indent = new string(' ', depth * 2);
        if (section.Params.Count > 0)
        {
            text.Append('\n').Append(indent).Append("Parameters:\n");
        }

        foreach (var p in section.Params)
        {
            text.Append(indent).Append("  ").Append(p.Name).Append(" (").Append(ParamText.TypeName(p));
            if (p.Required)
            {
                text.Append(", required");
            }
            else if (ParamText.Default(p) is { Length: > 0 } def)
            {
                text.Append(", default ").Append(def);
            }

            text.Append(')');
            if (p.Secret)
            {
                text.Append(" secret");
            }

            if (!p.Implemented)
            {
                text.Append(" NOT IMPLEMENTED YET");
            }

            text.Append('\n').Append(indent).Append("      ").Append(p.Description).Append('\n');
        }

        foreach (var child in section.Sections)
        {
            text.Append('\n').Append(indent).Append('<').Append(child.Name).Append('>');
            var notes = SectionNotes(child);
            if (notes.Length > 0)
            {
                text.Append(" (").Append(notes).Append(')');
            }

            text.Append('\n').Append(indent).Append("  ").Append(child.Description).Append('\n');
            if (child.PluginKind is null)
            {
                WriteSection(text, child, depth + 1);
            }
        }
    }

    /// <summary>Short facts about a section: required, repeatable, nested plugin kind, not implemented.</summary>
    internal static string SectionNotes(SectionSpec section)
    {
        var notes = new List<string>();
        if (section.PluginKind is { } kind)
        {
            notes.Add(section.DefaultType is null
                ? $"a {PluginRegistry.KindName(kind)} plugin chosen by @type"
                : $"a {PluginRegistry.KindName(kind)} plugin chosen by @type, default {section.DefaultType}");
        }

        if (section.Required)
        {
            notes.Add("required");
        }

        if (section.Multiple)
        {
            notes.Add("may be repeated");
        }

        if (section.OpenKeys)
        {
            notes.Add("takes any key");
        }

        if (!section.Implemented)
        {
            notes.Add("not implemented yet");
        }

        return string.Join(", ", notes);
    }
}
