using CrsCdsHooks.Core.Cards;
using CrsCdsHooks.Core.Differential;
using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Terminology;

using Hl7.Fhir.Model;

namespace CrsCdsHooks.Core.Tests.Fhir;

/// <summary>
/// CRS-SPEC §3/§8.2: epinephrine is a vasopressor whatever its route, so an IM/SC or single dose still counts; the
/// cards flag it for review (CRS card review notes; anaphylaxis card when it is what makes hypotension a sign, §9.22).
/// </summary>
public sealed class EpinephrineDoseReviewTests
{
    private static readonly DateTimeOffset Infused = Fx.AsOf.AddDays(-3);

    private static MedicationAdministration Epinephrine(string id, DateTimeOffset at, CodeableConcept? route = null, string? dosageText = null, DataType? effective = null, Quantity? rate = null)
    {
        var administration = Fx.Admin(id, Fx.RxNorm(RxNorm.Epinephrine, "epinephrine"), at);
        if (effective is not null) administration.Effective = effective;
        administration.Dosage = new MedicationAdministration.DosageComponent { Route = route, Text = dosageText, Dose = Fx.Q(0.3m, "mg"), Rate = rate };
        return administration;
    }

    [Theory]
    [InlineData("78421000", null, "IM")]
    [InlineData("34206005", null, "SC")]
    [InlineData(null, "epinephrine 0.3 mg IM into the thigh", "IM")]
    [InlineData(null, "0.3 mg subcut", "SC")]
    [InlineData("47625008", "epinephrine 1 mg IV push", null)]
    public void Read_EpinephrineRoute_IsIntramuscularSubcutaneousOrNeither(string? snomed, string? text, string? expected)
    {
        var administration = Epinephrine("epi", Fx.T, snomed is null ? null : Fx.Sct(snomed), text);
        Assert.Equal(expected, Assert.Single(Fx.Read(administration).Drugs).InjectionRoute);
    }

