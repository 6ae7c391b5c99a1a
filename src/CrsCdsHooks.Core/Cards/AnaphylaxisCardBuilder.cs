using CrsCdsHooks.Core.CdsHooks;
using CrsCdsHooks.Core.Differential;
using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Management;
using CrsCdsHooks.Core.Timeline;

using Hl7.Fhir.Model;

namespace CrsCdsHooks.Core.Cards;

/// <summary>
/// The anaphylaxis / infusion-reaction card (CRS-SPEC §5, §7): shown when the anaphylaxis screen finds a
/// reaction likely or possible; absent (null) when none was found.
/// </summary>
/// <remarks>
/// <para>Indicator: likely → critical, possible → warning.</para>
/// <para>Suggestions: for likely anaphylaxis, epinephrine IM 0.01 mg/kg, at most 0.5 mg, rounded to 0.01 mg
/// (RxNorm 3992; WAO 2020), when a body weight from the last 30 days is known — without one the detail gives
/// the rule and says why no dose was computed. A serum tryptase (LOINC 21582-2) when a sign was found and no
/// acute tryptase was collected after it (§9.23).</para>
/// </remarks>
public static class AnaphylaxisCardBuilder
{
    /// <summary>Epinephrine IM per kg (WAO 2020).</summary>
    public const decimal EpinephrineMgPerKg = 0.01m;
    /// <summary>Maximum single IM epinephrine dose (WAO 2020: 0.5 mg in adults).</summary>
    public const decimal EpinephrineMaximumMg = 0.5m;

    private static readonly IReadOnlyList<CdsCoding> OverrideReasons =
    [
        new("reaction-already-managed", Display: "Reaction already recognised and managed"),
        new("not-anaphylaxis-clinically", Display: "Clinical assessment does not support anaphylaxis or an infusion reaction"),
        new("data-incorrect", Display: "The data shown are incorrect or out of date"),
    ];

