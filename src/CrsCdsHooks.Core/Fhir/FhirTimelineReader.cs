using CrsCdsHooks.Core.Timeline;

using Hl7.Fhir.Model;

namespace CrsCdsHooks.Core.Fhir;

/// <summary>
/// Reads FHIR R4 resources into a <see cref="ClinicalTimeline"/> in clinical units (CRS-SPEC §2, §8, §9).
/// Firely types stop here: everything downstream works on the timeline.
/// </summary>
/// <remarks>
/// <para>A pure, stateless function (a static class): no clock, no I/O, safe to call concurrently.</para>
/// <para>Every input resource is either represented in the timeline (its "Type/id" is the
/// <c>Source</c>/<c>Sources</c> of an entry, or the <see cref="PatientFacts.Source"/>) or listed in
/// <see cref="ClinicalTimeline.Issues"/> with a reason from <see cref="DataIssueReasons"/>; a resource that is
/// used in part (a blood-pressure panel with an implausible diastolic) may appear in both. Medications
/// are represented through the administrations that reference them; a Medication no accepted
/// administration refers to is reported as <see cref="DataIssueReasons.NotReferenced"/>. Bundles are
/// unpacked (entries, nested up to 3 levels) and are not themselves reported. A resource without an id is
/// named "Observation/(no id)#12", where 12 is its position among the unpacked input resources.</para>
/// <para>The reader never throws on odd data: null members, wrong primitive values (Firely keeps the raw
/// literal and its typed getters throw; the reader reads the raw literal), empty codings, absurd or
/// overflowing numbers. Should anything unforeseen still fail inside one resource, that resource alone is
/// reported as <see cref="DataIssueReasons.NotValidFhir"/> ("could not be read").</para>
/// <para>Order of checks per resource: subject (another patient → other-patient), status, time (no usable
/// time; more than 5 minutes after asOf → time-after-request, CRS-SPEC §9.2), then content. Entry lists are
/// sorted by time (then source); issues keep input order (unreferenced Medications come last).</para>
/// </remarks>
public static class FhirTimelineReader
{
    /// <summary>Data timed up to this long after asOf is accepted (clock skew, CRS-SPEC §9.2).</summary>
    public static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Reads <paramref name="resources"/> for <paramref name="patientId"/> as of <paramref name="asOf"/>.
    /// </summary>
    /// <param name="patientId">context.patientId: resources naming another patient are ignored and reported.</param>
    /// <param name="asOf">The request time; data timed more than 5 minutes later is ignored and reported.</param>
    /// <param name="resources">Every resource obtained, any type and order; Bundles are unpacked; null items are reported.</param>
    /// <exception cref="ArgumentException"><paramref name="patientId"/> is null, empty or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="resources"/> is null.</exception>
    public static ClinicalTimeline Read(string patientId, DateTimeOffset asOf, IEnumerable<Resource> resources)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(patientId);
        ArgumentNullException.ThrowIfNull(resources);
        return new TimelineReading(patientId, asOf).Read(resources);
    }
}
