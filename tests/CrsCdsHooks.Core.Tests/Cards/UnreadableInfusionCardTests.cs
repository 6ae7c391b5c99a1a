using System.Text.Json;
using System.Text.Json.Nodes;

using CrsCdsHooks.Core.Cards;
using CrsCdsHooks.Core.CdsHooks;
using CrsCdsHooks.Core.Fhir;
using CrsCdsHooks.Core.Tests.Fhir;
using CrsCdsHooks.Core.Tests.Samples;
using CrsCdsHooks.Core.Timeline;

using Hl7.Fhir.Model;

namespace CrsCdsHooks.Core.Tests.Cards;

/// <summary>
/// A patient who looks ineligible only because a CAR-T infusion record could not be used gets one card saying that
/// eligibility and the CRS grade are undetermined (<see cref="UnreadableInfusionCardBuilder"/>); a patient who is
/// ineligible on the record still gets <c>{"cards": []}</c>.
/// </summary>
public sealed class UnreadableInfusionCardTests
{
    private const string Sample = "paediatric-15y-low-map-not-hypotension.json";
    private const string SampleCarT = "MedicationAdministration/s12-cart-0612-1500";

    private static readonly DateTimeOffset Infused = Fx.AsOf.AddDays(-3);
    private static readonly JsonSerializerOptions Indented = new(CdsJson.Options) { WriteIndented = true };

    /// <summary>The hostile corpus's case: the sample's CAR-T infusion with an empty coding display (not valid FHIR).</summary>
    private static CrsEvaluation EvaluateSampleWithEmptyCarTDisplay()
    {
        var request = JsonNode.Parse(File.ReadAllText(SampleGradingTests.SamplePath(Sample)))!;
        var entry = request["prefetch"]!["medicationAdministrations"]!["entry"]![3]!["resource"]!;
        Assert.Equal("s12-cart-0612-1500", entry["id"]!.GetValue<string>());
        entry["medicationCodeableConcept"]!["coding"]![0]!["display"] = "";
        return SampleGradingTests.EvaluateRequest(JsonSerializer.SerializeToUtf8Bytes(request));
    }

    [Fact]
    public void Evaluate_SampleWhoseCarTInfusionIsNotValidFhir_AnswersExactlyTheUnreadableInfusionCard()
    {
        var evaluation = EvaluateSampleWithEmptyCarTDisplay();

        Assert.False(evaluation.Assessment.Eligible);
        var card = Assert.Single(evaluation.Response.Cards);
        CardRules.AssertValid(card);
        Assert.Equal("CAR-T infusion record could not be read: CRS not graded — check the MedicationAdministration", card.Summary);
        Assert.Equal("warning", card.Indicator);
        Assert.Null(card.Suggestions);
        Assert.Equal("https://doi.org/10.1016/j.bbmt.2018.12.758", card.Source.Url);
        Assert.Contains($"| Infusion (T0) | MedicationAdministration not used: not valid FHIR R4 (not-valid-fhir)", card.Detail, StringComparison.Ordinal);
        Assert.Contains("2025-06-12 15:00 UTC (as recorded) | " + SampleCarT + " |", card.Detail, StringComparison.Ordinal);
        Assert.Contains("Eligibility (a CAR-T infusion in the last 30 days, CRS-SPEC §1): undetermined.", card.Detail, StringComparison.Ordinal);
        Assert.Contains("**No grade is implied**", card.Detail, StringComparison.Ordinal);

        var extension = Assert.IsType<CdsAssessmentExtension>(card.Extension![AssessmentExtension.Key]);
        Assert.Equal("2025-06-15T12:00:00Z", extension.AsOf);
        Assert.Null(extension.Infusion);
        Assert.Null(extension.Crs);
        Assert.Null(extension.Differential);
        Assert.Null(extension.Tocilizumab);
        Assert.NotNull(extension.Eligibility);
        Assert.Equal(("undetermined", "car-t-record-unusable"), (extension.Eligibility.Status, extension.Eligibility.Reason));
        Assert.Equal([SampleCarT], extension.Eligibility.Resources);
        Assert.Equal(
            evaluation.Timeline.Issues.Select(i => new CdsDataIssueSummary(i.Resource, i.Reason)).Distinct(),
            extension.DataIssues);
        Assert.Contains(new CdsDataIssueSummary(SampleCarT, DataIssueReasons.NotValidFhir), extension.DataIssues);
    }