    /// <summary>Builds the card, or returns null when the screen found nothing.</summary>
    /// <param name="anaphylaxis">The anaphylaxis screen's finding.</param>
    /// <param name="crs">The CRS assessment.</param>
    /// <param name="timeline">The timeline (weight, tryptase).</param>
    /// <param name="patientId">context.patientId, the subject of the suggested orders.</param>
    /// <param name="extension">The <c>crsCdsHooks.assessment</c> extension every card carries (CRS-SPEC §7).</param>
    /// <param name="ids">Where card and suggestion uuids come from.</param>
    public static CdsCard? Build(
        DifferentialFinding anaphylaxis,
        CrsAssessment crs,
        ClinicalTimeline timeline,
        string patientId,
        IReadOnlyDictionary<string, object> extension,
        ICardIdSource ids)
    {
        ArgumentNullException.ThrowIfNull(anaphylaxis);
        ArgumentNullException.ThrowIfNull(crs);
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentException.ThrowIfNullOrWhiteSpace(patientId);
        ArgumentNullException.ThrowIfNull(extension);
        ArgumentNullException.ThrowIfNull(ids);
        if (anaphylaxis.Level == FindingLevel.NoneFound) return null;

        var asOf = crs.AsOf;
        var likely = anaphylaxis.Level == FindingLevel.Likely;
        var signTimes = anaphylaxis.Evidence.Where(e => AnaphylaxisScreen.SignCriteria.Contains(e.Criterion)).Select(e => e.Time).ToList();
        var needsTryptase = signTimes.Count > 0 && AnaphylaxisScreen.LacksAcuteTryptase(timeline, signTimes, asOf + ScreenFormat.ClockSkew);
        var weight = BodyWeightLookup.Latest(timeline, asOf);
        var cardId = ids.NewId();

        var suggestions = new List<CdsSuggestion>();
        string? epinephrineLine = null;
        if (likely)
        {
            // A dose already given for this reaction changes what the card asks for: a repeat if signs persist, not a first dose.
            var given = EpinephrineGiven(timeline, signTimes, asOf);
            var lead = given.Count == 0
                ? "Epinephrine IM now"
                : $"Epinephrine already given: {string.Join("; ", given.Select(EpinephrineDoseReview.Describe))}. If signs persist or recur, repeat IM";
            if (weight is not null)
            {
                var (dose, arithmetic) = EpinephrineDose(weight.Kilograms);
                epinephrineLine = $"{lead}: {arithmetic} (weight {ScreenFormat.Number(weight.Kilograms)} kg, {ScreenFormat.Time(weight.Time)}, {weight.Source}); repeat every 5–15 min if needed (WAO 2020).";
                suggestions.Add(Epinephrine(patientId, asOf, dose, arithmetic, repeat: given.Count > 0, ids));
            }
            else
            {
                epinephrineLine = $"{lead}: 0.01 mg/kg (1 mg/mL), at most 0.5 mg, into the mid-anterolateral thigh; repeat every 5–15 min if needed (WAO 2020). No dose was computed and no order is suggested: no body weight in the last 30 days — record a weight.";
            }
        }

        var tryptaseTiming = needsTryptase ? AnaphylaxisScreen.TryptaseTiming(signTimes.Min(), asOf) : null;
        if (tryptaseTiming is not null) suggestions.Add(Tryptase(patientId, asOf, signTimes.Min(), tryptaseTiming, ids));

        var level = DifferentialCardText.Level(anaphylaxis.Level);
        var headline = likely ? anaphylaxis.Reasons.Where(IsLikelyReason) : anaphylaxis.Reasons;
        var summary = DifferentialCardText.Summary($"Anaphylaxis/infusion reaction {level}", [.. headline.Select(SummaryLabel)]);

        return new CdsCard
        {
            Uuid = cardId,
            Summary = summary,
            Indicator = likely ? "critical" : "warning",
            Detail = Detail(anaphylaxis, crs, epinephrineLine, tryptaseTiming),
            Source = new CdsSource(
                "Anaphylaxis: NIAID/FAAN 2006 (Sampson), WAO 2020 (Cardona); tryptase 20 % + 2 (Valent 2019)",
                DifferentialCardText.Sampson2006.Url),
            Suggestions = suggestions.Count > 0 ? suggestions : null,
            SelectionBehavior = suggestions.Count > 0 ? "any" : null,
            OverrideReasons = OverrideReasons,
            Links = [DifferentialCardText.Sampson2006, DifferentialCardText.Cardona2020, DifferentialCardText.Valent2019],
            Extension = DifferentialCardText.Extension(extension),
        };
    }

    /// <summary>0.01 mg/kg, at most 0.5 mg, rounded half away from zero to 0.01 mg, with the arithmetic.</summary>
    internal static (decimal DoseMg, string Arithmetic) EpinephrineDose(decimal weightKg)
    {
        var kg = ScreenFormat.Round(weightKg, 1);
        var raw = EpinephrineMgPerKg * kg;
        var dose = ScreenFormat.Round(Math.Min(raw, EpinephrineMaximumMg), 2);
        var text = $"0.01 mg/kg × {ScreenFormat.Number(kg)} kg = {ScreenFormat.Number(raw)} mg";
        if (raw > EpinephrineMaximumMg) text += $" → capped at the maximum of {ScreenFormat.Number(EpinephrineMaximumMg)} mg";
        else if (dose != raw) text += $" → {ScreenFormat.Number(dose)} mg";
        return (dose, text);
    }

    /// <summary>
    /// Epinephrine injected (IM/SC) or given as a single dose from an hour before the first sign to asOf: treatment of
    /// this reaction already charted. [operational] The hour before covers a dose charted ahead of the sign's note.
    /// </summary>
    private static List<DrugAdministration> EpinephrineGiven(ClinicalTimeline timeline, List<DateTimeOffset> signTimes, DateTimeOffset asOf)
    {
        if (signTimes.Count == 0) return [];
        var from = signTimes.Min() - TimeSpan.FromHours(1);
        return [.. timeline.Drugs
            .Where(d => EpinephrineDoseReview.NeedsReview(d) && d.When.Start >= from && d.When.Start <= asOf + ScreenFormat.ClockSkew)
            .OrderBy(d => d.When.Start)];
    }

