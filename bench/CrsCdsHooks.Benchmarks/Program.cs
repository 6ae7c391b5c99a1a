using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(CrsCdsHooks.Benchmarks.PipelineBenchmarks).Assembly).Run(args);
