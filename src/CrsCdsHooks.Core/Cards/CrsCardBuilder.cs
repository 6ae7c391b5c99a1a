using System.Globalization;
using System.Text;

using CrsCdsHooks.Core.CdsHooks;
using CrsCdsHooks.Core.Differential;
using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Management;
using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Cards;

/// <summary>
/// Builds the CRS card (CRS-SPEC §7): a one-line summary under 140 characters, an indicator by the primary grade, a
/// markdown detail with the criteria table, the three systems side by side, the upper bound and why, the infusion,
/// review notes, what to do next, the differential, the data not used and the data gaps, and the sources.
/// </summary>
/// <remarks>
/// [operational] The indicator follows the proven primary grade (0 → info, 1–2 → warning, 3–4 → critical), never the
/// upper bound: a card must not shout "critical" on missing data. When the upper bound is 3 or more above a lower
/// grade, the summary says "up to N" with the reason and the detail opens with a bold line saying that grade N cannot
/// be excluded.
/// </remarks>
public static class CrsCardBuilder
{
    /// <summary>A summary must be shorter than this (CDS Hooks 2.0).</summary>
    public const int SummaryLimit = 140;

    private const int RowsPerCriterion = 5;
    private const int IdsPerReason = 10;

    /// <summary>Builds the CRS card of an eligible assessment.</summary>
    /// <param name="assessment">The CRS assessment (must be eligible).</param>
    /// <param name="timeline">The timeline (data not used, context vitals, reader review notes).</param>
    /// <param name="infection">The infection/sepsis screen.</param>
    /// <param name="anaphylaxis">The anaphylaxis/infusion-reaction screen.</param>
    /// <param name="plan">What to do next: suggestions (uuids assigned) and detail lines.</param>
    /// <param name="ids">The card's uuid source.</param>
    /// <param name="extension">The assessment extension (the same object on every card).</param>
    public static CdsCard Build(
        CrsAssessment assessment,
        ClinicalTimeline timeline,
        DifferentialFinding infection,
        DifferentialFinding anaphylaxis,
        ManagementPlan plan,
        ICardIdSource ids,
        CdsAssessmentExtension extension)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentNullException.ThrowIfNull(infection);
        ArgumentNullException.ThrowIfNull(anaphylaxis);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(extension);
        if (!assessment.Eligible || assessment.Infusion is null || assessment.PrimaryGrade is null)
            throw new ArgumentException("Only an eligible, graded assessment has a CRS card.", nameof(assessment));

