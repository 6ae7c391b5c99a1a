using Xunit.Abstractions;
using Xunit.Sdk;

namespace CrsCdsHooks.Api.Tests.Storage;

/// <summary>
/// A fact about a store. In a class marked <see cref="NeedsPostgresAttribute"/> it needs a PostgreSQL server, named by
/// the environment variable <c>CRS_TEST_POSTGRES</c> (an Npgsql connection string; <c>.ci/run</c> starts a private
/// cluster and sets it). Without one, the test is skipped locally, with the reason, and under CI (<c>CI</c> set, as
/// <c>.ci/run</c> and CI runners do) it runs and fails saying what is missing: a CI run must not pass by skipping.
/// Decided at discovery, so that a skip shows as a skip.
/// </summary>
[XunitTestCaseDiscoverer("CrsCdsHooks.Api.Tests.Storage.StoreFactDiscoverer", "CrsCdsHooks.Api.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

/// <summary>The tests of this class run against PostgreSQL (see <see cref="StoreFactAttribute"/>).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class NeedsPostgresAttribute : Attribute;

/// <summary>Discovers <see cref="StoreFactAttribute"/> tests: skipped when PostgreSQL is needed, absent, and this is not CI.</summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        ArgumentNullException.ThrowIfNull(discoveryOptions);
        ArgumentNullException.ThrowIfNull(testMethod);
        var display = discoveryOptions.MethodDisplayOrDefault();
        var displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
        var needsPostgres = testMethod.TestClass.Class.GetCustomAttributes(typeof(NeedsPostgresAttribute)).Any();
        if (needsPostgres && PostgresTestServer.SkipReason is { } reason)
            return [new XunitSkippedDataRowTestCase(diagnosticMessageSink, display, displayOptions, testMethod, reason)];
        return [new XunitTestCase(diagnosticMessageSink, display, displayOptions, testMethod)];
    }
}

/// <summary>The PostgreSQL server the tests may use: <c>CRS_TEST_POSTGRES</c>.</summary>
internal static class PostgresTestServer
{
    public const string Variable = "CRS_TEST_POSTGRES";

    /// <summary>The connection string, or null.</summary>
    public static string? ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>True under CI (<c>CI</c> set to anything but empty, 0 or false).</summary>
    public static bool IsCi =>
        Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci
        && !ci.Equals("0", StringComparison.Ordinal) && !ci.Equals("false", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why a PostgreSQL test is skipped; null when it runs (a server is named, or this is CI).</summary>
    public static string? SkipReason => ConnectionString is null && !IsCi
        ? $"No PostgreSQL server: set {Variable} to an Npgsql connection string (.ci/run starts a private cluster and sets it) to run this test."
        : null;

    /// <summary>The connection string, or a failure that says what is missing (under CI, where the test is not skipped).</summary>
    public static string Require() => ConnectionString ?? throw new InvalidOperationException(
        $"{Variable} is not set, and CI is: the PostgreSQL tests must run in CI. .ci/run installs PostgreSQL, starts a private "
        + $"cluster and exports {Variable}; check its 'PostgreSQL' lines above for what went wrong.");
}
