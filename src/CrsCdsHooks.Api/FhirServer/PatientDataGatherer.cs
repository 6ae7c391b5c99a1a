using System.Globalization;
using System.Text.Json;

using CrsCdsHooks.Api.CdsHooks;
using CrsCdsHooks.Api.Logging;
using CrsCdsHooks.Api.Options;
using CrsCdsHooks.Core;
using CrsCdsHooks.Core.Fhir;
using CrsCdsHooks.Core.Timeline;

using Hl7.Fhir.Model;

using Microsoft.Extensions.Options;

using Task = System.Threading.Tasks.Task;

namespace CrsCdsHooks.Api.FhirServer;

/// <summary>Everything obtained for one hook call.</summary>
/// <param name="Resources">Every resource read, from every key (the core reports other patients, duplicates…).</param>
/// <param name="Issues">What could not be obtained or read (per key: data-unavailable, prefetch-failed, data-truncated; per entry: not-valid-fhir).</param>
/// <param name="Unobtainable">Critical keys (patient, vital signs, medication administrations) with no data at all: the call answers 412.</param>
internal sealed record GatheredData(IReadOnlyList<Resource> Resources, IReadOnlyList<DataIssue> Issues, IReadOnlyList<UnobtainableKey> Unobtainable);

/// <summary>A critical key that could not be obtained, and why (for the 412 OperationOutcome).</summary>
internal sealed record UnobtainableKey(string Key, string Reason);

