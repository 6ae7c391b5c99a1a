using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

using CrsCdsHooks.Api.Tests.FhirServer;
using CrsCdsHooks.Api.Tests.Infrastructure;
using CrsCdsHooks.Core;
using CrsCdsHooks.Core.Cards;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

using Xunit.Abstractions;

namespace CrsCdsHooks.Api.Tests.Hardening;

/// <summary>
/// The service meets the hostile corpus (<see cref="HostileCorpus"/>) through Kestrel with the real clinical core:
/// never a 5xx, every 4xx is an OperationOutcome that names what is wrong (except the bare 400 Kestrel answers for a
/// NUL in the path, before the service sees the request), every 200 with cards names each data issue of the core's
/// timeline and used or reported each damaged resource (a 200 with cards for a patient the core found not eligible is
/// exactly the unreadable-infusion card, naming the damaged CAR-T record), every 200 <c>{"cards":[]}</c> is proven not
/// eligible (<see cref="Accounting"/>), no call takes longer than the request timeout, a 100 MB body is refused without being
/// read whole, and the process's resident memory stays within a bound.
/// </summary>
[Collection(nameof(RunsAlone))]
public sealed class HostileInputTests(ITestOutputHelper output)
{
    /// <summary>
    /// Most bytes a 100 MB body may make this process allocate (service and test client together): about three times
    /// the 10 MiB body limit, so no such body is ever held whole.
    /// </summary>
    private const long HugeBodyAllocationBoundBytes = 32L * 1024 * 1024;

    /// <summary>
    /// Growth of the test process's resident memory (service and client together) over the corpus: what a container
    /// limit sees. It includes the runtime's pooled buffers and the garbage the 6.5 MB Bundle's parse leaves before a
    /// collection, which depend on the machine (the GC's budgets follow the CPU caches): a sanity bound with room for
    /// that. The proof that no 100 MB body is held is the allocation bound above.
    /// </summary>
    private const long ResidentGrowthBoundBytes = 768L * 1024 * 1024;

    private static readonly TimeSpan CallBound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task HostileCorpus_NeverA5xx_Every4xxSaysWhatIsWrong_Every200AccountsForWhatItIgnored()
    {
        var count = 0;
        using var host = new HardeningHost();
        using var client = host.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);

