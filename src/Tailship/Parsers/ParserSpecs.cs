using Tailship.Config;

namespace Tailship.Parsers;

/// <summary>Builds a parser's declaration from its own parameters followed by the shared ones.</summary>
internal static class ParserSpecs
{
    public static PluginSpec Create(string type, string description, ParamSpec[] own, ParamSpec[] common, IReadOnlyList<SectionSpec>? sections = null) =>
        new(PluginKind.Parser, type, new SectionSpec("parse", description)
        {
            Params = [.. own, .. common],
            Sections = sections ?? [],
        });

}