        var suggestions = plan.Suggestions.Count == 0 ? null : plan.Suggestions;
        return new CdsCard
        {
            Uuid = ids.NewId(),
            Summary = Summary(assessment),
            Indicator = Indicator(assessment.PrimaryGrade.Grade),
            Detail = Detail(assessment, timeline, infection, anaphylaxis, plan),
            Source = new CdsSource(CrsSources.Label(assessment.PrimarySystem), CrsSources.Url(assessment.PrimarySystem)),
            Suggestions = suggestions,
            SelectionBehavior = suggestions is null ? null : "any",
            OverrideReasons = OverrideReasons,
            Links = CrsSources.Links,
            Extension = AssessmentExtension.ToCardExtension(extension),
        };
    }

    /// <summary>Override reasons offered on the CRS card (each with a display).</summary>
    public static IReadOnlyList<CdsCoding> OverrideReasons { get; } =
    [
        new("already-assessed", Display: "Already assessed; management in place"),
        new("grade-disagrees", Display: "Clinical grade differs from the computed grade"),
        new("data-incomplete", Display: "EHR data incomplete or not current"),
        new("other-cause", Display: "Findings explained by another cause"),
    ];

    /// <summary>info for grade 0, warning for 1–2, critical for 3–4 (CRS-SPEC §7).</summary>
    public static string Indicator(int grade) => grade switch
    {
        <= 0 => "info",
        <= 2 => "warning",
        _ => "critical",
    };

    /// <summary>
    /// "CRS grade 2 (ASTCT 2019), day 3 after axicabtagene ciloleucel"; grade 0: "No CRS criteria met (…)"; with
    /// "; up to N — reason" inside the parentheses when the upper bound is above the grade. Shortened step by step
    /// (reason, then product, then day) until under 140 characters.
    /// </summary>
    public static string Summary(CrsAssessment assessment)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        var grade = assessment.PrimaryGrade ?? throw new ArgumentException("The assessment has no primary grade.", nameof(assessment));
        var infusion = assessment.Infusion ?? throw new ArgumentException("The assessment has no infusion.", nameof(assessment));
        var head = grade.Grade == 0 ? "No CRS criteria met" : $"CRS grade {grade.Grade}";
        var system = ClinicalText.SystemName(assessment.PrimarySystem);
        var reason = grade.UpperBoundWhy.Count > 0 ? StripBound(grade.UpperBoundWhy[0]) : null;
        var bounded = grade.UpperBound > grade.Grade;
        var day = $"day {infusion.Day}";
        var product = infusion.Product.GenericName();

        string[] candidates =
        [
            bounded && reason is not null ? $"{head} ({system}; up to {grade.UpperBound} — {reason}), {day} after {product}" : string.Empty,
            bounded ? $"{head} ({system}; up to {grade.UpperBound}), {day} after {product}" : $"{head} ({system}), {day} after {product}",
            bounded ? $"{head} ({system}; up to {grade.UpperBound}), {day} after CAR-T" : $"{head} ({system}), {day} after CAR-T",
            bounded ? $"{head} ({system}; up to {grade.UpperBound})" : $"{head} ({system})",
        ];
        return candidates.First(c => c.Length > 0 && c.Length < SummaryLimit);
    }

    private static string StripBound(string line)
    {
        var arrow = line.LastIndexOf(" → up to ", StringComparison.Ordinal);
        return arrow > 0 ? line[..arrow] : line;
    }

    private static string Detail(CrsAssessment a, ClinicalTimeline timeline, DifferentialFinding infection, DifferentialFinding anaphylaxis, ManagementPlan plan)
    {
        var md = new StringBuilder();
        var primary = a.PrimaryGrade!;
        var hours = $"{a.WindowHours.ToString(CultureInfo.InvariantCulture)} h";

        md.Append(CultureInfo.InvariantCulture, $"**{MarkdownText.Text(Summary(a))}**").AppendLine().AppendLine();
        if (primary.UpperBound >= 3 && primary.UpperBound > primary.Grade)
        {
            md.Append(CultureInfo.InvariantCulture,
                $"**Grade {primary.UpperBound} cannot be excluded** with the data available ({MarkdownText.Text(string.Join("; ", primary.UpperBoundWhy.Select(StripBound)))}). "
                + $"The card's indicator follows the proven grade ({primary.Grade}).").AppendLine().AppendLine();
        }

        Criteria(md, a, timeline, hours);
        Grades(md, a);
        UpperBound(md, a);
        Infusion(md, a.Infusion!);
        Review(md, a, timeline);
        NextSteps(md, plan);
        DifferentialNotes(md, a, infection, anaphylaxis);
        Gaps(md, a);
        NotUsed(md, timeline.Issues);
        Sources(md);
        return md.ToString().TrimEnd() + "\n";
    }

    private static void Criteria(StringBuilder md, CrsAssessment a, ClinicalTimeline timeline, string hours)
    {
        md.Append(CultureInfo.InvariantCulture, $"### Criteria (last {hours}, to {ClinicalText.Time(a.AsOf)})").AppendLine();
        md.AppendLine("| Criterion | Finding | Value (unit) | Time | Source |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var group in a.Evidence.GroupBy(e => e.Criterion))
        {
            var items = group.ToList();
            foreach (var e in items.Take(RowsPerCriterion))
                Row(md, CriterionName(e.Criterion), e.Finding, e.Value, ClinicalText.Time(e.Time), MarkdownText.List(e.Sources, 3));
            if (items.Count > RowsPerCriterion)
                Row(md, CriterionName(group.Key), $"… and {items.Count - RowsPerCriterion} more {CriterionName(group.Key)} records", null, null, null);
        }

        var from = a.AsOf.AddHours(-a.WindowHours);
        foreach (var kind in new[] { VitalSignKind.HeartRate, VitalSignKind.RespiratoryRate })
        {
            var latest = timeline.OtherVitals.Where(v => v.Kind == kind && v.Time > from && v.Time <= a.AsOf + GradingCriteria.ClockSkewTolerance)
                .OrderBy(v => v.Time).LastOrDefault();
            if (latest is null) continue;
            var name = kind == VitalSignKind.HeartRate ? "Heart rate" : "Respiratory rate";
            Row(md, $"{name} (context)", $"Latest {name.ToLowerInvariant()} (not graded)", $"{ClinicalText.Number(latest.Value)} /min",
                ClinicalText.Time(latest.Time), MarkdownText.Text(latest.Source));
        }

        md.AppendLine();
    }

    private static void Row(StringBuilder md, string criterion, string finding, string? value, string? time, string? sourceMarkdown) =>
        md.Append(CultureInfo.InvariantCulture,
            $"| {MarkdownText.Cell(criterion)} | {MarkdownText.Cell(finding)} | {MarkdownText.Cell(value)} | {MarkdownText.Cell(time)} | {(string.IsNullOrEmpty(sourceMarkdown) ? "—" : sourceMarkdown)} |").AppendLine();

    private static string CriterionName(string criterion) => criterion switch
    {
        "infusion" => "Infusion",
        "fever" => "Fever",
        "fever-waiver" => "Fever waiver",
        "hypotension" => "Hypotension",
        "blood-pressure" => "Blood pressure",
        "vasopressor" => "Vasopressor",
        "inotrope" => "Inotrope",
        "weight" => "Weight",
        "oxygen-support" => "Oxygen support",
        "spo2" => "SpO2",
        "organ-toxicity" => "Organ toxicity",
        _ => criterion,
    };

    private static void Grades(StringBuilder md, CrsAssessment a)
    {
        md.AppendLine("### Grades in the three systems");
        md.AppendLine("| System | Current | Upper bound | Peak since infusion |");
        md.AppendLine("|---|---|---|---|");
        foreach (var system in Systems)
        {
            var g = a.Current[system];
            var name = ClinicalText.SystemName(system) + (system == a.PrimarySystem ? " (primary)" : string.Empty);
            md.Append(CultureInfo.InvariantCulture, $"| {name} | {g.Grade} | {g.UpperBound} | {a.Peak[system]} |").AppendLine();
        }

        md.AppendLine();
        var differ = Systems.Select(s => a.Current[s].Grade).Distinct().Count() > 1;
        if (differ)
        {
            md.AppendLine("Why they differ:");
            foreach (var system in Systems)
            {
                var g = a.Current[system];
                var deciding = g.Why.Where(w => w.EndsWith($"→ {g.Grade}", StringComparison.Ordinal) && !w.StartsWith("Grade = ", StringComparison.Ordinal)).ToList();
                var because = deciding.Count > 0 ? string.Join("; ", deciding) : g.Why[^1];
                md.Append(CultureInfo.InvariantCulture, $"- {ClinicalText.SystemName(system)} {g.Grade}: {MarkdownText.Text(because)}").AppendLine();
            }

            md.AppendLine();
        }

        foreach (var system in Systems)
        {
            md.Append(CultureInfo.InvariantCulture, $"**{ClinicalText.SystemName(system)}**{(system == a.PrimarySystem ? " (primary)" : string.Empty)}").AppendLine();
            foreach (var why in a.Current[system].Why) md.Append("- ").AppendLine(MarkdownText.Text(why));
            md.AppendLine();
        }
    }

    private static void UpperBound(StringBuilder md, CrsAssessment a)
    {
        var bounded = Systems.Where(s => a.Current[s].UpperBound > a.Current[s].Grade).ToList();
        if (bounded.Count == 0) return;
        md.AppendLine("### Upper bound and why");
        foreach (var system in bounded)
        {
            var g = a.Current[system];
            md.Append(CultureInfo.InvariantCulture, $"- {ClinicalText.SystemName(system)}: grade {g.Grade}, up to {g.UpperBound} — {MarkdownText.Text(string.Join("; ", g.UpperBoundWhy))}").AppendLine();
        }

        md.AppendLine();
    }

    private static void Infusion(StringBuilder md, InfusionContext infusion)
    {
        md.AppendLine("### Infusion");
        var product = infusion.Product.GenericName();
        md.Append(CultureInfo.InvariantCulture, $"- {MarkdownText.Text(product)}: infused {ClinicalText.Time(infusion.Start)} (T0); day {infusion.Day} after infusion.").AppendLine();
        if (infusion.Product.MedianCrsOnsetDay() is { } onset)
            md.Append(CultureInfo.InvariantCulture, $"- Median CRS onset for {MarkdownText.Text(product)}: day {ClinicalText.Number(onset)} (label/pivotal trials).").AppendLine();
        if (infusion.Administrations.Count > 1)
            md.Append(CultureInfo.InvariantCulture, $"- {infusion.Administrations.Count} administrations in this course (split doses or repeat infusions less than 21 days apart).").AppendLine();
        md.AppendLine();
    }

    private static void Review(StringBuilder md, CrsAssessment a, ClinicalTimeline timeline)
    {
        var notes = a.ReviewNotes.Concat(timeline.ReviewNotes).Distinct(StringComparer.Ordinal).ToList();
        if (notes.Count == 0) return;
        md.AppendLine("### For review");
        foreach (var n in notes) md.Append("- ").AppendLine(MarkdownText.Text(n));
        md.AppendLine();
    }

    private static void NextSteps(StringBuilder md, ManagementPlan plan)
    {
        if (plan.DetailLines.Count == 0) return;
        md.AppendLine("### What to do next");
        foreach (var line in plan.DetailLines) md.AppendLine(line);
        md.AppendLine();
    }

    private static void DifferentialNotes(StringBuilder md, CrsAssessment a, DifferentialFinding infection, DifferentialFinding anaphylaxis)
    {
        var lines = new List<string>();
        var febrile = a.Fever == FeverStatus.Febrile;
        if (febrile && !infection.Notes.Contains(SepsisScreen.InfectionNotExcludedNote)) lines.Add(SepsisScreen.InfectionNotExcludedNote);
        lines.Add(infection.Level == FindingLevel.NoneFound
            ? "Infection/sepsis screen: nothing found (this does not exclude infection)."
            : $"Infection/sepsis screen: {AssessmentExtension.LevelName(infection.Level)} ({string.Join(", ", infection.Reasons)}); see the infection card.");
        lines.AddRange(infection.Notes);
        if (anaphylaxis.Level != FindingLevel.NoneFound)
        {
            lines.Add($"Anaphylaxis/infusion reaction: {AssessmentExtension.LevelName(anaphylaxis.Level)} ({string.Join(", ", anaphylaxis.Reasons)}); see the anaphylaxis card.");
            // The screen's own note says it when fever is present; say it once (CRS-SPEC §5).
            if (febrile && !anaphylaxis.Notes.Contains(AnaphylaxisScreen.FeverArguesForCrsNote)) lines.Add(AnaphylaxisScreen.FeverArguesForCrsNote);
        }

        lines.AddRange(anaphylaxis.Notes);
        md.AppendLine("### Differential");
        foreach (var line in lines.Distinct(StringComparer.Ordinal)) md.Append("- ").AppendLine(MarkdownText.Text(line));
        md.AppendLine();
    }

    private static void Gaps(StringBuilder md, CrsAssessment a)
    {
        if (a.Gaps.Count == 0) return;
        md.AppendLine("### Data gaps");
        foreach (var g in a.Gaps) md.Append(CultureInfo.InvariantCulture, $"- {MarkdownText.Text(g.Code)}: {MarkdownText.Text(g.Description)}").AppendLine();
        md.AppendLine();
    }

    internal static void NotUsed(StringBuilder md, IReadOnlyList<DataIssue> issues)
    {
        if (issues.Count == 0) return;
        md.AppendLine("### Data not used");
        foreach (var group in issues.GroupBy(i => i.Reason).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var resources = group.Select(i => i.Resource).Distinct(StringComparer.Ordinal).ToList();
            md.Append(CultureInfo.InvariantCulture,
                $"- {MarkdownText.Text(ReasonText(group.Key))} ({MarkdownText.Text(group.Key)}, {resources.Count}): {MarkdownText.List(resources, IdsPerReason)}").AppendLine();
        }

        md.AppendLine();
    }

    internal static string ReasonText(string reason) => reason switch
    {
        DataIssueReasons.StatusNotUsable => "status not usable (e.g. entered-in-error, not-done, unknown)",
        DataIssueReasons.NoUsableTime => "no usable time",
        DataIssueReasons.TimeAfterRequest => "timed after the request",
        DataIssueReasons.OtherPatient => "another patient",
        DataIssueReasons.UnitNotConvertible => "unit not convertible",
        DataIssueReasons.ImplausibleValue => "implausible value",
        DataIssueReasons.NoValue => "no value",
        DataIssueReasons.NotValidFhir => "not valid FHIR R4",
        DataIssueReasons.UnexpectedResourceType => "unexpected resource type",
        DataIssueReasons.CodeNotRecognised => "code not recognised",
        DataIssueReasons.NotActive => "not active or refuted",
        DataIssueReasons.Duplicate => "duplicate",
        DataIssueReasons.PrefetchFailed => "prefetch failed",
        DataIssueReasons.Truncated => "data truncated",
        DataIssueReasons.Unavailable => "data unavailable",
        DataIssueReasons.RateNotConvertible => "rate not convertible",
        DataIssueReasons.BirthDateMissing => "no birth date (the Patient is still used, with adult thresholds)",
        _ => "other",
    };

    internal static void Sources(StringBuilder md)
    {
        md.AppendLine("### Sources");
        foreach (var (_, citation, url) in CrsSources.All) md.Append(CultureInfo.InvariantCulture, $"- {citation} {url}").AppendLine();
    }

    private static readonly GradingSystem[] Systems = [GradingSystem.Astct2019, GradingSystem.Lee2014, GradingSystem.CtcaeV5];
}