        var accounting = new Accounting(host.Services.GetRequiredService<IOptions<CrsOptions>>().Value.EligibilityDays);
        foreach (var (name, request) in HostileCorpus.Samples)
        {
            using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await client.PostAsync(new Uri(ApiHost.ServicePath, UriKind.Relative), content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(host.Evaluations.TryDequeue(out var evaluation));
            accounting.Baselines[name] = evaluation;
        }

        var allocations = new List<(long Bytes, string Name)>();
        var hugeBodies = new List<(long Allocated, long Sent)>();
        using var memory = MemorySampler.Start();
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var perClass = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var slowest = TimeSpan.Zero;
        var slowestName = "";
        foreach (var hostile in HostileCorpus.All()) // generated one at a time: the corpus is never held whole
        {
            count++;
            perClass[hostile.Class] = perClass.GetValueOrDefault(hostile.Class) + 1;
            host.Evaluations.Clear();
            using var content = hostile.Content();
            var allocatedBefore = GC.GetTotalAllocatedBytes();
            var clock = Stopwatch.StartNew();
            int status;
            string body;
            string? mediaType;
            try
            {
                if (hostile.Generated is { } generated)
                {
                    var raw = await RawHttp.PostGeneratedAsync(client.BaseAddress!, hostile.Path, generated.Length, generated.Chunked, TimeSpan.FromSeconds(60));
                    (status, body, mediaType) = (raw.Status, raw.Body, raw.ContentType.Split(';')[0]);
                    if (raw.BodyBytesSent >= generated.Length) failures.Add($"{hostile}: the server read the whole {generated.Length} bytes before answering");
                    var taken = GC.GetTotalAllocatedBytes() - allocatedBefore;
                    if (taken >= HugeBodyAllocationBoundBytes) failures.Add($"{hostile}: allocated {taken / (1024 * 1024)} MB");
                    hugeBodies.Add((taken, raw.BodyBytesSent));
                }
                else
                {
                    using var response = await client.PostAsync(new Uri(hostile.Path, UriKind.Relative), content);
                    body = await response.Content.ReadAsStringAsync();
                    status = (int)response.StatusCode;
                    mediaType = response.Content.Headers.ContentType?.MediaType;
                }
            }
            catch (HttpRequestException ex)
            {
                failures.Add($"{hostile}: no answer ({ex.Message})");
                continue;
            }
            clock.Stop();
            allocations.Add((GC.GetTotalAllocatedBytes() - allocatedBefore, hostile.ToString()));
            if (clock.Elapsed > slowest) (slowest, slowestName) = (clock.Elapsed, hostile.ToString());
            statuses[status] = statuses.GetValueOrDefault(status) + 1;

            var problem = Check(hostile, status, mediaType, body, host, accounting);
            if (clock.Elapsed > CallBound) problem ??= $"took {clock.ElapsedMilliseconds} ms";
            if (problem is not null) failures.Add($"{hostile}: {problem}");
        }
        var peak = memory.PeakGrowthBytes;
        var (maxAllocated, maxAllocatedName) = allocations.MaxBy(a => a.Bytes);

        var fiveXx = statuses.Where(s => s.Key >= 500).Sum(s => s.Value);
        var bareHttpErrors = accounting.BareHttpErrors;
        Assert.True(count >= 500, $"only {count} hostile requests");
        var summary = $"{count} hostile requests: {fiveXx} x 5xx; "
            + string.Join(", ", statuses.Select(s => $"{s.Value} x {s.Key}"))
            + $"; every 4xx an OperationOutcome naming the problem (but {bareHttpErrors} bare 400 from Kestrel before the service: a NUL in the path)"
            + "; " + accounting.Summary()
            + $"; slowest {slowest.TotalMilliseconds:0} ms ({slowestName})"
            + $"; 100 MB bodies: 413 after at most {hugeBodies.Max(h => h.Sent) / (1024 * 1024)} MB sent, at most {hugeBodies.Max(h => h.Allocated) / (1024 * 1024)} MB allocated (bound {HugeBodyAllocationBoundBytes / (1024 * 1024)} MB)"
            + $"; most allocated by one request {maxAllocated / (1024 * 1024)} MB ({maxAllocatedName})"
            + $"; process resident memory +{peak / (1024 * 1024)} MB at its peak (bound {ResidentGrowthBoundBytes / (1024 * 1024)} MB; peak {memory.PeakBytes / (1024 * 1024)} MB)";
        output.WriteLine(summary);
        output.WriteLine("classes: " + string.Join(", ", perClass.Select(c => $"{c.Key} {c.Value}")));
        output.WriteLine("slowest: " + slowestName);
        foreach (var (bytes, name) in allocations.OrderByDescending(a => a.Bytes).Take(8)) output.WriteLine($"allocated {bytes / (1024 * 1024)} MB: {name}");
        foreach (var line in accounting.Details()) output.WriteLine(line);
        foreach (var failure in failures.Take(60)) output.WriteLine(failure);
        Assert.True(failures.Count == 0, $"{failures.Count} of {count} hostile requests failed:\n" + string.Join("\n", failures.Take(40)));
        Assert.True(peak < ResidentGrowthBoundBytes, $"the process grew by {peak / (1024 * 1024)} MB resident");
        ReliabilityFigures.Record("1 hostile input", summary + "; classes: " + string.Join(", ", perClass.Select(c => $"{c.Key} {c.Value}")));
        ReliabilityFigures.Record("1 hostile input: 200 with no card", accounting.EmptyCardsFigure());
        ReliabilityFigures.Record("1 hostile input: unreadable CAR-T record", accounting.UnreadableInfusionFigure());
    }

