using System.Net;
using System.Text.Json.Nodes;

using CrsCdsHooks.Core.Timeline;

using static CrsCdsHooks.Api.Tests.Infrastructure.HookRequests;

namespace CrsCdsHooks.Api.Tests.FhirServer;

/// <summary>
/// A large prefetched Bundle (the size of a real record's vital signs) reaches the core entry by entry: the same
/// resources in the same order, the issues in entry order, the cut at the resource cap — with unusable entries,
/// entries without a resource and an informational OperationOutcome mixed in. (It guarded a parallel read of large
/// Bundles, measured and dropped: see the README's "Performance"; it stays as the contract of the cap and the order.)
/// </summary>
public sealed class LargeBundleReadingTests
{
    private const int Entries = 400;

    private enum Kind { Usable, Unusable, NoResource, Outcome }

    private static Kind KindOf(int i) => i switch
    {
        _ when i == 5 => Kind.Outcome,
        _ when i % 11 == 3 => Kind.NoResource,
        _ when i % 7 == 2 => Kind.Unusable,
        _ => Kind.Usable,
    };

    private static JsonObject LargeBundle()
    {
        var entries = new JsonArray();
        for (var i = 0; i < Entries; i++)
        {
            entries.Add(KindOf(i) switch
            {
                Kind.NoResource => new JsonObject { ["fullUrl"] = $"urn:uuid:00000000-0000-4000-8000-{i:D12}" },
                Kind.Outcome => new JsonObject { ["resource"] = OperationOutcome("information") },
                Kind.Unusable => new JsonObject { ["resource"] = Unusable($"t-{i}") },
                _ => new JsonObject { ["resource"] = Temperature($"t-{i}") },
            });
        }
        return new JsonObject { ["resourceType"] = "Bundle", ["type"] = "searchset", ["entry"] = entries };
    }

    private static JsonObject Unusable(string id)
    {
        var observation = Temperature(id);
        observation["status"] = "finalx";
        return observation;
    }

    /// <summary>Entry-by-entry semantics, written out: what the core must be given.</summary>
    private static (List<string> Ids, List<(string Resource, string Reason)> Issues) Expected(int cap)
    {
        var ids = new List<string>();
        var issues = new List<(string, string)>();
        var capped = false;
        for (var i = 0; i < Entries; i++)
        {
            // Every entry counts toward the cap, usable or not, and the read stops at the first one past it.
            if (i >= cap)
            {
                capped = true;
                break;
            }
            switch (KindOf(i))
            {
                case Kind.NoResource:
                    issues.Add(($"prefetch/vitalSigns/entry[{i}]", DataIssueReasons.NotValidFhir));
                    break;
                case Kind.Outcome:
                    break;
                case Kind.Unusable:
                    issues.Add(($"Observation/t-{i}", DataIssueReasons.NotValidFhir));
                    break;
                default:
                    ids.Add($"Observation/t-{i}");
                    break;
            }
        }
        if (capped) issues.Add(("prefetch/vitalSigns", DataIssueReasons.Truncated));
        return (ids, issues);
    }

    [Theory]
    [InlineData(5000)] // no cap reached
    [InlineData(200)]  // cap reached half-way
    [InlineData(150)]  // cap reached early
    public async Task LargeBundle_IsReadExactlyAsEntryByEntry(int cap)
    {
        using var host = PrefetchTests.Host(("CdsHooks:Fhir:MaxResources", cap.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var request = PatientView();
        request.Prefetch()["vitalSigns"] = LargeBundle();

        var response = await host.CallAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (ids, issues) = Expected(cap);
        Assert.Equal(ids, host.Evaluator.Input.ResourceIds().Where(id => id.StartsWith("Observation/t-", StringComparison.Ordinal)));
        Assert.Equal(issues, host.Evaluator.Input.SourceIssues.Select(i => (i.Resource, i.Reason)));
    }
}
