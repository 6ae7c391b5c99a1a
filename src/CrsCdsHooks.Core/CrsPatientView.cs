using CrsCdsHooks.Core.Cards;
using CrsCdsHooks.Core.CdsHooks;
using CrsCdsHooks.Core.Differential;
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
/// <param name="Response">The cards (empty when the patient is not eligible).</param>
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
    public CrsEvaluation Evaluate(PatientViewInput input, ICardIdSource ids)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(ids);
        _ = _options;
        throw new NotImplementedException("Wired when the reader, graders and card builder land.");
    }
}
