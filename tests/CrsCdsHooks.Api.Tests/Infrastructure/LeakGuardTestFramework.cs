using System.Reflection;

using CrsCdsHooks.Api.Tests.Hardening;

using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("CrsCdsHooks.Api.Tests.Infrastructure.LeakGuardTestFramework", "CrsCdsHooks.Api.Tests")]

namespace CrsCdsHooks.Api.Tests.Infrastructure;

/// <summary>
/// xunit's own framework with one step after the last test of the assembly (every collection has finished, the
/// class fixtures included): the run's <see cref="LeakGuard"/> figure goes to TestResults/reliability.txt, and leaks
/// that no host threw at a test (a host never disposed, a line logged after disposal) fail the run as an assembly
/// cleanup failure. Chosen over AppDomain.ProcessExit, which the test host may cut short and which can no longer fail
/// anything; this runs inside xunit's assembly runner, before it reports the assembly finished, whatever the filter.
/// </summary>
public sealed class LeakGuardTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformationProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformationProvider, diagnosticMessageSink)
    {
        protected override async void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            using var runner = new Runner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }

    private sealed class Runner(ITestAssembly testAssembly, IEnumerable<IXunitTestCase> testCases, IMessageSink diagnosticMessageSink, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        : XunitTestAssemblyRunner(testAssembly, testCases, diagnosticMessageSink, executionMessageSink, executionOptions)
    {
        private int _tests;

        protected override async Task<RunSummary> RunTestCollectionsAsync(IMessageBus messageBus, CancellationTokenSource cancellationTokenSource)
        {
            var summary = await base.RunTestCollectionsAsync(messageBus, cancellationTokenSource);
            _tests = summary.Total;
            return summary;
        }

        protected override Task BeforeTestAssemblyFinishedAsync()
        {
#pragma warning disable CA1031 // whatever goes wrong here is reported as a cleanup failure, never a crashed test host
            try
            {
                ReliabilityFigures.Record("5 no leaks: whole run", LeakGuard.Summary(_tests));
                var unreported = LeakGuard.Unreported();
                if (unreported.Count > 0)
                    Aggregator.Add(new LogLeakException($"{unreported.Count} leaking log line(s) no host reported to a test:\n" + string.Join("\n", unreported.Take(20))));
            }
            catch (Exception ex)
            {
                Aggregator.Add(ex);
            }
#pragma warning restore CA1031
            return base.BeforeTestAssemblyFinishedAsync();
        }
    }
}
