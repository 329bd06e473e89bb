using System.Text;
using Tailship.Config;

namespace Tailship.Tests.Config.Reading;

public sealed class YamlConfigReaderTests : IDisposable
{
    private readonly ConfigFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void YamlConfig_ReadsToTheSameTreeAsTheEquivalentFluentConf()
    {
        _files.Environment["BUCKET"] = "logs-bucket";
        var conf = _files.LoadClean("""
            <system>
              workers 2
            </system>
            <source>
              @type tail
              @id in_tail
              @label @APP
              path /var/log/1.log,/var/log/2.log
              tag count.format1
              <parse>
                @type none
              </parse>
            </source>
            <filter count.**>
              @type record_transformer
              <record>
                host "#{hostname}"
              </record>
            </filter>
            <label @APP>
              <match count.*,other.**>
                @type s3
                @log_level warn
                s3_bucket "#{ENV['BUCKET']}"
                keys ["a","b"]
                <buffer time,tag>
                  timekey 60
                </buffer>
                <store>
                  @type stdout
                </store>
                <store>
                  @type null
                </store>
              </match>
            </label>
            <worker 0>
              <source>
                @type sample
                sample {"message":"hi"}
              </source>
            </worker>
            """);
        var yaml = _files.LoadClean("""
            system:
              workers: 2
            config:
              - source:
                  $type: tail
                  $id: in_tail
                  $label: '@APP'
                  path: /var/log/1.log,/var/log/2.log
                  tag: count.format1
                  parse:
                    $type: none
              - filter:
                  $tag: count.**
                  $type: record_transformer
                  record:
                    host: !fluent/s "#{hostname}"
              - label:
                  $name: '@APP'
                  config:
                    - match:
                        $tag: [count.*, other.**]
                        $type: s3
                        $log_level: warn
                        s3_bucket: !fluent/s "#{ENV['BUCKET']}"
                        keys: [a, b]
                        buffer:
                          $arg: [time, tag]
                          timekey: 60
                        store:
                          - $type: stdout
                          - $type: 'null'
              - worker:
                  $arg: 0
                  config:
                    - source:
                        $type: sample
                        sample: !fluent/json {"message": "hi"}
            """, "fluent.yaml");

        Assert.Equal(Dump(conf), Dump(yaml));
    }

    [Fact]
    public void Locations_ComeFromYamlMarks()
    {
        var root = _files.LoadClean("config:\n  - source:\n      $type: tail\n      path:   /x\n", "fluent.yml");
        var source = root.Sections[0];
        Assert.Equal(new SourceLocation("fluent.yml", 2, 5), source.Location with { File = "fluent.yml" });
        var path = source.Find("path")!;
        Assert.Equal((4, 7), (path.Location.Line, path.Location.Column));
        Assert.Equal((4, 15), (path.ValueLocation.Line, path.ValueLocation.Column));
        Assert.Equal("@type", source.Params[0].Key);
    }

    [Fact]
    public void Include_InConfigListAndMergeKey_BringsEntriesAndParams()
    {
        _files.Write("fluent.yaml", """
            config:
              - !include conf.d/*.yaml
              - !include legacy.conf
              - match:
                  $tag: '**'
                  $type: file
                  buffer:
                    $type: file
                    <<: !include buffer_params.yaml
                    path: /var/buf
            """);
        _files.Write("conf.d/a.yaml", "- source:\n    $type: tail\n- source:\n    $type: sample\n");
        _files.Write("conf.d/b.yaml", "source:\n  $type: forward\n");
        _files.Write("legacy.conf", "<filter **>\n  @type stdout\n</filter>\n");
        _files.Write("buffer_params.yaml", "flush_interval: 5s\nchunk_limit_size: 1m\n");

        var (root, diagnostics) = _files.Load("fluent.yaml");

        Assert.Empty(diagnostics);
        Assert.Equal(["source:tail", "source:sample", "source:forward", "filter:stdout", "match:file"], root!.Sections.Select(s => $"{s.Name}:{s.Type}"));
        var buffer = root.Sections[4].Sections[0];
        Assert.Equal(["@type", "flush_interval", "chunk_limit_size", "path"], buffer.Params.Select(p => p.Key));
        Assert.Equal(Path.Combine(_files.Root, "buffer_params.yaml"), buffer.Find("flush_interval")!.Location.File);
    }

    [Fact]
    public void IncludeCycle_IsAnError()
    {
        _files.Write("fluent.yaml", "config:\n  - !include a.yaml\n");
        _files.Write("a.yaml", "- !include fluent.yaml\n");

        var (root, diagnostics) = _files.Load("fluent.yaml");

        Assert.Null(root);
        Assert.Equal(["a.yaml:1:3: error: include cycle: fluent.yaml -> a.yaml -> fluent.yaml"], diagnostics);
    }

