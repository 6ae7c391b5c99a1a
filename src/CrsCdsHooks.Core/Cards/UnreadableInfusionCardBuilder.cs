using System.Globalization;
using System.Text;

using CrsCdsHooks.Core.CdsHooks;
using CrsCdsHooks.Core.Fhir;
using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Cards;

/// <summary>
/// The one card answered instead of <c>{"cards": []}</c> when the patient looks ineligible but a CAR-T infusion record
/// could not be used (<see cref="DataIssue.CarTRecord"/>): eligibility and the CRS grade are undetermined, and the
/// clinician is told which record to check.
/// </summary>
/// <remarks>
/// <para>[operational] CRS-SPEC §1 answers an ineligible patient with no card, and §2 reports every ignored resource. When
/// the ignored resource is the CAR-T infusion itself, the two collide: a treated patient looks untreated, and the report
/// sits in a response the EHR never shows. An unusable CAR-T record therefore counts as "eligibility undetermined", not as
/// "not eligible", when the reason it was not used leaves open whether the product was given — not valid FHIR, no usable
/// time, a status that cannot be interpreted (see <see cref="UnusableCarTRecord"/> for the exact list) — and, when it
/// records a readable start, that start lies within the eligibility window (not after the request beyond the clock-skew
/// allowance, not more than <see cref="CrsOptions.EligibilityDays"/> days before it): a record that, read, would still
/// leave the patient ineligible is no reason for a card. Records that show the product was not given or not yet given,
/// other patients' records and readable infusions outside the window keep the patient ineligible, with no card.</para>
/// <para>The card: indicator <c>warning</c> (the patient may be in the CRS risk period and nothing was graded: a reason to
/// look, not an alarm on missing data); the CRS card's source (the primary system's criteria), links and uuid rules; its
/// own override reasons (codes distinct from the CRS card's, except <c>data-incomplete</c> with the same display, since
/// the served-card audit keeps one display per card kind and code); no suggestions (no grade, so no management); the
/// assessment extension reduced to asOf, <c>eligibility</c> undetermined and <c>dataIssues</c>
/// (<see cref="AssessmentExtension.BuildUndetermined"/>). No grade is implied anywhere: neither 0 nor an upper bound.</para>
/// </remarks>
public static class UnreadableInfusionCardBuilder
{
    /// <summary>
    /// The CAR-T records among <paramref name="issues"/> that make eligibility undetermined (see the remarks), each resource
    /// once, in input order; empty when there are none (the patient is then simply not eligible).
    /// </summary>
    /// <param name="issues">Every issue of the timeline (host and reader).</param>
    /// <param name="asOf">The request time.</param>
    /// <param name="eligibilityDays">The eligibility window (CRS-SPEC §1).</param>
    public static IReadOnlyList<DataIssue> FindUnusableInfusions(IReadOnlyList<DataIssue> issues, DateTimeOffset asOf, int eligibilityDays)
    {
        ArgumentNullException.ThrowIfNull(issues);
        var window = TimeSpan.FromDays(eligibilityDays);
        return issues
            .Where(i => i.CarTRecord is { } record
                && (record.RecordedStart is not { } start || (start <= asOf + FhirTimelineReader.ClockSkewAllowance && asOf - start <= window)))
            .DistinctBy(i => i.Resource, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Override reasons offered on this card (each with a display).</summary>
    public static IReadOnlyList<CdsCoding> OverrideReasons { get; } =
    [
        new("record-checked", Display: "Infusion record checked; CRS assessed clinically"),
        new("no-recent-car-t", Display: "No CAR-T infusion within the eligibility window"),
        new("data-incomplete", Display: "EHR data incomplete or not current"),
    ];

    /// <summary>Builds the card.</summary>
    /// <param name="unusable">The CAR-T records that could not be used (<see cref="FindUnusableInfusions"/>; not empty).</param>
    /// <param name="timeline">The timeline: every data issue, and the CAR-T infusions that were read (outside the window).</param>
    /// <param name="assessment">The (ineligible) assessment: asOf, the primary system.</param>
    /// <param name="eligibilityDays">The eligibility window (CRS-SPEC §1).</param>
    /// <param name="ids">The card's uuid source.</param>
    public static CdsCard Build(IReadOnlyList<DataIssue> unusable, ClinicalTimeline timeline, CrsAssessment assessment, int eligibilityDays, ICardIdSource ids)
    {
        ArgumentNullException.ThrowIfNull(unusable);
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentNullException.ThrowIfNull(assessment);
        ArgumentNullException.ThrowIfNull(ids);
        if (unusable.Count == 0 || unusable.Any(i => i.CarTRecord is null))
            throw new ArgumentException("The card needs at least one unusable CAR-T record, and only those.", nameof(unusable));
        if (assessment.Eligible) throw new ArgumentException("An eligible patient has the CRS card.", nameof(assessment));

        var extension = AssessmentExtension.BuildUndetermined(assessment.AsOf, unusable, timeline.Issues);
        var summary = Summary(unusable);
        return new CdsCard
        {
            Uuid = ids.NewId(),
            Summary = summary,
            Indicator = "warning",
            Detail = Detail(summary, unusable, timeline, assessment, eligibilityDays),
            Source = new CdsSource(CrsSources.Label(assessment.PrimarySystem), CrsSources.Url(assessment.PrimarySystem)),
            OverrideReasons = OverrideReasons,
            Links = CrsSources.Links,
            Extension = AssessmentExtension.ToCardExtension(extension),
        };
    }

    /// <summary>
    /// "CAR-T infusion record could not be read: CRS not graded — check the MedicationAdministration"; "used" instead of
    /// "read" when every record is valid FHIR (a status or time that cannot be used); "records" and both types when
    /// several.
    /// </summary>
    public static string Summary(IReadOnlyList<DataIssue> unusable)
    {
        ArgumentNullException.ThrowIfNull(unusable);
        var records = unusable.Count == 1 ? "record" : "records";
        var verb = unusable.Any(i => i.Reason == DataIssueReasons.NotValidFhir) ? "read" : "used";
        var types = string.Join(" and ", unusable.Select(i => i.CarTRecord?.ResourceType ?? "record").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        return $"CAR-T infusion {records} could not be {verb}: CRS not graded — check the {types}";
    }

    private static string Detail(string summary, IReadOnlyList<DataIssue> unusable, ClinicalTimeline timeline, CrsAssessment assessment, int eligibilityDays)
    {
        var md = new StringBuilder();
        var days = eligibilityDays.ToString(CultureInfo.InvariantCulture);
        var system = ClinicalText.SystemName(assessment.PrimarySystem);

        md.Append(CultureInfo.InvariantCulture, $"**{MarkdownText.Text(summary)}**").AppendLine().AppendLine();
        md.Append("**CRS has not been graded.** ")
            .Append(unusable.Count == 1 ? "A record" : "Records")
            .Append(CultureInfo.InvariantCulture, $" of a CAR-T infusion could not be used, so the service cannot tell whether this patient received a CAR-T product in the {days} days before {ClinicalText.Time(assessment.AsOf)} (its eligibility window), ")
            .Append("nor, if so, the CRS grade. **No grade is implied**: this card means neither grade 0 nor \"no CRS\".").AppendLine().AppendLine();

        md.AppendLine("### CAR-T infusion records not used");
        md.AppendLine("| Criterion | Finding | Value (unit) | Time | Source |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var issue in unusable)
        {
            var time = issue.CarTRecord!.RecordedStart is { } start ? $"{ClinicalText.Time(start)} (as recorded)" : "unknown";
            md.Append(CultureInfo.InvariantCulture,
                $"| Infusion (T0) | {MarkdownText.Cell($"{issue.CarTRecord.ResourceType} not used: {Why(issue)}")} | — | {MarkdownText.Cell(time)} | {MarkdownText.Cell(issue.Resource)} |").AppendLine();
        }

        md.AppendLine();
        md.AppendLine("### Eligibility and grade");
        md.Append(CultureInfo.InvariantCulture, $"- Eligibility (a CAR-T infusion in the last {days} days, CRS-SPEC §1): undetermined.").AppendLine();
        md.AppendLine("- CRS grade (ASTCT 2019, Lee 2014, CTCAE v5.0): not determined — no current, upper-bound or peak grade is implied.");
        md.AppendLine("- Infection/sepsis and anaphylaxis screens: not run.");
        var read = timeline.Infusions.ToList();
        if (read.Count == 0)
        {
            md.AppendLine("- CAR-T infusions read: none.");
        }
        else
        {
            foreach (var infusion in read)
            {
                var when = infusion.Start > assessment.AsOf
                    ? "after the request (not given yet)"
                    : $"{InfusionCourse.DayAfter(infusion.Start, assessment.AsOf).ToString(CultureInfo.InvariantCulture)} days before the request: outside the {days}-day window";
                md.Append(CultureInfo.InvariantCulture,
                    $"- CAR-T infusion read: {MarkdownText.Text(infusion.Product.GenericName())}, {ClinicalText.Time(infusion.Start)} ({when}), {MarkdownText.Text(infusion.Source)}.").AppendLine();
            }
        }

        md.AppendLine();
        md.AppendLine("### What to do next");
        md.Append(CultureInfo.InvariantCulture,
            $"- Check the {(unusable.Count == 1 ? "record" : "records")} above in the EHR and correct {(unusable.Count == 1 ? "it" : "them")} (status, time, coding); once readable, the service grades CRS.").AppendLine();
        md.Append(CultureInfo.InvariantCulture,
            $"- Meanwhile, if a CAR-T product was infused in the last {days} days, assess CRS at the bedside ({system}: fever ≥ 38.0 °C, hypotension, hypoxia).").AppendLine();
        md.AppendLine();

        CrsCardBuilder.NotUsed(md, timeline.Issues);
        CrsCardBuilder.Sources(md);
        return md.ToString().TrimEnd() + "\n";
    }

    /// <summary>
    /// For the CRS card of an eligible patient: the review note on a CAR-T record that could not be used beside the ones
    /// that were (<see cref="FindUnusableInfusions"/>). T0 comes from the usable records; read, this one could move it
    /// (CRS-SPEC §9.1, §9.32), and with T0 the day after infusion, the peak since infusion and the late-fever screen.
    /// </summary>
    /// <param name="issue">The unusable CAR-T record.</param>
    /// <param name="t0">T0 of the assessment.</param>
    public static string ReviewNote(DataIssue issue, DateTimeOffset t0)
    {
        ArgumentNullException.ThrowIfNull(issue);
        var record = issue.CarTRecord ?? throw new ArgumentException("Not a CAR-T record.", nameof(issue));
        var effect = record.RecordedStart switch
        {
            null => "with no usable time, it could be an earlier administration of this course (which would make T0 earlier, §9.1) or a new course (a later T0, §9.32)",
            { } start when start < t0 => $"recorded at {ClinicalText.Time(start)}, before T0: if it was given, T0 would be earlier (administrations less than 21 days apart are one course, §9.1)",
            { } start => $"recorded at {ClinicalText.Time(start)}, after T0: if it was given 21 days or more after the previous administration, it starts a new course and T0 would be later (§9.32)",
        };
        return $"A CAR-T record could not be used: {issue.Resource}, {Why(issue)}. T0 ({ClinicalText.Time(t0)}) is taken from the CAR-T records that could be used; {effect}. "
            + "The day after infusion, the peak since infusion and the late-fever screen depend on T0: check this record in the EHR.";
    }

    private static string Why(DataIssue issue)
    {
        var what = issue.Reason switch
        {
            DataIssueReasons.NotValidFhir => "not valid FHIR R4",
            DataIssueReasons.NoUsableTime => "no usable time",
            DataIssueReasons.StatusNotUsable => "a status that does not say whether it was given",
            _ => CrsCardBuilder.ReasonText(issue.Reason),
        };
        return string.IsNullOrWhiteSpace(issue.Detail) ? $"{what} ({issue.Reason})" : $"{what} ({issue.Reason}): {issue.Detail}";
    }
}