/// <summary>The criteria papers the CRS card cites (CRS-SPEC sources).</summary>
internal static class CrsSources
{
    public const string AstctUrl = "https://doi.org/10.1016/j.bbmt.2018.12.758";
    public const string Lee2014Url = "https://doi.org/10.1182/blood-2014-05-552729";
    public const string CtcaeUrl = "https://ctep.cancer.gov/protocolDevelopment/electronic_applications/docs/CTCAE_v5_Quick_Reference_8.5x11.pdf";

    public static IReadOnlyList<(GradingSystem System, string Citation, string Url)> All { get; } =
    [
        (GradingSystem.Astct2019, "ASTCT 2019: Lee DW et al. ASTCT Consensus Grading for Cytokine Release Syndrome and Neurologic Toxicity Associated with Immune Effector Cells. Biol Blood Marrow Transplant 2019;25:625–638.", AstctUrl),
        (GradingSystem.Lee2014, "Lee 2014: Lee DW et al. Current concepts in the diagnosis and management of cytokine release syndrome. Blood 2014;124:188–195 (erratum Blood 2015;126:1048).", Lee2014Url),
        (GradingSystem.CtcaeV5, "CTCAE v5.0: National Cancer Institute. Common Terminology Criteria for Adverse Events v5.0 (2017), \"Cytokine release syndrome\".", CtcaeUrl),
    ];

    public static IReadOnlyList<CdsLink> Links { get; } =
    [
        new("ASTCT 2019 CRS consensus grading (Lee DW et al., BBMT 2019)", AstctUrl, "absolute"),
        new("Lee 2014 CRS grading (Lee DW et al., Blood 2014)", Lee2014Url, "absolute"),
        new("CTCAE v5.0 (NCI, 2017)", CtcaeUrl, "absolute"),
    ];

    public static string Label(GradingSystem system) => system switch
    {
        GradingSystem.Lee2014 => "Lee 2014 CRS grading (Lee DW et al., Blood 2014)",
        GradingSystem.CtcaeV5 => "CTCAE v5.0 cytokine release syndrome (NCI, 2017)",
        _ => "ASTCT 2019 consensus CRS grading (Lee DW et al., BBMT 2019)",
    };

    public static string Url(GradingSystem system) => system switch
    {
        GradingSystem.Lee2014 => Lee2014Url,
        GradingSystem.CtcaeV5 => CtcaeUrl,
        _ => AstctUrl,
    };
}
