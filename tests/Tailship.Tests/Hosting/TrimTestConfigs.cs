using Tailship.Tests.TestSupport;

namespace Tailship.Tests.Hosting;

/// <summary>The configurations the page-trim process tests run: one file tailed to stdout, or generated events to null.</summary>
internal static class TrimTestConfigs
{
    /// <summary>Writes <c>fluent.conf</c> tailing <paramref name="log"/> from the head (tag <c>app</c>) to stdout; returns its path.</summary>
    public static async Task<string> WriteTailToStdoutAsync(TempDirectory dir, string log, CancellationToken cancel)
    {
        var config = dir["fluent.conf"];
        await File.WriteAllTextAsync(config, $$"""
            <source>
              @type tail
              format none
              path {{log}}
              pos_file {{dir["app.log.pos"]}}
              read_from_head true
              tag app
            </source>

            <match app>
              @type stdout
            </match>
            """, cancel);
        return config;
    }

    /// <summary>Writes <c>fluent.conf</c> with a <c>sample</c> source (one event a second) into <c>null</c>; returns its path.</summary>
    public static async Task<string> WriteSampleToNullAsync(TempDirectory dir, CancellationToken cancel)
    {
        var config = dir["fluent.conf"];
        await File.WriteAllTextAsync(config, "<source>\n  @type sample\n  tag x\n  rate 1\n</source>\n<match x>\n  @type null\n</match>\n", cancel);
        return config;
    }
}
