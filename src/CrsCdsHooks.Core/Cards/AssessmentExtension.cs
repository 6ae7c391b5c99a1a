using CrsCdsHooks.Core.Differential;
using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Management;
using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Cards;

// The machine-readable assessment carried by every card under extension key "crsCdsHooks.assessment"
// (CRS-SPEC §7). Plain records serialized with CdsJson.Options (camelCase; null members omitted). The extension keeps
// the §7 shape: differential.*.reasons and dataIssues are always present, [] when empty, so a consumer can read them
// without a presence check. The JSON rule "omit empty optionals" (CDS-HOOKS.md) is about the card's own members; this
// object is the value of one extension key and follows §7 instead.
//
// One card carries a reduced object: the unreadable-infusion card (UnreadableInfusionCardBuilder), answered when the patient
// looks ineligible but a CAR-T infusion record could not be used. Nothing was graded or screened, so "crs", "differential"
// and "tocilizumab" are omitted rather than filled with values that would read as findings ("present": false, grade 0,
// "none-found"); "eligibility" says why, and names the records. The members it has keep their §7 shape.

/// <summary>The <c>crsCdsHooks.assessment</c> extension object (CRS-SPEC §7).</summary>
/// <param name="AsOf">The request time, UTC ISO 8601 ("2025-03-04T12:00:00Z").</param>
/// <param name="Infusion">The current CAR-T course; omitted when none is known.</param>
/// <param name="Crs">CRS presence and grades; omitted only when eligibility is undetermined (<see cref="Eligibility"/>).</param>
/// <param name="Differential">The infection and anaphylaxis screens; omitted only when eligibility is undetermined.</param>
/// <param name="Tocilizumab">Tocilizumab history and suggested dose; omitted only when eligibility is undetermined.</param>
/// <param name="DataIssues">Every resource not used (or used with a reported default), and why; [] when none.</param>
public sealed record CdsAssessmentExtension(
    string AsOf,
    CdsInfusionSummary? Infusion,
    CdsCrsSummary? Crs,
    CdsDifferentialSummary? Differential,
    CdsTocilizumabSummary? Tocilizumab,
    IReadOnlyList<CdsDataIssueSummary> DataIssues)
{
    /// <summary>
    /// Present only when eligibility could not be determined (the unreadable-infusion card); omitted for an eligible
    /// patient, whose eligibility the <see cref="Infusion"/> shows.
    /// </summary>
    public CdsEligibilitySummary? Eligibility { get; init; }
}

/// <summary>Why eligibility (a CAR-T infusion within the eligibility window, CRS-SPEC §1) could not be determined.</summary>
/// <param name="Status">"undetermined".</param>
/// <param name="Reason">"car-t-record-unusable": a CAR-T infusion record could not be used.</param>
/// <param name="Resources">The CAR-T records not used ("MedicationAdministration/a1"; a Bundle location when they have no id);
/// each is also in <c>dataIssues</c> with its reason.</param>
public sealed record CdsEligibilitySummary(string Status, string Reason, IReadOnlyList<string> Resources);

/// <summary>The infusion: product, T0 and day after infusion.</summary>
/// <param name="Product">Generic name ("axicabtagene ciloleucel").</param>
/// <param name="Start">T0, UTC ISO 8601.</param>
/// <param name="Day">floor((asOf − T0) / 24 h).</param>
public sealed record CdsInfusionSummary(string Product, string Start, int Day);

/// <summary>CRS presence, the current and peak grades of the three systems, and the fever waiver.</summary>
/// <param name="Present">Fever in the window, or the fever waiver.</param>
/// <param name="PrimarySystem">"astct2019", "lee2014" or "ctcae5".</param>
/// <param name="Current">Current grade and upper bound per system.</param>
/// <param name="Peak">Peak grade since infusion per system.</param>
/// <param name="FeverWaived">No fever in the window and the waiver holds.</param>
public sealed record CdsCrsSummary(bool Present, string PrimarySystem, CdsSystemGrades Current, CdsPeakGrades Peak, bool FeverWaived);

