using CrsCdsHooks.Core.Cards;
using CrsCdsHooks.Core.CdsHooks;
using CrsCdsHooks.Core.Differential;
using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Timeline;

using Hl7.Fhir.Model;

namespace CrsCdsHooks.Core.Management;

/// <summary>
/// What to do next for the primary grade (CRS-SPEC §6, §9.24, §9.36; ASCO 2021, Santomasso BD et al.
/// J Clin Oncol 2021;39:3978; tocilizumab product label): the CRS card's suggestions and "what to do next" lines.
/// </summary>
/// <remarks>
/// <para>Any CRS (<see cref="CrsAssessment.Present"/>): CRP (LOINC 1988-5) and ferritin (2276-4) daily. Grade 1:
/// supportive care, text only. Grade 2: tocilizumab 8 mg/kg IV over 1 h (12 mg/kg below 30 kg, max 800 mg).
/// Grade 3: tocilizumab, dexamethasone 10 mg IV every 6 h, ICU-level care, echocardiogram. Grade 4:
/// tocilizumab, methylprednisolone 1000 mg IV daily for 3 days, ICU care, echocardiogram.</para>
/// <para>[operational] The echocardiogram is suggested at grade 4 as well as grade 3 (the sicker patient needs
/// it no less). It is coded SNOMED CT 40701008 |Echocardiography|: no LOINC code orders an echo.</para>
/// <para>[operational] Condition suggestion (ICD-10-CM): D89.831–D89.834 when the grade is determined (grade
/// equals its upper bound); D89.839 "grade unspecified" when CRS is present but the grade is not determined —
/// the upper bound is above the grade (missing or ambiguous data), or the fever is masked (grade 0, upper
/// bound 1). No Condition when CRS criteria are not met.</para>
/// <para>[operational] Blood cultures (§5 "always when fever is present"): when a fever is measured and no
/// culture was collected in the last 24 h, the culture order is suggested exactly once: on the infection card
/// when the infection screen finds something (that card always suggests it), otherwise here on the CRS card.</para>
/// </remarks>
public static class ManagementPlanner
{
    /// <summary>Dexamethasone for grade 3: 10 mg IV every 6 h (ASCO 2021).</summary>
    public const decimal DexamethasoneDoseMg = 10m;
    /// <summary>Methylprednisolone for grade 4: 1000 mg IV daily for 3 days (ASCO 2021).</summary>
    public const decimal MethylprednisoloneDoseMg = 1000m;

    /// <summary>Plans the management of the primary grade at <see cref="CrsAssessment.AsOf"/>.</summary>
    /// <param name="patientId">context.patientId (the subject of every draft resource).</param>
    /// <param name="timeline">What the reader understood (weights, tocilizumab history, cultures).</param>
    /// <param name="crs">The CRS assessment.</param>
    /// <param name="ids">Where suggestion uuids come from.</param>
    public static ManagementPlan Plan(string patientId, ClinicalTimeline timeline, CrsAssessment crs, ICardIdSource ids)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(patientId);
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentNullException.ThrowIfNull(crs);
        ArgumentNullException.ThrowIfNull(ids);

        var asOf = crs.AsOf;
        var history = TocilizumabDosing.Count(timeline, asOf, crs.Infusion?.Start);
        if (!crs.Eligible || crs.PrimaryGrade is not { } primary)
            return new ManagementPlan(new TocilizumabStatus(history.DosesLast24h, history.DosesTotal, null, null, null), [], []);

        var grade = primary.Grade;
        var system = SystemName(crs.PrimarySystem);
        var lines = new List<string>();
        var suggestions = new List<CdsSuggestion>();
        int? suggestedDose = null;
        DateTimeOffset? nextAllowed = null;
        string? limitReason = null;

