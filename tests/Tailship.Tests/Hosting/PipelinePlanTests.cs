using Microsoft.Extensions.Logging;
using Tailship.Config;
using static Tailship.Tests.TestSupport.Conf;

namespace Tailship.Tests.Hosting;

public sealed class PipelinePlanTests : IAsyncDisposable
{
    private readonly PipelineFixture _f = new();

    [Fact]
    public void SeveralErrors_AreAllReportedTogether_WithLocations()
    {
        var unknown = Section("sorce", string.Empty, ("@type", "counting"));
        var labelRef = Param("@label", "@missing");
        var duplicate = Param("@id", "out");
        var root = Root(
            unknown,
            Section("source", string.Empty, ("@type", "counting"), ("tag", "a"), labelRef),
            Section("match", "a.**", ("@type", "capture"), ("@id", "out")),
            Section("match", "**", ("@type", "capture"), duplicate),
            Section("label", "@mising_not", Section("match", "**", ("@type", "null"))));

        Assert.Null(_f.Plan(root));

        var errors = _f.Diagnostics.Items.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, d => d.Location == unknown.Location && d.Message.Contains("unknown top-level section <sorce>") && d.Message.EndsWith("did you mean <source>?"));
        Assert.Contains(errors, d => d.Location == labelRef.ValueLocation && d.Message.StartsWith("unknown label '@missing' in @label (defined labels: @mising_not)"));
        Assert.Contains(errors, d => d.Location == duplicate.ValueLocation && d.Message.StartsWith("duplicate @id 'out': already used at test.conf:"));
    }

    [Fact]
    public void UnknownPluginInLabel_IsReportedWithTheLabel()
    {
        var root = Root(Section("label", "@x", Section("match", "**", ("@type", "nosuch"))));

        Assert.Null(_f.Plan(root));

        var error = Assert.Single(_f.Diagnostics.Items);
        Assert.Contains("<label @x> > <match **> (@type nosuch)", error.ToString());
    }

    [Fact]
    public void LabelReferencedBeforeItsDefinition_IsAccepted()
    {
        var root = Root(
            Section("source", string.Empty, ("@type", "counting"), ("tag", "a"), ("@label", "@later")),
            Section("label", "@later", Section("match", "**", ("@type", "null"))));

        Assert.NotNull(_f.Plan(root));
        Assert.Empty(_f.Diagnostics.Items);
    }

    [Fact]
    public void DuplicateLabel_And_SourceInsideLabel_AreErrors()
    {
        var root = Root(
            Section("label", "@a", Section("source", string.Empty, ("@type", "counting"), ("tag", "x"))),
            Section("label", "@a"),
            Section("label", string.Empty));

        Assert.Null(_f.Plan(root));

        var messages = _f.Diagnostics.Items.Select(d => d.Message).ToList();
        Assert.Contains(messages, m => m.StartsWith("section <source> is not allowed in <label @a>"));
        Assert.Contains(messages, m => m.StartsWith("label @a is defined twice"));
        Assert.Contains("missing label name: write <label @NAME>", messages);
    }

    [Fact]
    public void MatchWithoutPattern_MatchesEverything_WithAWarning()
    {
        var root = Root(Section("match", string.Empty, ("@type", "null")));

        var plan = _f.Plan(root);

        Assert.NotNull(plan);
        var warning = Assert.Single(_f.Diagnostics.Items);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.True(Assert.Single(plan.Plugins).Pattern!.IsMatch("any.tag"));
    }

    [Fact]
    public void InvalidRegexPattern_IsAnError()
    {
        Assert.Null(_f.Plan(Root(Section("match", "/a(/", ("@type", "null")))));
        Assert.StartsWith("invalid match pattern '/a(/'", Assert.Single(_f.Diagnostics.Items).Message);
    }

    [Fact]
    public void WorkerSectionsIncluding0_ContentsAreUsed()
    {
        var plan = _f.Plan(Root(
            Section("worker", "0", Section("match", "a", ("@type", "null"), ("@id", "w0"))),
            Section("worker", "0-3", Section("label", "@l", Section("match", "b", ("@type", "null"), ("@id", "w03"))))));

        Assert.NotNull(plan);
        Assert.Equal(["w0", "w03"], plan.Plugins.Select(p => p.Id));
        Assert.Equal(["@l"], plan.Labels);
    }

    [Fact]
    public void OtherWorkers_AreNotImplemented_BadIdsRejected()
    {
        var other = Section("worker", "1-2", Section("match", "**", ("@type", "null")));
        var bad = Section("worker", "x");
        var nested = Section("system", string.Empty);

        Assert.Null(_f.Plan(Root(other, bad, Section("worker", "0", nested))));

        var errors = _f.Diagnostics.Items;
        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, d => d.Location == other.Location && d.Message.Contains("Tailship runs one worker (id 0); multiple workers are not implemented yet"));
        Assert.Contains(errors, d => d.Location == bad.Location && d.Message.StartsWith("invalid worker id 'x'"));
        Assert.Contains(errors, d => d.Location == nested.Location && d.Message == "<system> is not allowed inside <worker>");
    }

    [Fact]
    public void GeneratedIds_AreUniquePerType()
    {
        var plan = _f.Plan(Root(
            Section("match", "a", ("@type", "null")),
            Section("match", "b", ("@type", "null")),
            Section("match", "c", ("@type", "capture"))));

        Assert.NotNull(plan);
        Assert.Equal(["object:null-0", "object:null-1", "object:capture-0"], plan.Plugins.Select(p => p.Id));
    }

    [Fact]
    public void DuplicateIdInNestedStore_IsAnError()
    {
        var root = Root(
            Section("match", "a", ("@type", "null"), ("@id", "x")),
            Section("match", "b", ("@type", "copy"), Section("store", string.Empty, ("@type", "null"), ("@id", "x"))));

        Assert.Null(_f.Plan(root));
        Assert.StartsWith("duplicate @id 'x'", Assert.Single(_f.Diagnostics.Items).Message);
    }

    [Fact]
    public void TopLevelParameter_IsAnError()
    {
        var root = Root();
        root.Params.Add(Param("log_level", "debug"));

        Assert.Null(_f.Plan(root));
        Assert.StartsWith("parameter 'log_level' is not allowed at the top level", Assert.Single(_f.Diagnostics.Items).Message);
    }

    [Fact]
    public void System_IsBoundAndExposed()
    {
        var plan = _f.Plan(Root(Section(
            "system",
            string.Empty,
            ("log_level", "warn"),
            ("emit_error_log_interval", "30s"),
            ("suppress_config_dump", "true"),
            ("process_name", "tailship-test"),
            ("root_dir", "/var/lib/tailship"),
            ("file_permission", "0640"),
            ("dir_permission", "0750"),
            Section("log", string.Empty, ("format", "json"), ("time_format", "%Y")))));

        Assert.NotNull(plan);
        var system = plan.System;
        Assert.Equal("warn", system.LogLevelName);
        Assert.Equal(LogLevel.Warning, system.LogLevel);
        Assert.Equal(TimeSpan.FromSeconds(30), system.EmitErrorLogInterval);
        Assert.True(system.SuppressConfigDump);
        Assert.Equal("tailship-test", system.ProcessName);
        Assert.Equal("/var/lib/tailship", system.RootDir);
        Assert.Equal(0b110_100_000, system.FilePermission);
        Assert.Equal(0b111_101_000, system.DirPermission);
        Assert.Equal("json", system.LogFormat);
        Assert.Equal("%Y", system.LogTimeFormat);
    }

    [Fact]
    public void System_Defaults_WhenAbsent()
    {
        var plan = _f.Plan(Root());

        Assert.NotNull(plan);
        Assert.Equal(LogLevel.Information, plan.System.LogLevel);
        Assert.Equal("text", plan.System.LogFormat);
        Assert.Equal(1, plan.System.Workers);
    }

    [Fact]
    public void System_UnsupportedValues_AreErrors()
    {
        var root = Root(
            Section("system", string.Empty, ("workers", "4"), ("file_permission", "rw-r--r--"), ("log_level", "verbose"), ("rpc_endpoint", "127.0.0.1:24444"), ("log_levle", "x")),
            Section("system", string.Empty));

        Assert.Null(_f.Plan(root));

        var messages = _f.Diagnostics.Items.Select(d => d.Message).ToList();
        Assert.Contains(messages, m => m.StartsWith("workers 4: Tailship runs one worker process"));
        Assert.Contains(messages, m => m.StartsWith("parameter 'file_permission': expected an octal mode"));
        Assert.Contains(messages, m => m.StartsWith("parameter 'log_level':"));
        Assert.Contains(messages, m => m.StartsWith("parameter 'rpc_endpoint' is a Fluentd parameter that Tailship does not implement yet"));
        Assert.Contains(messages, m => m.StartsWith("unknown parameter 'log_levle'") && m.EndsWith("did you mean 'log_level'?"));
        Assert.Contains(messages, m => m.StartsWith("<system> may appear only once"));
    }

    public ValueTask DisposeAsync() => _f.DisposeAsync();
}