    private static string? Check(HostileCase hostile, int status, string? mediaType, string body, HardeningHost host, Accounting accounting)
    {
        if (status >= 500) return $"{status}: {Clip(body)}";
        if (status == 400 && hostile.BareHttpError && body.Length == 0)
        {
            accounting.BareHttpErrors++;
            return null;
        }
        if (status >= 400)
        {
            if (mediaType != "application/fhir+json") return $"{status} with media type {mediaType}: {Clip(body)}";
            string texts;
            try
            {
                using var json = JsonDocument.Parse(body);
                if (json.RootElement.GetProperty("resourceType").GetString() != "OperationOutcome") return $"{status} without an OperationOutcome";
                texts = string.Join(" | ", json.RootElement.GetProperty("issue").EnumerateArray().Select(i => i.GetProperty("details").GetProperty("text").GetString()));
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                return $"{status} with a body that is not an OperationOutcome: {Clip(body)}";
            }
            if (string.IsNullOrWhiteSpace(texts)) return $"{status} with an OperationOutcome that says nothing";
            if (texts.Contains("   at ", StringComparison.Ordinal)) return $"{status} with a stack trace";
            if (hostile.Field is not null && !texts.Contains(hostile.Field, StringComparison.OrdinalIgnoreCase))
                return $"{status} does not name {hostile.Field}: {Clip(texts)}";
            return null;
        }
        if (status != 200) return $"unexpected {status}";
        if (hostile.Field is not null) return $"200, but the request is wrong in {hostile.Field}";
        if (hostile.Path == HostileCorpus.FeedbackPath) return null;

        JsonNode? answer;
        try
        {
            answer = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return "200 with a body that is not JSON";
        }
        if (answer?["cards"] is not JsonArray cards) return "200 without cards";
        if (!host.Evaluations.TryDequeue(out var evaluation)) return "200 without an evaluation";
        return cards.Count == 0 ? accounting.CheckNoCard(hostile, evaluation) : accounting.CheckCards(hostile, evaluation, cards, Strings(answer).ToList());
    }

    /// <summary>
    /// What each 200 of the corpus shows, and the proof for each that shows nothing. (a) A 200 with cards names every
    /// data issue of the core's timeline on them (the damaged resources and keys among them), and each damaged
    /// resource was used or reported; when the core found the patient not eligible, the answer is exactly one card, the
    /// unreadable-infusion card (<c>eligibility</c> undetermined), naming every CAR-T record the core could not use — listed.
    /// (b) A 200 <c>{"cards":[]}</c> is allowed only where the core, evaluating this request's usable data, found the
    /// patient not eligible, its timeline holds no usable CAR-T infusion within the eligibility window (the same check,
    /// made independently) and no CAR-T record it could not use in a way that leaves open whether it was given, and the
    /// reason is one of: the sample itself has no CAR-T infusion; the request no longer holds the sample's CAR-T record at
    /// all (its key null or holding other resources); or the damage made the CAR-T record say that the product was not
    /// given (or another patient's, or not yet given) — listed.
    /// </summary>
    private sealed class Accounting(int eligibilityDays)
    {
        public Dictionary<string, CrsEvaluation> Baselines { get; } = new(StringComparer.Ordinal);

        public int BareHttpErrors { get; set; }

        private int _withCards;
        private int _issuesListed;
        private int _damagedOnCard;
        private int _damagedNotReadUndamaged;
        private int _damagedOnlyInTimeline;
        private int _damagedNoCardCases;
        private readonly List<string> _sampleIneligible = [];
        private readonly List<string> _noCarTRecord = [];
        private readonly List<string> _damagedCarT = [];
        private readonly List<string> _unreadableInfusion = [];