        switch (grade)
        {
            case 0 when !crs.Present:
                lines.Add("- CRS criteria are not met now: no CRS-directed treatment is suggested.");
                break;
            case 0:
                var masking = crs.MaskingDrug?.Name is { Length: > 0 } m ? m : "treatment";
                lines.Add($"- CRS under treatment, fever possibly masked by {masking}: the current data call for no new CRS-directed treatment; reassess at once if hypotension or hypoxia develops.");
                break;
            case 1:
                lines.Add($"- **Grade 1 ({system})**: supportive care — acetaminophen for fever, IV fluids as needed, work-up for infection; monitor vital signs closely.");
                lines.Add("- Early tocilizumab for grade 1 (e.g. persistent fever) is product- and institution-dependent: follow the product label and the local protocol.");
                break;
            default:
                lines.Add(grade switch
                {
                    2 => $"- **Grade 2 ({system})**: tocilizumab 8 mg/kg IV over 1 h (12 mg/kg below 30 kg), maximum 800 mg per dose; repeat no sooner than 8 h later if there is no improvement (at most 3 doses in 24 h, 4 in total). No improvement within 24 h → manage as grade 3. IV fluids and oxygen as needed.",
                    3 => $"- **Grade 3 ({system})**: ICU-level care; tocilizumab as for grade 2 plus dexamethasone 10 mg IV every 6 h; vasopressors and oxygen as needed; echocardiogram.",
                    _ => $"- **Grade 4 ({system})**: ICU care; tocilizumab as for grade 2 plus methylprednisolone 1000 mg IV daily for 3 days; vasopressors and ventilatory support as needed; echocardiogram.",
                });
                (suggestedDose, nextAllowed, limitReason) = PlanTocilizumab(patientId, timeline, crs, grade, system, history, lines, suggestions, ids);
                if (grade == 3) suggestions.Add(Dexamethasone(patientId, crs, grade, system, ids));
                if (grade >= 4) suggestions.Add(Methylprednisolone(patientId, crs, grade, system, ids));
                if (grade >= 3) suggestions.Add(Echocardiogram(patientId, asOf, grade, ids));
                break;
        }

        lines.Add($"- Tocilizumab so far: {history.DosesLast24h} dose(s) started in the last 24 h, {history.DosesTotal} in this course (limits: ≥ 8 h apart, ≤ 3 per 24 h, ≤ 4 per course).");

        if (primary.UpperBound > grade)
            lines.Add($"- The missing or ambiguous data allow up to grade {primary.UpperBound}: obtain them; if they confirm a higher grade, manage as that grade.");

        if (crs.Present)
        {
            lines.Add("- Monitor CRP and ferritin daily.");
            suggestions.Add(DailyLab(patientId, asOf, OrderCodes.CrpLoinc, "C reactive protein [Mass/volume] in Serum or Plasma", "CRP", ids));
            suggestions.Add(DailyLab(patientId, asOf, OrderCodes.FerritinLoinc, "Ferritin [Mass/volume] in Serum or Plasma", "Ferritin", ids));
        }

        if (crs.Fever == FeverStatus.Febrile)
        {
            if (!SepsisScreen.HasRecentCulture(timeline, asOf))
            {
                if (SepsisScreen.Screen(timeline, crs).Level == FindingLevel.NoneFound)
                {
                    lines.Add("- No blood culture collected in the last 24 h: draw blood cultures before antibiotics.");
                    suggestions.Add(BloodCultures(patientId, asOf, ids));
                }
                else
                {
                    lines.Add("- No blood culture collected in the last 24 h: the culture order is on the infection card.");
                }
            }
        }

        if (Diagnosis(crs, primary) is { } dx)
        {
            suggestions.Add(DraftOrders.Create(
                $"Record diagnosis: {dx.Display} (ICD-10-CM {dx.Code}, provisional)",
                $"Create a provisional Condition {dx.Code} ({dx.Display})",
                Condition(patientId, asOf, dx.Code, dx.Display, dx.Note),
                ids));
            lines.Add($"- Diagnosis suggestion: ICD-10-CM {dx.Code} ({dx.Display}), provisional. {dx.Note}");
        }

