using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Tailship.Benchmarks;

// Run with scripts/microbench (Release build, short job); arguments go to BenchmarkDotNet (--filter, --job ...).
var config = DefaultConfig.Instance.AddColumn(new EventsPerSecondColumn());
BenchmarkSwitcher.FromAssembly(typeof(EventsPerSecondColumn).Assembly).Run(args, config);
