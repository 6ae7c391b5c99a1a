using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Differential;

/// <summary>The reason codes of the infection/sepsis screen (CRS-SPEC §5, §9.17–20).</summary>
public static class SepsisReasons
{
    /// <summary>likely: a positive blood culture (LOINC 600-7) collected in the last 7 days.</summary>
    public const string PositiveBloodCulture = "positive-blood-culture";
    /// <summary>likely: an active sepsis, septic shock, bacterial sepsis or bacteremia diagnosis.</summary>
    public const string SepsisDiagnosis = "sepsis-diagnosis";
    /// <summary>likely: procalcitonin ≥ 2.0 ng/mL in the last 48 h.</summary>
    public const string ProcalcitoninHigh = "procalcitonin-high";
    /// <summary>possible: measured fever in the window with ANC &lt; 0.5 × 10⁹/L in the last 48 h.</summary>
    public const string FebrileNeutropenia = "febrile-neutropenia";
    /// <summary>possible: procalcitonin 0.5 to &lt; 2.0 ng/mL in the last 48 h.</summary>
    public const string ProcalcitoninIntermediate = "procalcitonin-intermediate";
    /// <summary>possible: a fever in the window measured more than 14 days after T0.</summary>
    public const string LateFever = "late-fever";
    /// <summary>possible: lactate ≥ 4.0 mmol/L in the last 24 h.</summary>
    public const string LactateHigh = "lactate-high";
}

/// <summary>
/// Screens for infection or sepsis beside CRS (CRS-SPEC §5, §9.17–20, §9.35, §9.39). The screen never
/// excludes infection and never lowers the CRS grade: CRS and infection can coexist.
/// </summary>
/// <remarks>
/// <para>likely: a positive blood culture collected in the last 7 days; an active sepsis (SNOMED 91302008),
/// septic shock (76571007), bacterial sepsis (10001005) or bacteremia (5758002) finding (the reader keeps only
/// active ones, and reads them from Conditions only); procalcitonin ≥ 2.0 ng/mL in the last 48 h.</para>
/// <para>possible: febrile neutropenia (a measured fever ≥ 38.0 °C in the window — a masked fever does not
/// count, §9.18 — with ANC &lt; 0.5 × 10⁹/L in the last 48 h; Taplitz 2018); procalcitonin 0.5 to &lt; 2.0 ng/mL
/// in 48 h; late fever (a fever in the window measured more than 14 × 24 h after T0, §9.19); lactate ≥ 4.0
/// mmol/L in the last 24 h (Sepsis-3, Singer 2016).</para>
/// <para>Lab values are rounded half away from zero before the comparison (§9.5, §9.31): lactate to one decimal
/// (4.0 mmol/L); procalcitonin and ANC to two decimals (2.00 and 0.50 ng/mL, 0.50 × 10⁹/L). [operational] §9.5 says
/// "labs to the threshold's decimals" and §5 writes the thresholds as 2.0 and 0.5; we compare procalcitonin and ANC
/// at 0.01 instead. At one decimal an ANC of 0.45–0.49 × 10⁹/L would round to 0.5 and hide febrile neutropenia (the
/// unsafe direction), and a procalcitonin of 1.95–1.99 ng/mL would be "likely" though below 2.0; two decimals keep
/// the 0.49/0.50 and 1.99/2.00 boundaries meaningful. [operational] Look-backs are closed intervals ending at asOf (a culture collected
/// exactly 7 days before asOf counts) and accept the §9.2 clock skew of 5 minutes after asOf. Lactate uses
/// 24 h as §9.17 names it, whatever the configured grading window.</para>
/// <para>[operational] Late fever: the latest fever at or before asOf is the one compared with T0. When the
/// assessment says a fever was measured in the window, that latest fever is in the window, and it is more than
/// 14 days after T0 exactly when some fever in the window is.</para>
/// </remarks>
public static class SepsisScreen
{
    /// <summary>The note every febrile screen starts with (CRS-SPEC §5 "always when fever is present").</summary>
    public const string InfectionNotExcludedNote = "Fever is present: infection is not excluded. CRS and infection can coexist; evaluate for infection whatever the CRS grade.";

