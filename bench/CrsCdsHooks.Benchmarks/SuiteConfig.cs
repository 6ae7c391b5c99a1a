using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace CrsCdsHooks.Benchmarks;

/// <summary>
/// One job, in process (no generated project to build: the repository's warnings-as-errors build rules would apply
/// to it), shorter than BenchmarkDotNet's default so the suite runs in minutes on 2 cores: 1 launch, 3 warm-up and
/// 12 measured iterations. Min, median and P95 beside the mean (on a shared machine the minimum is what a call costs
/// when nothing else runs); allocations per operation from the memory diagnoser.
/// </summary>
public sealed class SuiteConfig : ManualConfig
{
    public SuiteConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(12)
            .WithId("Short-InProcess"));
        AddColumn(StatisticColumn.Min, StatisticColumn.Median, StatisticColumn.P95);
        WithOptions(ConfigOptions.JoinSummary);
    }
}