        var status = new TocilizumabStatus(history.DosesLast24h, history.DosesTotal, suggestedDose, nextAllowed, limitReason);
        return new ManagementPlan(status, suggestions, lines);
    }

    private static (int? Dose, DateTimeOffset? NextAllowed, string? LimitReason) PlanTocilizumab(
        string patientId,
        ClinicalTimeline timeline,
        CrsAssessment crs,
        int grade,
        string system,
        TocilizumabDosing.History history,
        List<string> lines,
        List<CdsSuggestion> suggestions,
        ICardIdSource ids)
    {
        var asOf = crs.AsOf;
        if (history.BlockReason is { } block)
        {
            lines.Add(history.LimitReached
                ? $"- **No tocilizumab suggested**: {block}"
                : $"- **No new tocilizumab dose now**: {block}");
            return (null, history.NextAllowedAt, block);
        }

        if (BodyWeightLookup.Latest(timeline, asOf) is not { } weight)
        {
            const string noWeight = "No body weight in the last 30 days: record a weight (LOINC 29463-7) so that the tocilizumab dose can be computed.";
            lines.Add($"- **No tocilizumab dose computed**: {noWeight}");
            return (null, null, noWeight);
        }

        var (dose, perKg, arithmetic) = TocilizumabDosing.Dose(weight.Kilograms);
        var weightText = $"{ScreenFormat.Number(weight.Kilograms)} kg, {ScreenFormat.Time(weight.Time)}, {weight.Source}";
        lines.Add($"- Tocilizumab dose: {arithmetic} (weight {weightText}).");
        var doseNumber = history.DosesTotal + 1;
        var dosage =
            $"Tocilizumab {dose} mg IV infused over 60 minutes, once ({arithmetic}). " +
            $"Dose {doseNumber} of at most {TocilizumabDosing.MaximumDosesPerCourse} in this course; maximum 800 mg per dose. " +
            "If no improvement, a repeat dose may start no sooner than 8 hours after this one (at most 3 doses in 24 hours)." +
            (grade == 2 ? " No improvement within 24 hours: manage as grade 3." : string.Empty);
        var request = DraftOrders.Medication(patientId, asOf, OrderCodes.TocilizumabRxNorm, "tocilizumab", dose,
            OrderCodes.IntravenousRouteSnomed, "Intravenous route", dosage, DraftOrders.Once(), RequestPriority.Urgent,
            Reason(grade, system, crs), $"Weight used: {weightText}. {ScreenFormat.Number(perKg)} mg/kg per the tocilizumab label for CRS.");
        suggestions.Add(DraftOrders.Create(
            $"Tocilizumab {dose} mg IV over 1 h ({ScreenFormat.Number(perKg)} mg/kg × {ScreenFormat.Number(weight.Kilograms)} kg)",
            $"Create a draft MedicationRequest: tocilizumab {dose} mg IV once",
            request, ids));
        return (dose, null, null);
    }

    private static CdsSuggestion Dexamethasone(string patientId, CrsAssessment crs, int grade, string system, ICardIdSource ids)
    {
        const string dosage = "Dexamethasone 10 mg IV every 6 hours. Reassess at least daily; taper once CRS improves to grade 1 or less.";
        var request = DraftOrders.Medication(patientId, crs.AsOf, OrderCodes.DexamethasoneRxNorm, "dexamethasone", DexamethasoneDoseMg,
            OrderCodes.IntravenousRouteSnomed, "Intravenous route", dosage, DraftOrders.Every(6, Timing.UnitsOfTime.H),
            RequestPriority.Urgent, Reason(grade, system, crs), null);
        return DraftOrders.Create("Dexamethasone 10 mg IV every 6 h", "Create a draft MedicationRequest: dexamethasone 10 mg IV q6h", request, ids);
    }

    private static CdsSuggestion Methylprednisolone(string patientId, CrsAssessment crs, int grade, string system, ICardIdSource ids)
    {
        const string dosage = "Methylprednisolone 1000 mg IV once daily for 3 days, then reassess and taper per the local protocol.";
        var request = DraftOrders.Medication(patientId, crs.AsOf, OrderCodes.MethylprednisoloneRxNorm, "methylprednisolone", MethylprednisoloneDoseMg,
            OrderCodes.IntravenousRouteSnomed, "Intravenous route", dosage, DraftOrders.Every(1, Timing.UnitsOfTime.D, forDays: 3),
            RequestPriority.Stat, Reason(grade, system, crs), null);
        return DraftOrders.Create("Methylprednisolone 1000 mg IV daily for 3 days", "Create a draft MedicationRequest: methylprednisolone 1000 mg IV daily × 3 days", request, ids);
    }

    private static CdsSuggestion Echocardiogram(string patientId, DateTimeOffset asOf, int grade, ICardIdSource ids)
    {
        var request = DraftOrders.Service(patientId, asOf, OrderCodes.Snomed, OrderCodes.EchocardiographySnomed, "Echocardiography",
            "Echocardiogram", laboratory: false, RequestPriority.Urgent, null,
            $"Cardiac function in CRS grade {grade}.");
        return DraftOrders.Create("Echocardiogram", "Create a draft ServiceRequest: echocardiogram", request, ids);
    }

    private static CdsSuggestion DailyLab(string patientId, DateTimeOffset asOf, string loinc, string display, string name, ICardIdSource ids)
    {
        var request = DraftOrders.Service(patientId, asOf, OrderCodes.Loinc, loinc, display, $"{name} daily", laboratory: true,
            RequestPriority.Routine, DraftOrders.Every(1, Timing.UnitsOfTime.D), $"{name} once daily while CRS is active.");
        return DraftOrders.Create($"{name} daily", $"Create a draft ServiceRequest: {name} (LOINC {loinc}) daily", request, ids);
    }

    /// <summary>Blood cultures (LOINC 600-7), stat, at least two sets before antibiotics.</summary>
    internal static CdsSuggestion BloodCultures(string patientId, DateTimeOffset asOf, ICardIdSource ids)
    {
        var request = DraftOrders.Service(patientId, asOf, OrderCodes.Loinc, OrderCodes.BloodCultureLoinc, "Bacteria identified in Blood by Culture",
            "Blood cultures", laboratory: true, RequestPriority.Stat, null,
            "At least two sets (one peripheral, one from each lumen of any central venous catheter), before antibiotics.");
        return DraftOrders.Create("Blood cultures now (none in the last 24 h)", "Create a draft ServiceRequest: blood cultures (LOINC 600-7), stat", request, ids);
    }

    private static Condition Condition(string patientId, DateTimeOffset asOf, string code, string display, string note) => new()
    {
        ClinicalStatus = new CodeableConcept(OrderCodes.ConditionClinical, "active", "Active", "Active"),
        VerificationStatus = new CodeableConcept(OrderCodes.ConditionVerification, "provisional", "Provisional", "Provisional"),
        Category = [new CodeableConcept(OrderCodes.ConditionCategory, "encounter-diagnosis", "Encounter Diagnosis", "Encounter Diagnosis")],
        Code = new CodeableConcept(OrderCodes.Icd10Cm, code, display, display),
        Subject = new ResourceReference($"Patient/{patientId}"),
        RecordedDateElement = DraftOrders.Instant(asOf),
        Note = [new Annotation { Text = new Markdown(note) }],
    };

    private static (string Code, string Display, string Note)? Diagnosis(CrsAssessment crs, SystemGrade primary)
    {
        if (!crs.Present) return null;
        const string codeFirst = "ICD-10-CM: code first T80.82XA (complication of immune effector cellular therapy) when applicable.";
        if (primary.Grade >= 1 && primary.Grade <= 4 && primary.UpperBound == primary.Grade)
            return ($"D89.83{primary.Grade}", $"Cytokine release syndrome, grade {primary.Grade}",
                $"Grade {primary.Grade} by {SystemName(crs.PrimarySystem)}. {codeFirst}");
        var why = primary.Grade == 0
            ? "CRS present with fever masked by treatment (grade 0, upper bound 1)"
            : $"grade at least {primary.Grade}, up to {primary.UpperBound} with the missing or ambiguous data";
        return ("D89.839", "Cytokine release syndrome, grade unspecified", $"Grade not determined: {why} ({SystemName(crs.PrimarySystem)}). {codeFirst}");
    }

    /// <summary>The reason of a drug order: the diagnosis code the Condition suggestion uses, and the proven grade as text.</summary>
    private static CodeableConcept Reason(int grade, string system, CrsAssessment crs)
    {
        var dx = Diagnosis(crs, crs.PrimaryGrade!) ?? ($"D89.83{grade}", $"Cytokine release syndrome, grade {grade}", string.Empty);
        return new CodeableConcept(OrderCodes.Icd10Cm, dx.Code, dx.Display, $"Cytokine release syndrome grade {grade} ({system})");
    }

    /// <summary>The display name of a grading system ("ASTCT 2019").</summary>
    internal static string SystemName(GradingSystem system) => system switch
    {
        GradingSystem.Astct2019 => "ASTCT 2019",
        GradingSystem.Lee2014 => "Lee 2014",
        GradingSystem.CtcaeV5 => "CTCAE v5.0",
        _ => system.ToString(),
    };
}