    /// <summary>Blood culture look-back (CRS-SPEC §9.17).</summary>
    public static readonly TimeSpan CultureLookBack = TimeSpan.FromDays(7);
    /// <summary>Procalcitonin and ANC look-back (CRS-SPEC §9.17).</summary>
    public static readonly TimeSpan ProcalcitoninAndNeutrophilLookBack = TimeSpan.FromHours(48);
    /// <summary>Lactate look-back (CRS-SPEC §9.17: the 24 h window).</summary>
    public static readonly TimeSpan LactateLookBack = TimeSpan.FromHours(24);
    /// <summary>"No blood culture collected in the last 24 h" (CRS-SPEC §5).</summary>
    public static readonly TimeSpan RecentCultureLookBack = TimeSpan.FromHours(24);
    /// <summary>A fever measured more than this after T0 is a late fever (CRS-SPEC §9.19).</summary>
    public static readonly TimeSpan LateFeverAfter = TimeSpan.FromDays(14);

    /// <summary>Procalcitonin at or above this is "likely" (ng/mL, compared at 0.01).</summary>
    public const decimal ProcalcitoninHighNgPerMl = 2.00m;
    /// <summary>Procalcitonin at or above this (and below 2.00) is "possible" (ng/mL, compared at 0.01).</summary>
    public const decimal ProcalcitoninIntermediateNgPerMl = 0.50m;
    /// <summary>ANC below this is neutropenia (10⁹/L, compared at 0.01, i.e. 500 cells/µL).</summary>
    public const decimal NeutropeniaBelow = 0.50m;
    /// <summary>Lactate at or above this is "possible" (mmol/L, one decimal).</summary>
    public const decimal LactateHighMmolPerL = 4.0m;
    /// <summary>Fever: ≥ 38.0 °C (CRS-SPEC §3).</summary>
    public const decimal FeverCelsius = 38.0m;

    /// <summary>Procalcitonin is compared at 0.01 ng/mL: the thresholds are 0.50 and 2.00 ng/mL.</summary>
    private const int ProcalcitoninDecimals = 2;
    /// <summary>ANC is compared at 0.01 × 10⁹/L (10 cells/µL): the threshold is 0.50 × 10⁹/L (500/µL).</summary>
    private const int NeutrophilDecimals = 2;
    /// <summary>Lactate is compared at 0.1 mmol/L: the threshold is 4.0 mmol/L.</summary>
    private const int LactateDecimals = 1;

    /// <summary>The missing-culture note (the infection card turns it into a suggestion).</summary>
    internal const string NoRecentCultureNote = "No blood culture collected in the last 24 h: draw blood cultures (at least two sets) before antibiotics.";

    /// <summary>The febrile-neutropenia note (the infection card leads with it).</summary>
    internal const string FebrileNeutropeniaNote = "Febrile neutropenia: give empiric broad-spectrum antibiotics within 1 hour (ASCO/IDSA, Taplitz 2018).";

    /// <summary>Screens the timeline at <see cref="CrsAssessment.AsOf"/>.</summary>
    /// <param name="timeline">What the reader understood.</param>
    /// <param name="crs">The CRS assessment (its asOf, T0 and measured fever are used).</param>
    public static DifferentialFinding Screen(ClinicalTimeline timeline, CrsAssessment crs)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentNullException.ThrowIfNull(crs);

        var asOf = crs.AsOf;
        var latest = asOf + ScreenFormat.ClockSkew;
        var likely = new List<string>();
        var possible = new List<string>();
        var evidence = new List<EvidenceItem>();
        var notes = new List<string>();
        var febrile = crs.Fever == FeverStatus.Febrile;

        // likely: positive blood culture in 7 days (the reader classifies; only Positive counts, §9.20, §9.35, §9.39)
        var cultures = timeline.Cultures.Where(c => c.Collected >= asOf - CultureLookBack && c.Collected <= latest).ToList();
        var positive = cultures.Where(c => c.Result == CultureResult.Positive).ToList();
        if (positive.Count > 0)
        {
            likely.Add(SepsisReasons.PositiveBloodCulture);
            foreach (var c in positive)
                evidence.Add(new EvidenceItem("blood-culture",
                    c.Organism is { Length: > 0 } org ? $"Blood culture positive: {org}" : "Blood culture positive (organism not named)",
                    c.Collected, [c.Source]));
        }