    [Fact]
    public void Evaluate_SampleWhoseCarTInfusionIsNotValidFhir_RendersTheGoldenCard()
    {
        var card = Assert.Single(EvaluateSampleWithEmptyCarTDisplay().Response.Cards);

        GoldenFile.AssertMatches("unreadable-infusion-card.json", JsonSerializer.Serialize(card, Indented));
        GoldenFile.AssertMatches("unreadable-infusion-card.md", card.Detail!);
    }

    [Fact]
    public void Evaluate_TheSampleUndamaged_IsStillGradedWithItsCrsCard()
    {
        var evaluation = SampleGradingTests.Evaluate(Sample);

        Assert.True(evaluation.Assessment.Eligible);
        Assert.DoesNotContain(evaluation.Response.Cards, c => c.Summary.StartsWith("CAR-T infusion record", StringComparison.Ordinal));
    }

    public static TheoryData<string, string> Counted() => new()
    {
        { "status unknown", DataIssueReasons.StatusNotUsable },
        { "no status", DataIssueReasons.StatusNotUsable },
        { "status outside the value set", DataIssueReasons.StatusNotUsable },
        { "no time", DataIssueReasons.NoUsableTime },
        { "a period without a start", DataIssueReasons.NoUsableTime },
        { "procedure stopped", DataIssueReasons.StatusNotUsable },
        { "procedure status unknown", DataIssueReasons.StatusNotUsable },
        { "procedure without a time", DataIssueReasons.NoUsableTime },
        { "not valid FHIR", DataIssueReasons.NotValidFhir },
        { "not valid FHIR procedure", DataIssueReasons.NotValidFhir },
        { "not valid FHIR, also an old readable course", DataIssueReasons.NotValidFhir },
    };

    [Theory]
    [MemberData(nameof(Counted))]
    public void Evaluate_CarTRecordThatLeavesOpenWhetherItWasGiven_AnswersTheUnreadableInfusionCard(string scenario, string reason)
    {
        var evaluation = Evaluate(scenario);

        Assert.False(evaluation.Assessment.Eligible);
        var card = Assert.Single(evaluation.Response.Cards);
        CardRules.AssertValid(card);
        Assert.Equal("warning", card.Indicator);
        var extension = Assert.IsType<CdsAssessmentExtension>(card.Extension![AssessmentExtension.Key]);
        var resource = Assert.Single(extension.Eligibility!.Resources);
        Assert.Contains(new CdsDataIssueSummary(resource, reason), extension.DataIssues);
        Assert.Contains($"| {resource} |", card.Detail, StringComparison.Ordinal);
        Assert.Contains($"({reason})", card.Detail, StringComparison.Ordinal);
    }

    public static TheoryData<string> Excluded() =>
    [
        "entered-in-error", "not-done", "on-hold", "procedure not-done", "procedure preparation", "other patient",
        "after the request", "a readable infusion older than the window", "status unknown, dated before the window",
        "status unknown, dated after the request", "not valid FHIR, dated before the window", "not valid FHIR, another drug",
        "no CAR-T at all",
    ];

    [Theory]
    [MemberData(nameof(Excluded))]
    public void Evaluate_PatientIneligibleOnTheRecord_StillGetsNoCard(string scenario)
    {
        var evaluation = Evaluate(scenario);

        Assert.False(evaluation.Assessment.Eligible);
        Assert.Empty(evaluation.Response.Cards);
    }

    [Fact]
    public void Evaluate_EligiblePatientWithASecondUnusableCarTRecord_GetsTheCrsCardListingIt()
    {
        var evaluation = Evaluate("eligible, plus one with status unknown");

        Assert.True(evaluation.Assessment.Eligible);
        var card = Assert.Single(evaluation.Response.Cards);
        Assert.StartsWith("CRS grade 1", card.Summary, StringComparison.Ordinal);
        Assert.Contains("MedicationAdministration/cart2", card.Detail, StringComparison.Ordinal);
        Assert.Equal(3, evaluation.Assessment.Infusion!.Day);
    }

