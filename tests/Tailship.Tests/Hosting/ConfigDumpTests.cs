using Tailship.Config;
using Tailship.Hosting;
using Tailship.Plugins;

namespace Tailship.Tests.Hosting;

public sealed class ConfigDumpTests
{
    private static readonly SourceLocation At = new("fluent.conf", 1, 1);

    private static ConfigSection Section(string name, string argument, params (string Key, string Value)[] values)
    {
        var section = new ConfigSection(name, argument, At);
        foreach (var (key, value) in values)
        {
            section.Params.Add(new ConfigParam(key, value, At, At));
        }

        return section;
    }

    private static ConfigSection With(ConfigSection parent, params ConfigSection[] children)
    {
        parent.Sections.AddRange(children);
        return parent;
    }

    [Fact]
    public void Render_DeclaredAndObviousSecrets_AreMaskedEverywhere()
    {
        var root = With(
            Section("ROOT", string.Empty),
            Section("source", string.Empty, ("@type", "tail"), ("path", "/var/log/1.log")),
            With(
                Section("match", "**", ("@type", "vault"), ("endpoint", "https://v"), ("credential", "hunter2"), ("aws_sec_key", "AKIASECRET"), ("db_password", "pw")),
                Section("auth", string.Empty, ("key", "k123"), ("user", "bob")),
                Section("format", string.Empty, ("salt", "s1"))),
            With(Section("label", "@X"), Section("match", "a.**", ("type", "vault"), ("credential", "c2"))));

        var text = ConfigDump.Render(root, FakePlugins.Registry());

        Assert.Equal(
            """
            <ROOT>
              <source>
                @type tail
                path /var/log/1.log
              </source>
              <match **>
                @type vault
                endpoint https://v
                credential xxxxxx
                aws_sec_key xxxxxx
                db_password xxxxxx
                <auth>
                  key xxxxxx
                  user bob
                </auth>
                <format>
                  salt xxxxxx
                </format>
              </match>
              <label @X>
                <match a.**>
                  type vault
                  credential xxxxxx
                </match>
              </label>
            </ROOT>
            """,
            text);
    }

    [Fact]
    public void Render_UnknownPlugin_StillMasksObviousSecretKeys()
    {
        var root = With(Section("ROOT", string.Empty), Section("match", "**", ("@type", "s3"), ("aws_key_id", "AKIA"), ("s3_bucket", "b")));

        var text = ConfigDump.Render(root, new PluginRegistry());

        Assert.Contains("aws_key_id xxxxxx", text);
        Assert.Contains("s3_bucket b", text);
        Assert.DoesNotContain("AKIA", text);
    }

    [Fact]
    public void Render_QuotedValues_AreQuotedSoTheyReadBack()
    {
        var match = Section("match", "**");
        match.Params.Add(new ConfigParam("plain", "a b", At, At, ConfigValueStyle.SingleQuoted));
        match.Params.Add(new ConfigParam("escaped", "line1\n\"x\"\\", At, At, ConfigValueStyle.DoubleQuoted));
        match.Params.Add(new ConfigParam("json", "[\"a\",\"b\"]", At, At, ConfigValueStyle.Json));
        match.Params.Add(new ConfigParam("empty", string.Empty, At, At));

        var text = ConfigDump.Render(With(Section("ROOT", string.Empty), match), new PluginRegistry());

        Assert.Contains("    plain 'a b'\n", text);
        Assert.Contains("    escaped \"line1\\n\\\"x\\\"\\\\\"\n", text);
        Assert.Contains("    json [\"a\",\"b\"]\n", text);
        Assert.Contains("    empty\n", text);
    }

    [Theory]
    [InlineData("aws_sec_key", true)]
    [InlineData("aws_key_id", true)]
    [InlineData("shared_key", true)]
    [InlineData("http_password", true)]
    [InlineData("bearer_token", true)]
    [InlineData("client_secret", true)]
    [InlineData("path", false)]
    [InlineData("s3_bucket", false)]
    [InlineData("@id", false)]
    public void IsObviouslySecret_NamesThatHoldSecrets(string key, bool secret) => Assert.Equal(secret, ConfigDump.IsObviouslySecret(key));
}