        foreach (var pending in cultures.Where(c => c.Result == CultureResult.Pending))
            notes.Add($"Blood culture collected {ScreenFormat.Time(pending.Collected)} ({pending.Source}) is not final: not counted as positive; follow it up.");

        // likely: active sepsis / septic shock / bacterial sepsis / bacteremia
        var diagnoses = timeline.Findings.Where(f => IsSepsisKind(f.Kind) && f.Time <= latest).ToList();
        if (diagnoses.Count > 0)
        {
            likely.Add(SepsisReasons.SepsisDiagnosis);
            foreach (var d in diagnoses)
                evidence.Add(new EvidenceItem("sepsis-diagnosis", $"Active diagnosis: {Describe(d.Kind)}", d.Time, [d.Source]));
        }

        // procalcitonin in 48 h: ≥ 2.0 likely, 0.5–< 2.0 possible
        var pct = Labs(timeline, LabAnalyte.Procalcitonin, asOf - ProcalcitoninAndNeutrophilLookBack, latest)
            .OrderByDescending(l => ScreenFormat.Round(l.Value, ProcalcitoninDecimals)).ThenByDescending(l => l.Time).FirstOrDefault();
        if (pct is not null)
        {
            var rounded = ScreenFormat.Round(pct.Value, ProcalcitoninDecimals);
            if (rounded >= ProcalcitoninHighNgPerMl)
            {
                likely.Add(SepsisReasons.ProcalcitoninHigh);
                evidence.Add(LabEvidence("procalcitonin", "Procalcitonin", pct, ProcalcitoninDecimals));
            }
            else if (rounded >= ProcalcitoninIntermediateNgPerMl)
            {
                possible.Add(SepsisReasons.ProcalcitoninIntermediate);
                evidence.Add(LabEvidence("procalcitonin", "Procalcitonin", pct, ProcalcitoninDecimals));
            }
        }

        // possible: febrile neutropenia (measured fever in the window; a masked fever does not count, §9.18)
        var lowestAnc = Labs(timeline, LabAnalyte.AbsoluteNeutrophilCount, asOf - ProcalcitoninAndNeutrophilLookBack, latest)
            .OrderBy(l => ScreenFormat.Round(l.Value, NeutrophilDecimals)).ThenByDescending(l => l.Time).FirstOrDefault();
        var neutropenic = lowestAnc is not null && ScreenFormat.Round(lowestAnc.Value, NeutrophilDecimals) < NeutropeniaBelow;
        if (febrile && neutropenic)
        {
            possible.Add(SepsisReasons.FebrileNeutropenia);
            if (crs.HighestTemperature is { } t) evidence.Add(FeverEvidence(t, crs.Infusion));
            evidence.Add(LabEvidence("absolute-neutrophil-count", "ANC", lowestAnc!, NeutrophilDecimals));
        }

        // possible: late fever (a fever in the window measured more than 14 days after T0, §9.19)
        if (febrile && crs.Infusion is { } infusion)
        {
            var lastFever = timeline.Temperatures
                .Where(t => t.Time <= latest && t.Celsius >= FeverCelsius)
                .OrderByDescending(t => t.Time).FirstOrDefault();
            if (lastFever is not null && lastFever.Time - infusion.Start > LateFeverAfter)
            {
                possible.Add(SepsisReasons.LateFever);
                evidence.Add(FeverEvidence(lastFever, infusion));
            }
        }

        // possible: lactate ≥ 4.0 mmol/L in 24 h
        var lactate = Labs(timeline, LabAnalyte.Lactate, asOf - LactateLookBack, latest)
            .OrderByDescending(l => ScreenFormat.Round(l.Value, LactateDecimals)).ThenByDescending(l => l.Time).FirstOrDefault();
        if (lactate is not null && ScreenFormat.Round(lactate.Value, LactateDecimals) >= LactateHighMmolPerL)
        {
            possible.Add(SepsisReasons.LactateHigh);
            evidence.Add(LabEvidence("lactate", "Lactate", lactate, LactateDecimals));
        }