    public static TheoryData<string, string> UnusableBesideUsable() => new()
    {
        { "eligible, plus one with status unknown", "recorded at 2026-03-09 12:00 UTC, after T0: if it was given 21 days or more after the previous administration, it starts a new course and T0 would be later (§9.32)" },
        { "eligible, plus one with status unknown before T0", "recorded at 2026-03-05 12:00 UTC, before T0: if it was given, T0 would be earlier (administrations less than 21 days apart are one course, §9.1)" },
        { "eligible, plus one with no time", "with no usable time, it could be an earlier administration of this course (which would make T0 earlier, §9.1) or a new course (a later T0, §9.32)" },
    };

    [Theory]
    [MemberData(nameof(UnusableBesideUsable))]
    public void Evaluate_EligiblePatientWithASecondUnusableCarTRecord_CrsCardSaysHowItCouldMoveT0(string scenario, string effect)
    {
        var evaluation = Evaluate(scenario);

        Assert.True(evaluation.Assessment.Eligible);
        Assert.Equal(Infused, evaluation.Assessment.Infusion!.Start);
        var card = Assert.Single(evaluation.Response.Cards);
        CardRules.AssertValid(card);
        Assert.Contains("### For review", card.Detail, StringComparison.Ordinal);
        Assert.Contains("- A CAR-T record could not be used: MedicationAdministration/cart2, ", card.Detail, StringComparison.Ordinal);
        Assert.Contains("T0 (2026-03-07 12:00 UTC) is taken from the CAR-T records that could be used; " + MarkdownText.Text(effect) + ".", card.Detail, StringComparison.Ordinal);
        Assert.Contains("check this record in the EHR.", card.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_EligiblePatientWithOnlyUsableCarTRecords_HasNoSuchNote()
    {
        var card = Assert.Single(Evaluate("eligible, plus one entered-in-error").Response.Cards);

        Assert.DoesNotContain("A CAR-T record could not be used", card.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_TwoRecordsOfBothTypes_SaysSoInTheSummary()
    {
        var evaluation = Evaluate("two records, both types");

        var card = Assert.Single(evaluation.Response.Cards);
        CardRules.AssertValid(card);
        Assert.Equal("CAR-T infusion records could not be used: CRS not graded — check the MedicationAdministration and Procedure", card.Summary);
        Assert.Equal(2, ((CdsAssessmentExtension)card.Extension![AssessmentExtension.Key]).Eligibility!.Resources.Count);
    }

    [Fact]
    public void Build_ReadableInfusionOutsideTheWindow_IsNamedInTheDetail()
    {
        var card = Assert.Single(Evaluate("not valid FHIR, also an old readable course").Response.Cards);

        Assert.Contains("- CAR-T infusion read: axicabtagene ciloleucel, 2026-01-09 12:00 UTC (60 days before the request: outside the 30-day window), MedicationAdministration/old.", card.Detail, StringComparison.Ordinal);
    }

    private static CrsEvaluation Evaluate(string scenario)
    {
        var resources = new List<Resource> { new Patient { Id = Fx.PatientId, BirthDate = "1970-01-01" }, Fx.Temp("t", 38.4m, "Cel", Fx.AsOf.AddHours(-2)) };
        var issues = new List<DataIssue>();
        switch (scenario)
        {
            case "status unknown": resources.Add(CarT("cart", "unknown")); break;
            case "no status": resources.Add(With(CarT("cart"), ma => ma.StatusElement = null!)); break;
            case "status outside the value set": resources.Add(CarT("cart", "given")); break;
            case "no time": resources.Add(With(CarT("cart"), ma => ma.Effective = null!)); break;
            case "a period without a start": resources.Add(With(CarT("cart"), ma => ma.Effective = new Period { End = Fx.Iso(Infused) })); break;
            case "procedure stopped": resources.Add(Procedure("stopped")); break;
            case "procedure status unknown": resources.Add(Procedure("unknown")); break;
            case "procedure without a time": resources.Add(With(Procedure("completed"), p => p.Performed = null!)); break;
            case "not valid FHIR": Refuse(RawCarT("\"display\":\"\""), issues); break;
            case "not valid FHIR procedure": Refuse(RawProcedure, issues); break;
            case "not valid FHIR, also an old readable course":
                Refuse(RawCarT("\"display\":\"\""), issues);
                resources.Add(Fx.Admin("old", new CodeableConcept { Text = "Yescarta" }, Fx.AsOf.AddDays(-60)));
                break;
            case "two records, both types": resources.Add(CarT("cart", "unknown")); resources.Add(Procedure("stopped")); break;

            case "entered-in-error" or "not-done" or "on-hold": resources.Add(CarT("cart", scenario)); break;
            case "procedure not-done": resources.Add(Procedure("not-done")); break;
            case "procedure preparation": resources.Add(Procedure("preparation")); break;
            case "other patient": resources.Add(With(CarT("cart", "unknown"), ma => ma.Subject = Fx.Subject("p2"))); break;
            case "after the request": resources.Add(CarT("cart", at: Fx.AsOf.AddHours(1))); break;
            case "a readable infusion older than the window": resources.Add(CarT("cart", at: Fx.AsOf.AddDays(-31))); break;
            case "status unknown, dated before the window": resources.Add(CarT("cart", "unknown", Fx.AsOf.AddDays(-31))); break;
            case "status unknown, dated after the request": resources.Add(CarT("cart", "unknown", Fx.AsOf.AddMinutes(6))); break;
            case "not valid FHIR, dated before the window":
                Refuse(RawCarT("\"display\":\"\"").Replace("2026-03-07T12:00:00Z", "2026-02-01T12:00:00Z", StringComparison.Ordinal), issues);
                break;
            case "not valid FHIR, another drug":
                Refuse(RawCarT("\"display\":\"\"").Replace("tisagenlecleucel (Kymriah)", "acetaminophen", StringComparison.Ordinal)
                    .Replace("0078-0846-19", "50580-0488-01", StringComparison.Ordinal), issues);
                break;
            case "no CAR-T at all": break;

            case "eligible, plus one with status unknown":
                resources.Add(CarT("cart"));
                resources.Add(CarT("cart2", "unknown", Fx.AsOf.AddDays(-1)));
                break;
            case "eligible, plus one with status unknown before T0":
                resources.Add(CarT("cart"));
                resources.Add(CarT("cart2", "unknown", Infused.AddDays(-2)));
                break;
            case "eligible, plus one with no time":
                resources.Add(CarT("cart"));
                resources.Add(With(CarT("cart2"), ma => ma.Effective = null!));
                break;
            case "eligible, plus one entered-in-error":
                resources.Add(CarT("cart"));
                resources.Add(CarT("cart2", "entered-in-error", Infused.AddDays(-2)));
                break;
            default: throw new ArgumentException(scenario, nameof(scenario));
        }

        return new CrsPatientView(new CrsOptions()).Evaluate(new PatientViewInput(Fx.PatientId, Fx.AsOf, resources, issues), new SequentialCardIdSource());
    }

    private static MedicationAdministration CarT(string id, string status = "completed", DateTimeOffset? at = null) =>
        Fx.Admin(id, new CodeableConcept { Text = "tisagenlecleucel (Kymriah)" }, at ?? Infused, status);

    private static Procedure Procedure(string status) =>
        Fx.Proc("proc", Fx.Text("CAR-T cell infusion"), new FhirDateTime(Infused), status);

    private static T With<T>(T resource, Action<T> change)
    {
        change(resource);
        return resource;
    }

    private static string RawCarT(string display) => $$"""
        {"resourceType":"MedicationAdministration","id":"cart","status":"completed",
         "medicationCodeableConcept":{"coding":[{"system":"http://hl7.org/fhir/sid/ndc","code":"0078-0846-19",{{display}}}],"text":"tisagenlecleucel (Kymriah)"},
         "subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-03-07T12:00:00Z"}
        """;

    private const string RawProcedure = """
        {"resourceType":"Procedure","id":"proc","status":"completed",
         "code":{"text":"CAR-T cell infusion","coding":[{"code":7}]},
         "subject":{"reference":"Patient/p1"},"performedDateTime":"2026-03-07T12:00:00Z"}
        """;

    /// <summary>Reads <paramref name="json"/> as the host reads a prefetch entry; it must be refused.</summary>
    private static void Refuse(string json, List<DataIssue> issues)
    {
        using var document = JsonDocument.Parse(json);
        Assert.Null(FhirResourceJson.TryRead(document.RootElement, "prefetch/medicationAdministrations/entry[0]", issues));
    }
}