/// <summary>Current grades keyed by the wire names of the systems.</summary>
/// <param name="Astct2019">ASTCT 2019.</param>
/// <param name="Lee2014">Lee 2014.</param>
/// <param name="Ctcae5">CTCAE v5.0.</param>
public sealed record CdsSystemGrades(CdsGradeBound Astct2019, CdsGradeBound Lee2014, CdsGradeBound Ctcae5);

/// <summary>A grade and its upper bound.</summary>
/// <param name="Grade">What the data proves.</param>
/// <param name="UpperBound">What missing or ambiguous data allows.</param>
public sealed record CdsGradeBound(int Grade, int UpperBound);

/// <summary>Peak grades keyed by the wire names of the systems.</summary>
/// <param name="Astct2019">ASTCT 2019.</param>
/// <param name="Lee2014">Lee 2014.</param>
/// <param name="Ctcae5">CTCAE v5.0.</param>
public sealed record CdsPeakGrades(int Astct2019, int Lee2014, int Ctcae5);

/// <summary>The two differential screens.</summary>
/// <param name="Infection">Infection/sepsis.</param>
/// <param name="Anaphylaxis">Anaphylaxis/infusion reaction.</param>
public sealed record CdsDifferentialSummary(CdsFindingSummary Infection, CdsFindingSummary Anaphylaxis);

/// <summary>One screen's level and reason codes.</summary>
/// <param name="Level">"likely", "possible" or "none-found".</param>
/// <param name="Reasons">Kebab-case reason codes; [] when none (CRS-SPEC §7 shows <c>"reasons": []</c>).</param>
public sealed record CdsFindingSummary(string Level, IReadOnlyList<string> Reasons);

/// <summary>Tocilizumab history and the suggested dose (CRS-SPEC §6, §9.24).</summary>
/// <param name="DosesLast24h">Administrations started in the 24 h before asOf.</param>
/// <param name="DosesTotal">Administrations in the current course.</param>
/// <param name="SuggestedDoseMg">Present only when a tocilizumab MedicationRequest is suggested.</param>
public sealed record CdsTocilizumabSummary(int DosesLast24h, int DosesTotal, int? SuggestedDoseMg);

/// <summary>A resource not used, and why.</summary>
/// <param name="Resource">"Observation/t9".</param>
/// <param name="Reason">A <see cref="DataIssueReasons"/> code.</param>
public sealed record CdsDataIssueSummary(string Resource, string Reason);

/// <summary>
/// Builds the <c>crsCdsHooks.assessment</c> extension (CRS-SPEC §7) once per evaluation; the same object goes on every
/// card (CRS, infection, anaphylaxis) through <see cref="ToCardExtension"/>.
/// </summary>
public static class AssessmentExtension
{
    /// <summary>The extension key on every card.</summary>
    public const string Key = "crsCdsHooks.assessment";

    /// <summary><c>eligibility.status</c> of the unreadable-infusion card.</summary>
    public const string UndeterminedStatus = "undetermined";

    /// <summary><c>eligibility.reason</c> of the unreadable-infusion card.</summary>
    public const string CarTRecordUnusableReason = "car-t-record-unusable";

    /// <summary>Builds the extension object of an eligible assessment.</summary>
    /// <param name="assessment">The CRS assessment (must be eligible).</param>
    /// <param name="infection">The infection/sepsis screen.</param>
    /// <param name="anaphylaxis">The anaphylaxis/infusion-reaction screen.</param>
    /// <param name="tocilizumab">Tocilizumab history and dose (from the management plan).</param>
    /// <param name="dataIssues">Every resource not used (the timeline's issues); duplicates are listed once.</param>
    public static CdsAssessmentExtension Build(
        CrsAssessment assessment,
        DifferentialFinding infection,
        DifferentialFinding anaphylaxis,
        TocilizumabStatus tocilizumab,
        IReadOnlyList<DataIssue> dataIssues)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        ArgumentNullException.ThrowIfNull(infection);
        ArgumentNullException.ThrowIfNull(anaphylaxis);
        ArgumentNullException.ThrowIfNull(tocilizumab);
        ArgumentNullException.ThrowIfNull(dataIssues);
        if (!assessment.Eligible) throw new ArgumentException("An ineligible assessment has no cards and no extension.", nameof(assessment));

        var issues = Summaries(dataIssues);

