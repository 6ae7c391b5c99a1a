using CrsCdsHooks.Core.CdsHooks;
using CrsCdsHooks.Core.Differential;
using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Management;
using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Cards;

/// <summary>
/// The infection/sepsis card (CRS-SPEC §5, §7): shown when the infection screen finds infection likely or
/// possible; absent (null) when none was found.
/// </summary>
/// <remarks>
/// Indicator: likely → critical when hypotension or a vasopressor is present in the window, else warning;
/// possible → warning. Suggestions: blood cultures (LOINC 600-7) when none was collected in the last 24 h.
/// Febrile neutropenia: empiric broad-spectrum antibiotics within 1 hour (Taplitz 2018) as text and a link to
/// the guideline — no antibiotic order is suggested (the regimen depends on local epidemiology, allergies and
/// prior prophylaxis).
/// </remarks>
public static class InfectionCardBuilder
{
    private static readonly IReadOnlyList<CdsCoding> OverrideReasons =
    [
        new("infection-already-addressed", Display: "Infection already evaluated or treated"),
        new("not-infection-clinically", Display: "Clinical assessment does not support infection"),
        new("data-incorrect", Display: "The data shown are incorrect or out of date"),
    ];

    /// <summary>Builds the card, or returns null when the screen found nothing.</summary>
    /// <param name="infection">The infection screen's finding.</param>
    /// <param name="crs">The CRS assessment (hypotension and vasopressors set the indicator).</param>
    /// <param name="timeline">The timeline (recent blood cultures).</param>
    /// <param name="patientId">context.patientId, the subject of the suggested orders.</param>
    /// <param name="extension">The <c>crsCdsHooks.assessment</c> extension every card carries (CRS-SPEC §7).</param>
    /// <param name="ids">Where card and suggestion uuids come from.</param>
    public static CdsCard? Build(
        DifferentialFinding infection,
        CrsAssessment crs,
        ClinicalTimeline timeline,
        string patientId,
        IReadOnlyDictionary<string, object> extension,
        ICardIdSource ids)
    {
        ArgumentNullException.ThrowIfNull(infection);
        ArgumentNullException.ThrowIfNull(crs);
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentException.ThrowIfNullOrWhiteSpace(patientId);
        ArgumentNullException.ThrowIfNull(extension);
        ArgumentNullException.ThrowIfNull(ids);
        if (infection.Level == FindingLevel.NoneFound) return null;

        var circulatory = crs.Hypotension || crs.Vasopressors.Count > 0;
        var indicator = infection.Level == FindingLevel.Likely && circulatory ? "critical" : "warning";
        var neutropenic = SepsisScreen.IsFebrileNeutropenia(infection);
        var needsCultures = !SepsisScreen.HasRecentCulture(timeline, crs.AsOf);
        var cardId = ids.NewId();

        var suggestions = new List<CdsSuggestion>();
        if (needsCultures) suggestions.Add(ManagementPlanner.BloodCultures(patientId, crs.AsOf, ids));

        var level = DifferentialCardText.Level(infection.Level);
        var summary = DifferentialCardText.Summary($"Infection/sepsis {level} beside CRS", [.. infection.Reasons.Select(SummaryLabel)]);

        return new CdsCard
        {
            Uuid = cardId,
            Summary = summary,
            Indicator = indicator,
            Detail = Detail(infection, crs, timeline, neutropenic, needsCultures, circulatory),
            Source = new CdsSource(
                "Infection screen: ASCO/IDSA febrile neutropenia (Taplitz 2018); Sepsis-3 (Singer 2016)",
                neutropenic ? DifferentialCardText.Taplitz2018.Url : DifferentialCardText.Singer2016.Url),
            Suggestions = suggestions.Count > 0 ? suggestions : null,
            SelectionBehavior = suggestions.Count > 0 ? "any" : null,
            OverrideReasons = OverrideReasons,
            Links = [DifferentialCardText.Taplitz2018, DifferentialCardText.Singer2016],
            Extension = DifferentialCardText.Extension(extension),
        };
    }