        // Notes (CRS-SPEC §5: always when fever is present)
        if (febrile)
        {
            notes.Insert(0, InfectionNotExcludedNote);
            if (!HasRecentCulture(timeline, asOf))
                notes.Add(NoRecentCultureNote);
        }
        else if (crs.FeverWaived)
        {
            var masking = crs.MaskingDrug?.Name is { Length: > 0 } name ? name : "anti-cytokine, corticosteroid or antipyretic therapy";
            notes.Insert(0, $"Fever may be masked by {masking}: infection is not excluded.");
        }

        if (febrile && neutropenic)
            notes.Add(FebrileNeutropeniaNote);
        else if (febrile && lowestAnc is null)
            notes.Add("No ANC (absolute neutrophil count) in the last 48 h: febrile neutropenia cannot be judged; check a blood count with differential.");

        var level = likely.Count > 0 ? FindingLevel.Likely : possible.Count > 0 ? FindingLevel.Possible : FindingLevel.NoneFound;
        if (level == FindingLevel.NoneFound && notes.Count == 0) return DifferentialFinding.None;
        var distinctEvidence = evidence
            .DistinctBy(e => (e.Criterion, e.Finding, e.Time, string.Join('|', e.Sources)))
            .ToList();
        return new DifferentialFinding(level, [.. likely, .. possible], distinctEvidence, notes);
    }

    /// <summary>True when a blood culture of any result was collected in the 24 h before asOf.</summary>
    internal static bool HasRecentCulture(ClinicalTimeline timeline, DateTimeOffset asOf) =>
        timeline.Cultures.Any(c => c.Collected >= asOf - RecentCultureLookBack && c.Collected <= asOf + ScreenFormat.ClockSkew);

    /// <summary>True when the screen found a measured fever with ANC &lt; 0.5 × 10⁹/L.</summary>
    internal static bool IsFebrileNeutropenia(DifferentialFinding finding) =>
        finding.Reasons.Contains(SepsisReasons.FebrileNeutropenia);

    private static bool IsSepsisKind(FindingKind kind) =>
        kind is FindingKind.Sepsis or FindingKind.SepticShock or FindingKind.BacterialSepsis or FindingKind.Bacteremia;

    private static string Describe(FindingKind kind) => kind switch
    {
        FindingKind.Sepsis => "sepsis",
        FindingKind.SepticShock => "septic shock",
        FindingKind.BacterialSepsis => "bacterial sepsis",
        FindingKind.Bacteremia => "bacteremia",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static IEnumerable<LabResult> Labs(ClinicalTimeline timeline, LabAnalyte analyte, DateTimeOffset from, DateTimeOffset to) =>
        timeline.Labs.Where(l => l.Analyte == analyte && l.Time >= from && l.Time <= to);

    /// <summary>"Procalcitonin 1.995 ng/mL (rounds to 2.0; recorded 1995 pg/mL)".</summary>
    internal static EvidenceItem LabEvidence(string criterion, string label, LabResult lab, int decimals)
    {
        var rounded = ScreenFormat.Round(lab.Value, decimals);
        var extras = new List<string>();
        if (rounded != lab.Value) extras.Add($"rounds to {ScreenFormat.Fixed(rounded, decimals)}");
        if (lab.Recorded.Unit is { } ru && !string.Equals(ru, lab.Unit, StringComparison.Ordinal))
            extras.Add($"recorded {ScreenFormat.Number(lab.Recorded.Value)} {ru}");
        var text = $"{label} {ScreenFormat.Number(lab.Value)} {ScreenFormat.Unit(lab.Unit)}";
        if (extras.Count > 0) text += $" ({string.Join("; ", extras)})";
        return new EvidenceItem(criterion, text, lab.Time, [lab.Source]);
    }

    private static EvidenceItem FeverEvidence(BodyTemperature t, InfusionContext? infusion)
    {
        var text = $"Temperature {ScreenFormat.Fixed(t.Celsius, 1)} °C";
        if (t.Recorded.Unit is { } u && u != "Cel") text += $" (recorded {t.Recorded})";
        if (infusion is not null && t.Time >= infusion.Start)
        {
            var after = t.Time - infusion.Start;
            var days = (int)Math.Floor(after.TotalDays);
            text += $", {days} d {after.Hours} h after infusion (day {days})";
        }

        return new EvidenceItem("fever", text, t.Time, [t.Source]);
    }
}
