using CrsCdsHooks.Core.Cards;
using CrsCdsHooks.Core.CdsHooks;
using CrsCdsHooks.Core.Differential;
using CrsCdsHooks.Core.Fhir;
using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Management;
using CrsCdsHooks.Core.Timeline;

using Hl7.Fhir.Model;

namespace CrsCdsHooks.Core;

/// <summary>What the host hands the clinical core for one patient-view call.</summary>
/// <param name="PatientId">context.patientId (resources of any other patient are ignored and reported).</param>
/// <param name="AsOf">The request time, from the host's clock.</param>
/// <param name="Resources">Every resource obtained (prefetch and FHIR server), any type, Bundles already unpacked.</param>
/// <param name="SourceIssues">What the host could not obtain or parse (failed or truncated keys, invalid entries).</param>
/// <param name="PrimarySystem">The request's override of the primary system, if any.</param>
public sealed record PatientViewInput(
    string PatientId,
    DateTimeOffset AsOf,
    IReadOnlyList<Resource> Resources,
    IReadOnlyList<DataIssue> SourceIssues,
    GradingSystem? PrimarySystem = null);

/// <summary>Everything the core decided for one call, and the response built from it.</summary>
/// <param name="Timeline">What was read.</param>
/// <param name="Assessment">The CRS assessment.</param>
/// <param name="Infection">The infection/sepsis screen.</param>
/// <param name="Anaphylaxis">The anaphylaxis/infusion-reaction screen.</param>
/// <param name="Tocilizumab">Tocilizumab history and dose.</param>
/// <param name="Response">The cards: empty when the patient is not eligible; the one unreadable-infusion card when
/// eligibility is undetermined (<see cref="UnreadableInfusionCardBuilder"/>).</param>
public sealed record CrsEvaluation(
    ClinicalTimeline Timeline,
    CrsAssessment Assessment,
    DifferentialFinding Infection,
    DifferentialFinding Anaphylaxis,
    TocilizumabStatus Tocilizumab,
    CdsServiceResponse Response);

/// <summary>
/// The clinical core's one entry point for the <c>crs-patient-view</c> service:
/// Read (FHIR → timeline) → Grade (three systems) → Screen (infection, anaphylaxis) → Plan → Build cards.
/// Pure and synchronous: time and ids come in as arguments.
/// </summary>
public sealed class CrsPatientView
{
    private readonly CrsOptions _options;

    /// <summary>Creates the evaluator with validated options.</summary>
    public CrsPatientView(CrsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors), nameof(options));
        _options = options;
    }

    /// <summary>Evaluates one patient at <see cref="PatientViewInput.AsOf"/>.</summary>
    /// <remarks>
    /// Cards, in order: CRS (always, for an eligible patient), infection (likely/possible), anaphylaxis
    /// (likely/possible) — CRS-SPEC §7. Ineligible (no CAR-T infusion, or outside the eligibility window) →
    /// <c>{"cards": []}</c>, except when a CAR-T infusion record could not be used in a way that leaves open whether it
    /// was given ([operational], <see cref="UnreadableInfusionCardBuilder"/>): then one card says that eligibility and the
    /// CRS grade are undetermined and which record to check. Issues the host found (failed or truncated keys, unreadable entries) are listed with
    /// the reader's in <c>dataIssues</c> and in the card.
    /// </remarks>
    public CrsEvaluation Evaluate(PatientViewInput input, ICardIdSource ids)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(ids);

        var read = FhirTimelineReader.Read(input.PatientId, input.AsOf, input.Resources);
        var timeline = input.SourceIssues.Count == 0 ? read : read with { Issues = [.. input.SourceIssues, .. read.Issues] };
        var assessment = CrsGrader.Grade(timeline, input.AsOf, _options, input.PrimarySystem ?? _options.PrimarySystem);
        if (!assessment.Eligible)
        {
            var unusable = UnreadableInfusionCardBuilder.FindUnusableInfusions(timeline.Issues, input.AsOf, _options.EligibilityDays);
            var response = unusable.Count == 0
                ? CdsServiceResponse.Empty
                : new CdsServiceResponse([UnreadableInfusionCardBuilder.Build(unusable, timeline, assessment, _options.EligibilityDays, ids)]);
            return new CrsEvaluation(timeline, assessment, DifferentialFinding.None, DifferentialFinding.None, NoTocilizumab, response);
        }

        // [operational] An unusable CAR-T record beside usable ones: the patient is graded, and the CRS card says which
        // record was not used and how it could move T0 (UnreadableInfusionCardBuilder.ReviewNote).
        var unusableBeside = UnreadableInfusionCardBuilder.FindUnusableInfusions(timeline.Issues, input.AsOf, _options.EligibilityDays);
        if (unusableBeside.Count > 0 && assessment.Infusion is { } infusion)
            assessment = assessment with { ReviewNotes = [.. assessment.ReviewNotes, .. unusableBeside.Select(i => UnreadableInfusionCardBuilder.ReviewNote(i, infusion.Start))] };

        var infection = SepsisScreen.Screen(timeline, assessment);
        var anaphylaxis = AnaphylaxisScreen.Screen(timeline, assessment, _options);
        var plan = ManagementPlanner.Plan(input.PatientId, timeline, assessment, ids);
        var extension = AssessmentExtension.Build(assessment, infection, anaphylaxis, plan.Tocilizumab, timeline.Issues);
        var onCard = AssessmentExtension.ToCardExtension(extension);

        var cards = new List<CdsCard>(3) { CrsCardBuilder.Build(assessment, timeline, infection, anaphylaxis, plan, ids, extension) };
        if (InfectionCardBuilder.Build(infection, assessment, timeline, input.PatientId, onCard, ids) is { } infectionCard) cards.Add(infectionCard);
        if (AnaphylaxisCardBuilder.Build(anaphylaxis, assessment, timeline, input.PatientId, onCard, ids) is { } anaphylaxisCard) cards.Add(anaphylaxisCard);

        return new CrsEvaluation(timeline, assessment, infection, anaphylaxis, plan.Tocilizumab, new CdsServiceResponse(cards));
    }

    private static readonly TocilizumabStatus NoTocilizumab = new(0, 0, null, null, null);
}