    [Fact]
    public void ScalarKinds_BecomeTextAndStyles()
    {
        var root = _files.LoadClean("""
            config:
              - source:
                  $type: sample
                  empty:
                  tilde: ~
                  number: 10
                  quoted: "a\tb"
                  single: 'it''s'
                  fs: !fluent/s "x\\ny#{worker_id}"
                  fields: [a, 1, "2", null, true]
            """, "f.yaml");
        var source = root.Sections[0];
        Assert.Equal(string.Empty, source.Find("empty")!.Value);
        Assert.Equal(string.Empty, source.Find("tilde")!.Value);
        Assert.Equal("10", source.Find("number")!.Value);
        Assert.Equal("a\tb", source.Find("quoted")!.Value);
        Assert.Equal(ConfigValueStyle.DoubleQuoted, source.Find("quoted")!.Style);
        Assert.Equal("it's", source.Find("single")!.Value);
        Assert.Equal(ConfigValueStyle.SingleQuoted, source.Find("single")!.Style);
        Assert.Equal("x\ny3", source.Find("fs")!.Value);
        Assert.Equal("""["a",1,"2",null,true]""", source.Find("fields")!.Value);
        Assert.Equal(ConfigValueStyle.Json, source.Find("fields")!.Style);
    }

    [Fact]
    public void Errors_AreCollectedWithLocations()
    {
        _files.Write("fluent.yaml", """
            config:
              - sorce:
                  $type: tail
              - match:
                  $tag: '**'
                  $tpye: s3
                  key: !fluent/s "#{`id`}"
              - label:
                  config: []
              - filter: !custom
                  $tag: x
            """);
        var (root, diagnostics) = _files.Load("fluent.yaml");
        Assert.Null(root);
        Assert.Equal(5, diagnostics.Count);
        Assert.StartsWith("fluent.yaml:2:5: error: unknown config entry 'sorce': expected source, match, filter, label or worker (did you mean 'source'?)", diagnostics[1], StringComparison.Ordinal);
        Assert.StartsWith("fluent.yaml:6:7: error: unknown key '$tpye' in 'match'", diagnostics[2], StringComparison.Ordinal);
        Assert.Contains("(did you mean '$type'?)", diagnostics[2], StringComparison.Ordinal);
        Assert.StartsWith("fluent.yaml:7:12: error: embedded Ruby '#{`id`}' is not supported", diagnostics[3], StringComparison.Ordinal);
        Assert.Equal("fluent.yaml:10:13: error: unknown YAML tag '!custom': expected !include, !fluent/s or !fluent/json", diagnostics[0]);
        Assert.Equal("fluent.yaml:8:5: error: expected '$name' in 'label' (e.g. $name: '@NAME'), found none", diagnostics[4]);
    }

    [Fact]
    public void InvalidYaml_IsAnErrorWithItsPlace()
    {
        _files.Write("fluent.yaml", "config:\n  - source:\n      $type: tail\n     bad: [\n");

        var (root, diagnostics) = _files.Load("fluent.yaml");

        Assert.Null(root);
        var error = Assert.Single(diagnostics);
        Assert.Matches(@"^fluent\.yaml:\d+:\d+: error: invalid YAML: ", error);
    }

    [Fact]
    public void DuplicateKey_IsAnError()
    {
        _files.Write("fluent.yaml", "config:\n  - source:\n      path: a\n      path: b\n");

        var (root, diagnostics) = _files.Load("fluent.yaml");

        Assert.Null(root);
        Assert.Matches(@"^fluent\.yaml:4:7: error: invalid YAML: .*[Dd]uplicate key", Assert.Single(diagnostics));
    }

    /// <summary>A canonical text of a tree: names, arguments, parameters and values, without locations.</summary>
    private static string Dump(ConfigSection section)
    {
        var sb = new StringBuilder();
        Dump(section, 0, sb);
        return sb.ToString();
    }

    private static void Dump(ConfigSection section, int depth, StringBuilder sb)
    {
        var indent = new string(' ', depth * 2);
        sb.Append(indent).Append('<').Append(section.Name).Append(' ').Append(section.Argument).Append(">\n");
        foreach (var p in section.Params.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            sb.Append(indent).Append("  ").Append(p.Key).Append('=').Append(p.Value).Append('\n');
        }

        foreach (var child in section.Sections)
        {
            Dump(child, depth + 1, sb);
        }
    }
}