        public string? CheckCards(HostileCase hostile, CrsEvaluation evaluation, JsonArray cards, List<string> strings)
        {
            _withCards++;
            var eligibility = cards[0]?["extension"]?[AssessmentExtension.Key]?["eligibility"];
            if (!evaluation.Assessment.Eligible)
            {
                var unusable = evaluation.Timeline.Issues.Where(i => i.CarTRecord is not null).Select(i => i.Resource).Distinct().ToList();
                if (cards.Count != 1 || eligibility?["status"]?.GetValue<string>() != AssessmentExtension.UndeterminedStatus)
                    return $"{cards.Count} card(s) for a patient the core found not eligible, not the one unreadable-infusion card";
                var named = (eligibility["resources"] as JsonArray ?? []).Select(r => r!.GetValue<string>()).ToList();
                if (unusable.Count == 0 || named.Except(unusable).Any())
                    return $"the unreadable-infusion card names {string.Join(", ", named)}, but the core's unusable CAR-T records are {string.Join(", ", unusable)}";
                _unreadableInfusion.Add($"{hostile} ({string.Join(", ", evaluation.Timeline.Issues.Where(i => named.Contains(i.Resource)).Select(i => $"{i.Resource}: {i.Reason}").Distinct())})");
            }
            else if (eligibility is not null)
            {
                return "an eligible patient's card says eligibility is undetermined";
            }
            foreach (var issue in evaluation.Timeline.Issues.DistinctBy(i => i.Resource))
            {
                if (!strings.Any(s => s.Contains(issue.Resource, StringComparison.Ordinal)))
                    return $"{issue.Resource} is a data issue ({issue.Reason}) but the cards do not list it";
                _issuesListed++;
            }
            if (hostile.Resource is not { } damaged) return null;
            if (!Mentions(TimelineText(Baselines[damaged.Sample]), damaged))
            {
                _damagedNotReadUndamaged++; // not read even undamaged (e.g. a resource type the core does not use)
                return null;
            }
            if (!Mentions(TimelineText(evaluation), damaged)) return $"{damaged.Id} was silently dropped: neither used nor reported";
            _damagedOnCard++;
            return null;
        }

        public string? CheckNoCard(HostileCase hostile, CrsEvaluation evaluation)
        {
            if (evaluation.Assessment.Eligible) return "{\"cards\":[]} although the core found the patient eligible";
            var asOf = evaluation.Assessment.AsOf;
            var usable = evaluation.Timeline.Infusions.Where(i => i.Start <= asOf && asOf - i.Start <= TimeSpan.FromDays(eligibilityDays)).ToList();
            if (usable.Count > 0) return $"{{\"cards\":[]}} although {usable[0].Source} is a CAR-T infusion within {eligibilityDays} days";
            if (UnreadableInfusionCardBuilder.FindUnusableInfusions(evaluation.Timeline.Issues, asOf, eligibilityDays) is { Count: > 0 } unreadable)
                return $"{{\"cards\":[]}} although {unreadable[0].Resource} is a CAR-T record that could not be used ({unreadable[0].Reason}): the unreadable-infusion card was due";
            if (SampleOf(hostile) is not { } sample) return "{\"cards\":[]} for a request that is no sample's";
            var baseline = Baselines[sample];
            if (hostile.Resource is { } damaged && Mentions(TimelineText(baseline), damaged))
            {
                if (!Mentions(TimelineText(evaluation), damaged)) return $"{damaged.Id} was silently dropped: neither used nor reported";
                _damagedOnlyInTimeline++;
            }
            if (hostile.Resource is not null) _damagedNoCardCases++;
            if (!baseline.Assessment.Eligible)
            {
                _sampleIneligible.Add(hostile.ToString());
                return null;
            }
            var lost = baseline.Timeline.Infusions.Select(i => i.Source).Where(s => evaluation.Timeline.Infusions.All(i => i.Source != s)).ToList();
            if (lost.Count == 0) return "{\"cards\":[]} for an eligible sample whose CAR-T infusions were all read";
            using var content = hostile.Content();
            var request = content.ReadAsStringAsync().GetAwaiter().GetResult();
            if (lost.All(s => !request.Contains($"\"{IdOf(s)}\"", StringComparison.Ordinal)))
            {
                _noCarTRecord.Add($"{hostile} (no {string.Join(", ", lost)})");
                return null;
            }
            if (hostile.Resource is { } carT && lost.Any(s => IdOf(s) == carT.Id)
                && evaluation.Timeline.Issues.FirstOrDefault(i => i.Resource.Contains(carT.Id, StringComparison.Ordinal)) is { } reported)
            {
                // Not an unusable CAR-T record (checked above): the damage made it say the product was not given.
                _damagedCarT.Add($"{hostile} (the CAR-T record, {reported.Resource}: {reported.Reason})");
                return null;
            }
            return $"{{\"cards\":[]}} for an eligible sample whose CAR-T record {string.Join(", ", lost)} is still in the request";
        }