/// <summary>
/// Resolves every prefetch key of a hook call per the table of CDS-HOOKS.md: a prefetched Bundle is used (its
/// next pages followed on the request's own FHIR server only), <c>null</c> means no data, an OperationOutcome means
/// the EHR's fetch failed (queried again), an absent key is queried on <c>fhirServer</c>. Keys are resolved in
/// parallel within one time budget; paging stops at the page and resource caps and at a loop, saying so.
/// </summary>
/// <remarks>
/// [operational] An OperationOutcome entry in a prefetched Bundle marks the prefetch as failed only when it has an
/// issue of severity error or fatal (or none): information and warning outcomes (e.g. "parameter ignored") are
/// routine in searchsets. A key obtained only in part (a later page failed, a cap was reached, a re-query after a
/// partial prefetch failed) is used as far as it goes and is never a 412 (CRS-SPEC §9.37).
/// </remarks>
internal sealed class PatientDataGatherer(
    FhirPageClient client,
    IOptions<FhirServerOptions> fhirOptions,
    IOptions<CrsOptions> crsOptions,
    TimeProvider time,
    ILogger<PatientDataGatherer> logger)
{
    public async Task<GatheredData> GatherAsync(CdsServiceRequest request, DateTimeOffset asOf, CancellationToken requestAborted)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = fhirOptions.Value;
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        budget.CancelAfter(options.Budget);

        var call = new Call(
            request.HookInstance,
            request.Context.PatientId,
            request.FhirServer is null ? null : new Uri(request.FhirServer.TrimEnd('/') + "/"),
            request.FhirAuthorization?.AccessToken,
            request.Prefetch ?? new Dictionary<string, JsonElement>(),
            asOf.UtcDateTime.AddDays(-(crsOptions.Value.EligibilityDays + 1)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            options);

        var results = await Task.WhenAll(CdsServiceCatalog.PatientViewPrefetch.Select(k => ResolveAsync(k, call, budget.Token))).ConfigureAwait(false);
        requestAborted.ThrowIfCancellationRequested();

        return new GatheredData(
            results.SelectMany(r => r.Resources).ToList(),
            results.SelectMany(r => r.Issues).ToList(),
            results.Where(r => r.Key.Critical && r.Unobtainable).Select(r => new UnobtainableKey(r.Key.Key, r.UnobtainableReason ?? "no data")).ToList());
    }

    /// <summary>
    /// Why a key's resources cannot be what its template asks for, or null: resources came, but none of the template's
    /// type (a medicationAdministrations Bundle of Conditions), or the patient key holds another patient. Such a key is
    /// unobtainable — a 412 when it is critical (CRS-SPEC §9.26), a card line otherwise — and its resources still go to
    /// the core, which reads each by its own type and subject. The text names no identifier (it reaches logs and cards).
    /// </summary>
    internal static string? WrongContent(PrefetchKey key, IReadOnlyList<Resource> resources, string patientId)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(resources);
        if (resources.Count == 0 || resources.Any(r => r is Bundle)) return null;
        var expected = key.Template.Split('?', '/')[0];
        if (expected == nameof(Patient))
        {
            var patients = resources.OfType<Patient>().ToList();
            if (patients.Any(p => p.Id == patientId)) return null;
            return patients.Count > 0
                ? "it holds a Patient other than context.patientId, and no Patient of the request's patient"
                : $"it holds {Types(resources)} but no Patient";
        }
        if (resources.Any(r => r.TypeName == expected)) return null;
        // MedicationAdministration's template includes Medications: a page of Medications alone is still a wrong answer.
        return $"it holds {Types(resources)} but no {expected}, which its template asks for";
    }

    private static string Types(IReadOnlyList<Resource> resources) =>
        string.Join(", ", resources.GroupBy(r => r.TypeName, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Count()} {g.Key}"));

    /// <summary>The URL the service queries for a key: the prefetch template, plus a lower time bound where the resource has one.</summary>
    public static Uri QueryUrl(PrefetchKey key, Uri fhirServerBase, string patientId, string lowerBoundDate)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(fhirServerBase);
        var relative = key.Template.Replace(CdsServiceCatalog.PatientIdToken, Uri.EscapeDataString(patientId), StringComparison.Ordinal);
        if (key.DateParameter is not null) relative += $"&{key.DateParameter}=ge{lowerBoundDate}";
        return new Uri(fhirServerBase, relative);
    }

    private async Task<KeyResolution> ResolveAsync(PrefetchKey key, Call call, CancellationToken budget)
    {
        var started = time.GetTimestamp();
        var r = new KeyResolution(key, call.Options.MaxResources);
        try
        {
            if (call.Prefetch.TryGetValue(key.Key, out var value))
            {
                await ResolvePrefetchedAsync(r, value, call, budget).ConfigureAwait(false);
            }
            else if (call.FhirServer is null)
            {
                r.Source = "absent, no fhirServer";
                r.MarkUnobtainable(DataIssueReasons.Unavailable, "not prefetched, and the request has no fhirServer to query");
            }
            else
            {
                r.Source = "fhirServer";
                var failure = await FetchAsync(r, call, budget).ConfigureAwait(false);
                if (failure is not null) r.MarkUnobtainable(DataIssueReasons.Unavailable, $"not prefetched, and the FHIR server query failed ({failure})");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !budget.IsCancellationRequested)
        {
            // One key's unforeseen failure (a bug, or a fault no catch above knows) costs that key only: it is
            // unobtainable (412 when critical, a card line otherwise), never a 500 for the whole call.
            Log.KeyFailedUnexpectedly(logger, call.HookInstance, key.Key, ex.GetType().Name, ex.StackTrace);
            var kept = new KeyResolution(key, call.Options.MaxResources) { Source = r.Source + ", failed" };
            kept.MarkUnobtainable(DataIssueReasons.Unavailable, $"reading this key failed unexpectedly ({ex.GetType().Name}); nothing of it is used");
            r = kept;
        }
        if (!r.Unobtainable && WrongContent(r.Key, r.Resources, call.PatientId) is { } wrong)
            r.MarkUnobtainable(DataIssueReasons.Unavailable, wrong);
        var level = r.PagesFetched > 0 || r.Issues.Count > 0 || r.Unobtainable || r.Truncated ? LogLevel.Information : LogLevel.Debug;
        var elapsedMs = (long)time.GetElapsedTime(started).TotalMilliseconds;
        Log.PrefetchKeyResolved(logger, level, call.HookInstance, key.Key, r.Source, r.Resources.Count, r.PagesFetched, r.Issues.Count, elapsedMs);
        return r;
    }

    private async Task ResolvePrefetchedAsync(KeyResolution r, JsonElement value, Call call, CancellationToken budget)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            r.Source = "prefetch null (no data)";
            return;
        }
        var resourceType = value.GetProperty("resourceType").GetString();
        if (resourceType == "OperationOutcome")
        {
            r.Source = "prefetch OperationOutcome";
            await RequeryAfterFailedPrefetchAsync(r, call, budget).ConfigureAwait(false);
            return;
        }
        r.Source = "prefetch";
        if (resourceType != "Bundle")
        {
            if (r.TryCount()) r.Add(value, $"prefetch/{r.Key.Key}");
            return;
        }
        r.PagesRead = 1;
        var page = ReadBundle(r, value, $"prefetch/{r.Key.Key}");
        if (page.ErrorOutcome)
        {
            r.Source = "prefetch Bundle with an error OperationOutcome";
            await RequeryAfterFailedPrefetchAsync(r, call, budget).ConfigureAwait(false);
            return;
        }
        await FollowAsync(r, page.Next, call, budget).ConfigureAwait(false);
    }

    /// <summary>The EHR's prefetch failed (in whole or in part): query the FHIR server; else keep what came and say so.</summary>
    private async Task RequeryAfterFailedPrefetchAsync(KeyResolution r, Call call, CancellationToken budget)
    {
        var kept = r.Resources.Count;
        string why;
        if (call.FhirServer is null)
        {
            why = "the EHR's prefetch reported an error, and the request has no fhirServer to query again";
        }
        else
        {
            var fresh = new KeyResolution(r.Key, call.Options.MaxResources);
            var failure = await FetchAsync(fresh, call, budget).ConfigureAwait(false);
            r.PagesFetched += fresh.PagesFetched;
            if (failure is null)
            {
                r.ReplaceWith(fresh);
                r.Source += ", queried again";
                return;
            }
            why = $"the EHR's prefetch reported an error, and querying the FHIR server again failed ({failure})";
        }
        if (kept > 0)
            r.Issues.Add(new DataIssue(r.Location, DataIssueReasons.PrefetchFailed, $"{why}; the {kept} resource(s) the EHR did send are used"));
        else
            r.MarkUnobtainable(DataIssueReasons.PrefetchFailed, why);
    }

    /// <summary>Queries the key on the FHIR server and follows its pages. Returns null on success, else why the first page failed.</summary>
    private async Task<string?> FetchAsync(KeyResolution r, Call call, CancellationToken budget)
    {
        var url = QueryUrl(r.Key, call.FhirServer!, call.PatientId, call.LowerBoundDate);
        r.Visited.Add(url.AbsoluteUri);
        var page = await client.GetAsync(url, call.AccessToken, budget).ConfigureAwait(false);
        r.PagesFetched++;
        r.PagesRead++;
        if (page.Failure is not null)
        {
            Log.FhirQueryFailed(logger, call.HookInstance, r.Key.Key, 1, page.Failure);
            return page.Failure;
        }
        string? next;
        using (var document = page.Document!)
        {
            var root = document.RootElement;
            var type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("resourceType", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (type is null) return "the answer is not a FHIR resource";
            if (type == "OperationOutcome") return "the server answered with an OperationOutcome";
            if (type != "Bundle")
            {
                if (r.TryCount()) r.Add(root, $"fhirServer/{r.Key.Key}");
                return null;
            }
            var read = ReadBundle(r, root, $"fhirServer/{r.Key.Key}/page1");
            if (read.ErrorOutcome) r.Truncate("the FHIR server reported an error (OperationOutcome) in its search result; the data may be incomplete");
            next = read.Next;
        }
        await FollowAsync(r, next, call, budget).ConfigureAwait(false);
        return null;
    }

    /// <summary>Follows <c>link[next]</c> within the caps, on the request's FHIR server only, detecting loops.</summary>
    private async Task FollowAsync(KeyResolution r, string? next, Call call, CancellationToken budget)
    {
        while (next is not null && !r.Truncated)
        {
            if (r.Capped || r.Read >= call.Options.MaxResources)
            {
                r.Truncate($"stopped at the cap of {call.Options.MaxResources} resources (CdsHooks:Fhir:MaxResources)");
                return;
            }
            if (r.PagesRead >= call.Options.MaxPages)
            {
                r.Truncate($"stopped at the cap of {call.Options.MaxPages} pages (CdsHooks:Fhir:MaxPages)");
                return;
            }
            if (call.FhirServer is null)
            {
                r.Truncate("a next page was not followed: the request has no fhirServer");
                return;
            }
            if (!Uri.TryCreate(call.FhirServer, next, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            {
                r.Truncate("a next link is not a valid http(s) URL and was not followed");
                return;
            }
            if (!FhirServerPolicy.IsUnderBase(url, call.FhirServer))
            {
                r.Truncate("a next link points outside the request's fhirServer and was not followed");
                return;
            }
            if (!r.Visited.Add(url.AbsoluteUri))
            {
                r.Truncate("paging stopped: a next link repeats an earlier page (paging loop)");
                return;
            }

            var pageNumber = r.PagesRead + 1;
            var page = await client.GetAsync(url, call.AccessToken, budget).ConfigureAwait(false);
            r.PagesFetched++;
            r.PagesRead++;
            if (page.Failure is not null)
            {
                Log.FhirQueryFailed(logger, call.HookInstance, r.Key.Key, pageNumber, page.Failure);
                r.Truncate($"page {pageNumber} failed ({page.Failure}); the earlier pages are used");
                return;
            }
            using var document = page.Document!;
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("resourceType", out var t) || t.ValueKind != JsonValueKind.String || t.GetString() != "Bundle")
            {
                r.Truncate($"page {pageNumber} is not a Bundle; the earlier pages are used");
                return;
            }
            var read = ReadBundle(r, root, $"fhirServer/{r.Key.Key}/page{pageNumber}");
            if (read.ErrorOutcome) r.Truncate($"the FHIR server reported an error (OperationOutcome) on page {pageNumber}; the data may be incomplete");
            next = read.Next;
        }
        if (next is null && r.Capped) r.Truncate($"stopped at the cap of {call.Options.MaxResources} resources (CdsHooks:Fhir:MaxResources)");
    }

    private static (bool ErrorOutcome, string? Next) ReadBundle(KeyResolution r, JsonElement bundle, string location)
    {
        var errorOutcome = false;
        if (bundle.TryGetProperty("entry", out var entries) && entries.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            r.Resources.EnsureCapacity(r.Resources.Count + entries.GetArrayLength());
            foreach (var entry in entries.EnumerateArray())
            {
                // Every entry counts toward the cap, usable or not (a page of junk is bounded like a page of data), and
                // a Bundle in an entry counts the resources it holds.
                var resource = default(JsonElement);
                var hasResource = entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("resource", out resource);
                if (!r.TryCount(hasResource ? CdsServiceRequestReader.CountResources(resource) : 1)) break;
                var at = $"{location}/entry[{i++}]";
                if (!hasResource)
                {
                    r.Issues.Add(new DataIssue(at, DataIssueReasons.NotValidFhir, "Bundle entry without a resource"));
                    continue;
                }
                if (IsOperationOutcome(resource))
                {
                    errorOutcome |= IsErrorOutcome(resource);
                    continue;
                }
                r.Add(resource, at);
            }
        }
        return (errorOutcome, NextLink(bundle));
    }

    private static string? NextLink(JsonElement bundle)
    {
        if (!bundle.TryGetProperty("link", out var links) || links.ValueKind != JsonValueKind.Array) return null;
        foreach (var link in links.EnumerateArray())
        {
            if (link.ValueKind == JsonValueKind.Object
                && link.TryGetProperty("relation", out var relation) && relation.ValueKind == JsonValueKind.String && relation.GetString() == "next"
                && link.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(url.GetString()))
                return url.GetString();
        }
        return null;
    }

    private static bool IsOperationOutcome(JsonElement resource) =>
        resource.ValueKind == JsonValueKind.Object
        && resource.TryGetProperty("resourceType", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "OperationOutcome";

    private static bool IsErrorOutcome(JsonElement outcome)
    {
        if (!outcome.TryGetProperty("issue", out var issues) || issues.ValueKind != JsonValueKind.Array || issues.GetArrayLength() == 0) return true;
        foreach (var issue in issues.EnumerateArray())
        {
            var severity = issue.ValueKind == JsonValueKind.Object && issue.TryGetProperty("severity", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            if (severity is not ("information" or "warning")) return true;
        }
        return false;
    }

    private sealed record Call(
        string HookInstance,
        string PatientId,
        Uri? FhirServer,
        string? AccessToken,
        IReadOnlyDictionary<string, JsonElement> Prefetch,
        string LowerBoundDate,
        FhirServerOptions Options);

    /// <summary>What one key yielded so far.</summary>
    private sealed class KeyResolution(PrefetchKey key, int maxResources)
    {
        public PrefetchKey Key { get; } = key;
        public string Location => $"prefetch/{Key.Key}";
        public List<Resource> Resources { get; private set; } = [];
        public List<DataIssue> Issues { get; private set; } = [];
        public HashSet<string> Visited { get; } = new(StringComparer.Ordinal);
        public string Source { get; set; } = "";
        public int PagesRead { get; set; }
        public int PagesFetched { get; set; }
        public bool Capped { get; private set; }

        /// <summary>Entries read so far, usable or not (CdsHooks:Fhir:MaxResources caps them).</summary>
        public int Read { get; private set; }
        public bool Truncated { get; private set; }
        public bool Unobtainable { get; private set; }
        public string? UnobtainableReason { get; private set; }

        /// <summary>Counts one more entry standing for <paramref name="resources"/> resources; false, and capped, when they pass the cap.</summary>
        public bool TryCount(int resources = 1)
        {
            if (Read + (long)resources > maxResources)
            {
                Capped = true;
                return false;
            }
            Read += resources;
            return true;
        }

        public void Add(JsonElement json, string location)
        {
            // The collecting overload: a nested Bundle can yield several issues (the single-issue one keeps the first).
            var resource = FhirResourceJson.TryRead(json, location, Issues);
            if (resource is not null) Resources.Add(resource);
        }

        public void Truncate(string detail)
        {
            if (Truncated) return;
            Truncated = true;
            Issues.Add(new DataIssue(Location, DataIssueReasons.Truncated, detail));
        }

        public void MarkUnobtainable(string reason, string detail)
        {
            Unobtainable = true;
            UnobtainableReason = detail;
            Issues.Add(new DataIssue(Location, reason, detail));
        }

        public void ReplaceWith(KeyResolution other)
        {
            Resources = other.Resources;
            Issues = other.Issues;
            PagesRead = other.PagesRead;
            Capped = other.Capped;
            Read = other.Read;
            Truncated = other.Truncated;
        }
    }
}
