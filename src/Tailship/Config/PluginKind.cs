namespace Tailship.Config;

public enum PluginKind
{
    Input,
    Output,
    Filter,
    Parser,
    Formatter,
    Buffer,
}