    private static string Detail(DifferentialFinding infection, CrsAssessment crs, ClinicalTimeline timeline, bool neutropenic, bool needsCultures, bool circulatory)
    {
        var lines = new List<string>();
        if (neutropenic)
        {
            lines.Add("**Febrile neutropenia: start empiric broad-spectrum antibiotics within 1 hour** (ASCO/IDSA, Taplitz 2018). No antibiotic order is suggested: choose the regimen by the local protocol, allergies and prior prophylaxis.");
            lines.Add(string.Empty);
        }

        lines.Add($"**Infection/sepsis: {DifferentialCardText.Level(infection.Level)}.** CRS and infection can coexist: this screen never excludes either, and it does not change the CRS grade. {DifferentialCardText.CrsContext(crs)}");
        lines.Add(string.Empty);
        lines.Add("**Why**");
        lines.AddRange(DifferentialCardText.Bullets(infection.Reasons.Select(ReasonText)));
        lines.Add(string.Empty);
        if (infection.Evidence.Count > 0)
        {
            lines.AddRange(DifferentialCardText.EvidenceTable(infection.Evidence, Label));
            lines.Add(string.Empty);
        }

        var todo = new List<string>();
        if (needsCultures) todo.Add("Blood cultures: none collected in the last 24 h — draw at least two sets before antibiotics (suggested below).");
        else if (timeline.Cultures.Where(c => c.Collected <= crs.AsOf + ScreenFormat.ClockSkew).OrderByDescending(c => c.Collected).FirstOrDefault() is { } last)
            todo.Add($"Blood cultures: last collected {ScreenFormat.Time(last.Collected)} ({last.Source}).");
        if (infection.Level == FindingLevel.Likely && circulatory)
            todo.Add("Hypotension or a vasopressor with likely infection: assess for septic shock (Sepsis-3: vasopressor needed to keep MAP ≥ 65 mmHg and lactate > 2 mmol/L despite adequate fluids) and treat infection and CRS together.");
        if (todo.Count > 0)
        {
            lines.Add("**What to do**");
            lines.AddRange(DifferentialCardText.Bullets(todo));
            lines.Add(string.Empty);
        }

        // the card says these two itself (at the top, and under "What to do")
        var notes = infection.Notes
            .Where(n => n is not SepsisScreen.FebrileNeutropeniaNote and not SepsisScreen.NoRecentCultureNote)
            .ToList();
        if (notes.Count > 0)
        {
            lines.Add("**Notes**");
            lines.AddRange(DifferentialCardText.Bullets(notes));
            lines.Add(string.Empty);
        }

        lines.Add("**Sources**");
        lines.Add(DifferentialCardText.Reference(DifferentialCardText.Taplitz2018) + " — J Clin Oncol 2018;36:1443–1453.");
        lines.Add(DifferentialCardText.Reference(DifferentialCardText.Singer2016) + " — JAMA 2016;315:801–810.");
        return string.Join("\n", lines);
    }

    private static string SummaryLabel(string reason) => reason switch
    {
        SepsisReasons.PositiveBloodCulture => "positive blood culture",
        SepsisReasons.SepsisDiagnosis => "sepsis diagnosis",
        SepsisReasons.ProcalcitoninHigh => "procalcitonin ≥ 2 ng/mL",
        SepsisReasons.FebrileNeutropenia => "febrile neutropenia (antibiotics within 1 h)",
        SepsisReasons.ProcalcitoninIntermediate => "procalcitonin 0.5–2 ng/mL",
        SepsisReasons.LateFever => "fever after day 14",
        SepsisReasons.LactateHigh => "lactate ≥ 4 mmol/L",
        _ => reason,
    };

    private static string ReasonText(string reason) => reason switch
    {
        SepsisReasons.PositiveBloodCulture => "Positive blood culture collected in the last 7 days (likely).",
        SepsisReasons.SepsisDiagnosis => "Active diagnosis of sepsis, septic shock, bacterial sepsis or bacteremia (likely).",
        SepsisReasons.ProcalcitoninHigh => "Procalcitonin ≥ 2.0 ng/mL in the last 48 h (likely).",
        SepsisReasons.FebrileNeutropenia => "Measured fever ≥ 38.0 °C with ANC < 0.5 × 10⁹/L in the last 48 h: febrile neutropenia (possible).",
        SepsisReasons.ProcalcitoninIntermediate => "Procalcitonin 0.5 to < 2.0 ng/mL in the last 48 h (possible).",
        SepsisReasons.LateFever => "Fever more than 14 days after the infusion: CRS is rare this late (possible).",
        SepsisReasons.LactateHigh => "Lactate ≥ 4 mmol/L in the last 24 h (possible).",
        _ => reason,
    };

    private static string Label(string criterion) => criterion switch
    {
        "blood-culture" => "Blood culture (7 d)",
        "sepsis-diagnosis" => "Diagnosis",
        "procalcitonin" => "Procalcitonin (48 h)",
        "absolute-neutrophil-count" => "ANC (48 h)",
        "fever" => "Fever",
        "lactate" => "Lactate (24 h)",
        _ => criterion,
    };
}