        return new CdsAssessmentExtension(
            ClinicalText.IsoUtc(assessment.AsOf),
            assessment.Infusion is { } inf ? new CdsInfusionSummary(inf.Product.GenericName(), ClinicalText.IsoUtc(inf.Start), inf.Day) : null,
            new CdsCrsSummary(
                assessment.Present,
                ClinicalText.WireName(assessment.PrimarySystem),
                new CdsSystemGrades(Bound(assessment, GradingSystem.Astct2019), Bound(assessment, GradingSystem.Lee2014), Bound(assessment, GradingSystem.CtcaeV5)),
                new CdsPeakGrades(Peak(assessment, GradingSystem.Astct2019), Peak(assessment, GradingSystem.Lee2014), Peak(assessment, GradingSystem.CtcaeV5)),
                assessment.FeverWaived),
            new CdsDifferentialSummary(Finding(infection), Finding(anaphylaxis)),
            new CdsTocilizumabSummary(tocilizumab.DosesLast24h, tocilizumab.DosesTotal, tocilizumab.SuggestedDoseMg),
            issues);
    }

    /// <summary>
    /// Builds the reduced extension of the unreadable-infusion card: asOf, <c>eligibility</c> undetermined with the CAR-T
    /// records that could not be used, and every data issue; no infusion, <c>crs</c>, <c>differential</c> or
    /// <c>tocilizumab</c> (nothing was graded or screened).
    /// </summary>
    /// <param name="asOf">The request time.</param>
    /// <param name="carTRecords">The CAR-T records that could not be used (issues with <see cref="DataIssue.CarTRecord"/>).</param>
    /// <param name="dataIssues">Every resource not used (the timeline's issues); duplicates are listed once.</param>
    public static CdsAssessmentExtension BuildUndetermined(DateTimeOffset asOf, IReadOnlyList<DataIssue> carTRecords, IReadOnlyList<DataIssue> dataIssues)
    {
        ArgumentNullException.ThrowIfNull(carTRecords);
        ArgumentNullException.ThrowIfNull(dataIssues);
        if (carTRecords.Count == 0) throw new ArgumentException("Eligibility is undetermined only because of a CAR-T record.", nameof(carTRecords));

        return new CdsAssessmentExtension(ClinicalText.IsoUtc(asOf), null, null, null, null, Summaries(dataIssues))
        {
            Eligibility = new CdsEligibilitySummary(
                UndeterminedStatus,
                CarTRecordUnusableReason,
                carTRecords.Select(i => i.Resource).Distinct(StringComparer.Ordinal).ToList()),
        };
    }

    /// <summary>The card's <c>extension</c> member: <c>{"crsCdsHooks.assessment": {...}}</c>.</summary>
    public static IReadOnlyDictionary<string, object> ToCardExtension(CdsAssessmentExtension extension)
    {
        ArgumentNullException.ThrowIfNull(extension);
        return new Dictionary<string, object>(StringComparer.Ordinal) { [Key] = extension };
    }

    /// <summary>The wire name of a level: "likely", "possible", "none-found".</summary>
    public static string LevelName(FindingLevel level) => level switch
    {
        FindingLevel.Likely => "likely",
        FindingLevel.Possible => "possible",
        _ => "none-found",
    };

    private static List<CdsDataIssueSummary> Summaries(IReadOnlyList<DataIssue> dataIssues) =>
        dataIssues.Select(i => new CdsDataIssueSummary(i.Resource, i.Reason)).Distinct().ToList();

    private static CdsGradeBound Bound(CrsAssessment a, GradingSystem system) =>
        a.Current.TryGetValue(system, out var g) ? new CdsGradeBound(g.Grade, g.UpperBound) : throw new ArgumentException($"The assessment has no {system} grade.", nameof(a));

    private static int Peak(CrsAssessment a, GradingSystem system) =>
        a.Peak.TryGetValue(system, out var p) ? p : throw new ArgumentException($"The assessment has no {system} peak.", nameof(a));

    private static CdsFindingSummary Finding(DifferentialFinding f) =>
        new(LevelName(f.Level), f.Reasons.Distinct(StringComparer.Ordinal).ToList());
}
