using Tailship.Config;
using Tailship.Plugins;

namespace Tailship.Tests.Hosting;

/// <summary>Plugins declared only for hosting tests: they exercise secrets, nested sections and doc rendering.</summary>
internal static class FakePlugins
{
    public static readonly PluginDescriptor Vault = new PluginDescriptor<object>(
        new PluginSpec(PluginKind.Output, "vault", new SectionSpec("match", "Writes events to a vault. Second sentence.")
        {
            Params =
            [
                ParamSpec.String("endpoint", "https://vault.local", "Where the vault listens."),
                ParamSpec.String("credential", null, "The vault token.") with { Secret = true, Required = true },
                ParamSpec.Size("chunk", 8 * 1024 * 1024, "Largest write | in bytes."),
                ParamSpec.Time("timeout", 300, "How long to wait."),
                ParamSpec.Enum("mode", "fast", ["fast", "safe"], "Write mode."),
                ParamSpec.NotImplemented("legacy", "An old Fluentd switch."),
            ],
            Sections =
            [
                new SectionSpec("auth", "How to log in.") { Params = [ParamSpec.String("key", null, "Login key.") with { Secret = true }, ParamSpec.String("user", null, "Login user.")] },
                new SectionSpec("format", "How events are written.") { PluginKind = PluginKind.Formatter, DefaultType = "salted" },
            ],
        }),
        validate: (_, _) => new object(),
        build: (_, _) => new object());

    public static readonly PluginDescriptor Salted = new PluginDescriptor<object>(
        new PluginSpec(PluginKind.Formatter, "salted", new SectionSpec("format", "Formats with a salt.")
        {
            Params = [ParamSpec.String("salt", null, "The salt.") with { Secret = true }],
        }),
        validate: (_, _) => new object(),
        build: (_, _) => new object());

    public static PluginRegistry Registry() => new PluginRegistry().Add(Vault).Add(Salted);
}