        public string Summary() =>
            $"{_withCards} x 200 with cards, each naming every data issue of the core's timeline ({_issuesListed} issues), {_damagedOnCard} damaged resources among them used or reported on the card"
            + $", {_unreadableInfusion.Count} of them the unreadable-infusion card (the CAR-T record itself damaged: eligibility and grade undetermined, the record named)"
            + $"; {NoCard} x 200 {{\"cards\":[]}}, each proven not eligible by the core and by its timeline (no usable CAR-T infusion within {eligibilityDays} days, no CAR-T record it could not use): "
            + $"{_sampleIneligible.Count} the sample has no CAR-T infusion, {_noCarTRecord.Count} the request no longer holds the CAR-T record (its key null or holding other resources), {_damagedCarT.Count} the CAR-T record damaged into one that says it was not given"
            + $" ({_damagedNoCardCases} of these damaged a resource: {_damagedOnlyInTimeline} used or reported in the core's timeline, which no card shows)"
            + $"; {_damagedNotReadUndamaged} damaged resources not read even undamaged; 0 silently dropped";

        public string EmptyCardsFigure() =>
            $"{NoCard} x 200 {{\"cards\":[]}}: "
            + $"no CAR-T infusion in the sample: {string.Join("; ", _sampleIneligible)}"
            + $" | CAR-T record no longer in the request: {string.Join("; ", _noCarTRecord)}"
            + $" | CAR-T record damaged into one that says it was not given: {(_damagedCarT.Count == 0 ? "none" : string.Join("; ", _damagedCarT))}";

        public string UnreadableInfusionFigure() =>
            $"{_unreadableInfusion.Count} x 200 with the unreadable-infusion card instead of {{\"cards\":[]}}: "
            + (_unreadableInfusion.Count == 0 ? "none" : string.Join("; ", _unreadableInfusion));

        public IEnumerable<string> Details() =>
            _sampleIneligible.Select(c => "no card, sample ineligible: " + c)
                .Concat(_noCarTRecord.Select(c => "no card, no CAR-T record in the request: " + c))
                .Concat(_damagedCarT.Select(c => "no card, CAR-T record damaged into not given: " + c))
                .Concat(_unreadableInfusion.Select(c => "unreadable-infusion card: " + c));

        private int NoCard => _sampleIneligible.Count + _noCarTRecord.Count + _damagedCarT.Count;

        private static string IdOf(string source) => source[(source.IndexOf('/', StringComparison.Ordinal) + 1)..];

        /// <summary>The sample a case was made from: its damaged resource's, or the sample its name begins with.</summary>
        private static string? SampleOf(HostileCase hostile) =>
            hostile.Resource?.Sample ?? HostileCorpus.Samples.Select(s => s.Name).FirstOrDefault(n => hostile.Name.StartsWith(n + ":", StringComparison.Ordinal));
    }

    private static bool Mentions(string timeline, DamagedResource damaged) =>
        timeline.Contains(damaged.Id, StringComparison.Ordinal) || timeline.Contains(damaged.Location, StringComparison.Ordinal)
        || (damaged.IdDamaged && timeline.Contains("(no id)#", StringComparison.Ordinal)); // the reader names a resource without an id by its position

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
        _ => [],
    };

    private static readonly JsonSerializerOptions TimelineJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string TimelineText(CrsEvaluation evaluation) => JsonSerializer.Serialize(evaluation.Timeline, TimelineJson);

    private static string Clip(string text) => text.Length <= 300 ? text : text[..300] + "…";
}

/// <summary>
/// Samples the process's resident memory (what an operator's container limit sees) every few milliseconds and
/// keeps the peak growth over the start.
/// </summary>
internal sealed class MemorySampler : IDisposable
{
    private readonly long _start;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peak;

    private MemorySampler()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        _start = Environment.WorkingSet;
        _peak = _start;
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var now = Environment.WorkingSet;
                if (now > Interlocked.Read(ref _peak)) Interlocked.Exchange(ref _peak, now);
                try
                {
                    await Task.Delay(5, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
    }

    public long PeakGrowthBytes => Math.Max(0, Interlocked.Read(ref _peak) - _start);

    public long PeakBytes => Interlocked.Read(ref _peak);

    public static MemorySampler Start() => new();

    public void Dispose()
    {
        _stop.Cancel();
        _loop.Wait();
        _stop.Dispose();
    }
}