    [Fact]
    public void Grade_FeverAndEpinephrineIntramuscular_IsStillGrade3_WithAReviewNote()
    {
        var evaluation = Evaluate(Fx.Temp("fever", 38.5m, "Cel", Fx.AsOf.AddHours(-3)), Epinephrine("epi", Fx.T, Fx.Sct(Snomed.IntramuscularRoute, "Intramuscular route")));

        Assert.Equal(3, evaluation.Assessment.Current[GradingSystem.Astct2019].Grade);
        const string note = "Epinephrine 0.3 mg IM at 2026-03-10 11:00 UTC (MedicationAdministration/epi) counted as a vasopressor (CRS-SPEC §3); an IM/SC dose is usually anaphylaxis treatment, not a vasopressor infusion: review.";
        Assert.Contains(note, evaluation.Assessment.ReviewNotes);
        Assert.Contains(note, evaluation.Response.Cards[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Grade_FeverAndOnePointInTimeEpinephrineDose_IsStillGrade3_WithAReviewNote()
    {
        var evaluation = Evaluate(Fx.Temp("fever", 38.5m, "Cel", Fx.AsOf.AddHours(-3)), Epinephrine("epi", Fx.T));

        Assert.Equal(3, evaluation.Assessment.Current[GradingSystem.Astct2019].Grade);
        Assert.Contains("Epinephrine 0.3 mg (a single dose) at 2026-03-10 11:00 UTC (MedicationAdministration/epi) counted as a vasopressor (CRS-SPEC §3); a single epinephrine dose is usually anaphylaxis treatment or a bolus, not a vasopressor infusion: review.",
            evaluation.Assessment.ReviewNotes);
    }

    [Fact]
    public void Grade_EpinephrineInfusionOverAPeriod_HasNoDoseReviewNote()
    {
        var infusion = Epinephrine("epi", Fx.T, Fx.Sct("47625008", "Intravenous route"),
            effective: new Period { Start = Fx.Iso(Fx.AsOf.AddHours(-4)), End = Fx.Iso(Fx.AsOf.AddHours(-1)) }, rate: Fx.Q(5, "ug/min"));
        var evaluation = Evaluate(Fx.Temp("fever", 38.5m, "Cel", Fx.AsOf.AddHours(-3)), infusion);

        Assert.Equal(3, evaluation.Assessment.Current[GradingSystem.Astct2019].Grade);
        Assert.DoesNotContain(evaluation.Assessment.ReviewNotes, n => n.Contains("counted as a vasopressor", StringComparison.Ordinal));
    }

    [Fact]
    public void Screen_UrticariaAfterCarT_HypotensionOnlyFromAnIntramuscularEpinephrineDose_IsFlaggedOnTheAnaphylaxisCard()
    {
        var cart = Fx.Admin("cart", new CodeableConcept { Text = "Yescarta (axicabtagene ciloleucel)" }, Fx.AsOf.AddHours(-3));
        var urticaria = Fx.Cond("hives", Fx.Sct(Snomed.Urticaria, "Urticaria"));
        urticaria.Onset = new FhirDateTime(Fx.Iso(Fx.AsOf.AddHours(-2)));
        var bp = Fx.Obs("bp", Fx.Loinc(Loinc.SystolicPressure), Fx.Q(112, "mm[Hg]"), Fx.AsOf.AddHours(-1));
        var epi = Epinephrine("epi", Fx.AsOf.AddMinutes(-110), Fx.Sct(Snomed.IntramuscularRoute, "Intramuscular route"));

        var evaluation = Evaluate(cart, urticaria, bp, epi);

        Assert.Equal(FindingLevel.Likely, evaluation.Anaphylaxis.Level);
        Assert.Contains(AnaphylaxisReasons.SkinSignAndHypotension, evaluation.Anaphylaxis.Reasons);
        const string note = "Epinephrine 0.3 mg IM at 2026-03-10 10:10 UTC (MedicationAdministration/epi) counted as a vasopressor, and so as hypotension, an anaphylaxis sign (CRS-SPEC §9.22); an IM/SC dose is usually anaphylaxis treatment, not a vasopressor infusion: review.";
        Assert.Contains(note, evaluation.Anaphylaxis.Notes);
        var card = Assert.Single(evaluation.Response.Cards, c => c.Summary.StartsWith("Anaphylaxis", StringComparison.Ordinal));
        Assert.Contains("an IM/SC dose is usually anaphylaxis treatment", card.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Screen_HypotensionAlsoFromALowReading_DoesNotFlagTheDoseAsTheReason()
    {
        var cart = Fx.Admin("cart", new CodeableConcept { Text = "Yescarta (axicabtagene ciloleucel)" }, Fx.AsOf.AddHours(-3));
        var urticaria = Fx.Cond("hives", Fx.Sct(Snomed.Urticaria, "Urticaria"));
        urticaria.Onset = new FhirDateTime(Fx.Iso(Fx.AsOf.AddHours(-2)));
        var low = Fx.Obs("bp", Fx.Loinc(Loinc.SystolicPressure), Fx.Q(78, "mm[Hg]"), Fx.AsOf.AddMinutes(-115));
        var epi = Epinephrine("epi", Fx.AsOf.AddMinutes(-110), Fx.Sct(Snomed.IntramuscularRoute, "Intramuscular route"));

        var evaluation = Evaluate(cart, urticaria, low, epi);

        Assert.Equal(FindingLevel.Likely, evaluation.Anaphylaxis.Level);
        Assert.DoesNotContain(evaluation.Anaphylaxis.Notes, n => n.Contains("and so as hypotension", StringComparison.Ordinal));
    }

    private static CrsEvaluation Evaluate(params Resource[] resources)
    {
        // Infused 3 days ago unless the test brings its own CAR-T infusion.
        Resource[] background = resources.Any(r => r.Id == "cart")
            ? [new Patient { Id = Fx.PatientId, BirthDate = "1970-05-01" }]
            : [new Patient { Id = Fx.PatientId, BirthDate = "1970-05-01" }, Fx.Admin("cart", new CodeableConcept { Text = "Yescarta (axicabtagene ciloleucel)" }, Infused)];
        var evaluation = new CrsPatientView(new CrsOptions()).Evaluate(
            new PatientViewInput(Fx.PatientId, Fx.AsOf, [.. background, .. resources], []), new SequentialCardIdSource());
        Assert.True(evaluation.Assessment.Eligible);
        return evaluation;
    }
}