    private static CdsSuggestion Epinephrine(string patientId, DateTimeOffset asOf, decimal doseMg, string arithmetic, bool repeat, ICardIdSource ids)
    {
        var dose = ScreenFormat.Number(doseMg);
        var dosage =
            $"Epinephrine 1 mg/mL (1:1000) {dose} mg = {dose} mL IM into the mid-anterolateral thigh, {(repeat ? "as a repeat dose if signs persist or recur (a dose is already charted)" : "now")} ({arithmetic}). " +
            "May repeat every 5–15 minutes if symptoms persist or recur.";
        var request = DraftOrders.Medication(patientId, asOf, OrderCodes.EpinephrineRxNorm, "epinephrine", doseMg,
            OrderCodes.IntramuscularRouteSnomed, "Intramuscular route", dosage, null, RequestPriority.Stat,
            new CodeableConcept { Text = "Anaphylaxis likely (NIAID/FAAN 2006, WAO 2020 criteria)" }, null);
        return DraftOrders.Create(repeat ? $"Epinephrine {dose} mg IM, repeat dose if signs persist (0.01 mg/kg, max 0.5 mg)" : $"Epinephrine {dose} mg IM now (0.01 mg/kg, max 0.5 mg)",
            $"Create a draft MedicationRequest: epinephrine {dose} mg IM, stat", request, ids);
    }

    private static CdsSuggestion Tryptase(string patientId, DateTimeOffset asOf, DateTimeOffset firstSign, string timing, ICardIdSource ids)
    {
        var early = asOf - firstSign <= AnaphylaxisScreen.TryptaseBestWithin;
        var request = DraftOrders.Service(patientId, asOf, OrderCodes.Loinc, OrderCodes.TryptaseLoinc, "Tryptase [Mass/volume] in Serum or Plasma",
            "Serum tryptase", laboratory: true, RequestPriority.Stat, null,
            $"{char.ToUpperInvariant(timing[0])}{timing[1..]}. Compare with a baseline taken at least 24 h after recovery (positive when > 1.2 × baseline + 2 ng/mL).");
        var label = early
            ? "Serum tryptase now (within 2 h of onset)"
            : $"Serum tryptase as soon as possible (sign began {ScreenFormat.Duration(asOf - firstSign)} ago)";
        return DraftOrders.Create(label, "Create a draft ServiceRequest: tryptase (LOINC 21582-2), stat", request, ids);
    }

