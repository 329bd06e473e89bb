using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;
using Tailship.Benchmarks;

// Run with scripts/microbench (Release build); arguments go to BenchmarkDotNet (--filter, --job ...).
// Without --job, every benchmark runs in this process with a short job sized for a shared 2-core machine: one launch,
// 2 warm-up and 5 measured iterations of about 150 ms each, so all of them together take a few minutes. In-process
// because BenchmarkDotNet's separate build of a host project times out (120 s) on a loaded machine.
var quick = Job.Default
    .WithLaunchCount(1)
    .WithWarmupCount(2)
    .WithIterationCount(5)
    .WithIterationTime(TimeInterval.FromMilliseconds(150))
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithId("Quick")
    .AsDefault();
// Error (a confidence half-width from 5 samples) and the GC generation counts add width, not information, here.
var config = DefaultConfig.Instance.AddJob(quick).AddColumn(new EventsPerSecondColumn())
    .HideColumns(Column.Error, Column.Median, Column.Gen0, Column.Gen1, Column.Gen2);
BenchmarkSwitcher.FromAssembly(typeof(EventsPerSecondColumn).Assembly).Run(args, config);