    private static string Detail(DifferentialFinding anaphylaxis, CrsAssessment crs, string? epinephrineLine, string? tryptaseTiming)
    {
        var lines = new List<string>();
        if (epinephrineLine is not null)
        {
            lines.Add($"**{epinephrineLine}**");
            lines.Add(string.Empty);
        }

        lines.Add($"**Anaphylaxis / infusion reaction: {DifferentialCardText.Level(anaphylaxis.Level)}.** CRS and hypersensitivity can coexist: this screen never excludes CRS and does not change its grade. {DifferentialCardText.CrsContext(crs)}");
        lines.Add(string.Empty);
        lines.Add("**Why**");
        lines.AddRange(DifferentialCardText.Bullets(anaphylaxis.Reasons.Select(ReasonText)));
        lines.Add(string.Empty);
        if (anaphylaxis.Evidence.Count > 0)
        {
            lines.AddRange(DifferentialCardText.EvidenceTable(anaphylaxis.Evidence, Label));
            lines.Add(string.Empty);
        }

        var todo = new List<string>();
        if (anaphylaxis.Level == FindingLevel.Possible)
            todo.Add("Observe closely: if a second organ system becomes involved or blood pressure falls, treat as anaphylaxis with IM epinephrine.");
        todo.Add("If the suspected drug is still running, consider stopping it.");
        if (tryptaseTiming is not null) todo.Add($"Serum tryptase: none collected after the sign — {tryptaseTiming} (suggested below).");
        lines.Add("**What to do**");
        lines.AddRange(DifferentialCardText.Bullets(todo));
        lines.Add(string.Empty);

        if (anaphylaxis.Notes.Count > 0)
        {
            lines.Add("**Notes**");
            lines.AddRange(DifferentialCardText.Bullets(anaphylaxis.Notes));
            lines.Add(string.Empty);
        }

        lines.Add("**Sources**");
        lines.Add(DifferentialCardText.Reference(DifferentialCardText.Sampson2006) + " — J Allergy Clin Immunol 2006;117:391–397.");
        lines.Add(DifferentialCardText.Reference(DifferentialCardText.Cardona2020) + " — World Allergy Organ J 2020;13:100472.");
        lines.Add(DifferentialCardText.Reference(DifferentialCardText.Valent2019) + " — Int Arch Allergy Immunol 2019;180:44–51.");
        return string.Join("\n", lines);
    }

    private static bool IsLikelyReason(string reason) =>
        reason is AnaphylaxisReasons.SkinAndRespiratorySigns or AnaphylaxisReasons.SkinSignAndHypotension or AnaphylaxisReasons.TryptaseRise;

    private static string SummaryLabel(string reason) => reason switch
    {
        AnaphylaxisReasons.SkinAndRespiratorySigns => "skin + respiratory signs",
        AnaphylaxisReasons.SkinSignAndHypotension => "skin sign + hypotension",
        AnaphylaxisReasons.TryptaseRise => "tryptase rise",
        AnaphylaxisReasons.SkinSignAfterExposure => "skin sign after an exposure",
        AnaphylaxisReasons.RespiratorySignAfterExposure => "respiratory sign after an exposure",
        AnaphylaxisReasons.HypotensionAfterExposure => "hypotension after an exposure",
        AnaphylaxisReasons.AllergyMatchedDrug => "drug the patient is allergic to given",
        _ => reason,
    };

    private static string ReasonText(string reason) => reason switch
    {
        AnaphylaxisReasons.SkinAndRespiratorySigns => "Skin/mucosal sign and respiratory sign within 6 h after the same exposure (likely).",
        AnaphylaxisReasons.SkinSignAndHypotension => "Skin/mucosal sign and hypotension within 6 h after the same exposure (likely).",
        AnaphylaxisReasons.TryptaseRise => "Hypotension or bronchospasm after an exposure with a tryptase rise (> 1.2 × baseline + 2 ng/mL, or > 11.4 ng/mL without a baseline) (likely).",
        AnaphylaxisReasons.SkinSignAfterExposure => "Skin/mucosal sign within 6 h after an exposure (possible).",
        AnaphylaxisReasons.RespiratorySignAfterExposure => "Respiratory sign within 6 h after an exposure (possible).",
        AnaphylaxisReasons.HypotensionAfterExposure => "Hypotension within 6 h after the CAR-T product or a drug the patient is allergic to (possible).",
        AnaphylaxisReasons.AllergyMatchedDrug => "A drug matching an active allergy was given in the last 6 h (possible).",
        _ => reason,
    };

    private static string Label(string criterion) => criterion switch
    {
        "exposure" => "Exposure",
        "allergy" => "Allergy",
        "skin-sign" => "Skin/mucosal sign",
        "respiratory-sign" => "Respiratory sign",
        "hypotension" => "Hypotension",
        "vasopressor" => "Vasopressor started",
        "tryptase-acute" => "Tryptase, acute",
        "tryptase-baseline" => "Tryptase, baseline",
        _ => criterion,
    };
}
