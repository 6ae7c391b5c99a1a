using CrsCdsHooks.Core.Terminology;
using CrsCdsHooks.Core.Timeline;

using Hl7.Fhir.Model;

namespace CrsCdsHooks.Core.Fhir;

/// <summary>One call of <see cref="FhirTimelineReader.Read"/>: the state gathered while reading.</summary>
internal sealed partial class TimelineReading
{
    private const int MaxBundleDepth = 3;

    private readonly string _patientId;
    private readonly string? _plainPatientReference;
    private readonly DateTimeOffset _asOf;
    private readonly DateTimeOffset _latestAccepted;

    // Input order; an item may carry the issue found while unpacking (a null entry, a duplicate) instead of a resource.
    private readonly List<(Resource? Resource, string Name, DataIssue? Issue)> _items = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Resource> _fullUrls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Medication> _medications = new(StringComparer.Ordinal);
    private readonly HashSet<Medication> _usedMedications = new(ReferenceEqualityComparer.Instance);

    private PatientFacts _patient = PatientFacts.Unknown;
    private readonly List<CarTInfusion> _infusions = [];
    private readonly List<BodyTemperature> _temperatures = [];
    private readonly List<ArterialPressure> _pressures = [];
    private readonly List<OxygenFact> _oxygenFacts = [];
    private readonly List<OxygenSaturation> _saturations = [];
    private readonly List<OtherVitalSign> _otherVitals = [];
    private readonly List<BodyWeight> _weights = [];
    private readonly List<DrugAdministration> _drugs = [];
    private readonly List<LabResult> _labs = [];
    private readonly List<BloodCulture> _cultures = [];
    private readonly List<ClinicalFinding> _findings = [];
    private readonly List<DrugAllergy> _allergies = [];
    private readonly List<DataIssue> _issues = [];
    private readonly List<string> _notes = [];

    public TimelineReading(string patientId, DateTimeOffset asOf)
    {
        _patientId = patientId;
        // Only for an id FhirReferences.TryParse would read back unchanged from "Patient/<id>".
        _plainPatientReference = patientId.AsSpan().IndexOfAny('/', '?', '#') < 0 && patientId != "_history" && patientId.Trim() == patientId
            ? "Patient/" + patientId
            : null;
        _asOf = asOf;
        _latestAccepted = asOf + FhirTimelineReader.ClockSkewAllowance;
    }

    public ClinicalTimeline Read(IEnumerable<Resource> resources)
    {
        var position = 0;
        foreach (var resource in resources)
        {
            var count = _items.Count;
            try
            {
                Collect(resource, ref position, 0, null);
            }
#pragma warning disable CA1031 // Unpacking one odd resource must not fail the call.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _items.RemoveRange(count, _items.Count - count);
                var at = $"(unreadable)#{position++}";
                _items.Add((null, at, new DataIssue(at, DataIssueReasons.NotValidFhir, $"could not be unpacked ({ex.GetType().Name})")));
            }
        }

        foreach (var (resource, name, _) in _items)
        {
            if (resource is Medication medication && FhirValues.Id(medication) is { } id)
                _medications.TryAdd(id, medication);
        }

        foreach (var (resource, name, collected) in _items)
        {
            if (collected is not null) _issues.Add(collected);
            if (resource is null or Medication) continue;
            try
            {
                Dispatch(resource, name);
            }
#pragma warning disable CA1031 // One unforeseen failure must cost only its own resource (the reader never throws on odd data).
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _issues.Add(new DataIssue(name, DataIssueReasons.NotValidFhir, $"could not be read ({ex.GetType().Name})") { CarTRecord = CarTRecordOf(resource) });
            }
        }

        foreach (var (resource, name, _) in _items)
        {
            if (resource is not Medication medication) continue;
            if (!_usedMedications.Contains(medication))
                Issue(name, DataIssueReasons.NotReferenced, "no accepted MedicationAdministration refers to this Medication");
        }

        var oxygen = OxygenEvents.Merge(_oxygenFacts);
        var tracheostomyNotes = oxygen
            .Where(e => e.Device == OxygenDevice.TracheostomyTube)
            .Select(e => $"{string.Join(", ", e.Sources)}: tracheostomy tube recorded without an oxygen device: review oxygen support (CRS-SPEC §9.9).");
        return new ClinicalTimeline
        {
            Patient = _patient,
            Infusions = [.. _infusions.OrderBy(i => i.Start).ThenBy(i => i.Source, StringComparer.Ordinal)],
            Temperatures = [.. _temperatures.OrderBy(t => t.Time).ThenBy(t => t.Source, StringComparer.Ordinal)],
            Pressures = [.. _pressures.OrderBy(p => p.Time).ThenBy(p => p.Source, StringComparer.Ordinal)],
            Oxygen = oxygen,
            Saturations = [.. _saturations.OrderBy(s => s.Time).ThenBy(s => s.Source, StringComparer.Ordinal)],
            OtherVitals = [.. _otherVitals.OrderBy(v => v.Time).ThenBy(v => v.Source, StringComparer.Ordinal)],
            Weights = [.. _weights.OrderBy(w => w.Time).ThenBy(w => w.Source, StringComparer.Ordinal)],
            Drugs = [.. _drugs.OrderBy(d => d.When.Start).ThenBy(d => d.Source, StringComparer.Ordinal)],
            Labs = [.. _labs.OrderBy(l => l.Time).ThenBy(l => l.Source, StringComparer.Ordinal)],
            Cultures = [.. _cultures.OrderBy(c => c.Collected).ThenBy(c => c.Source, StringComparer.Ordinal)],
            Findings = [.. _findings.OrderBy(f => f.Time).ThenBy(f => f.Source, StringComparer.Ordinal).ThenBy(f => f.Kind)],
            Allergies = [.. _allergies],
            Issues = [.. _issues],
            ReviewNotes = [.. tracheostomyNotes, .. _notes],
        };
    }

    private void Collect(Resource? resource, ref int position, int depth, string? container)
    {
        if (resource is null)
        {
            var at = container ?? $"(null)#{position}";
            _items.Add((null, at, new DataIssue(at, DataIssueReasons.NotValidFhir, "an empty entry (no resource)")));
            position++;
            return;
        }
        if (resource is Bundle bundle)
        {
            var bundleName = $"Bundle/{FhirValues.Id(bundle) ?? $"(no id)#{position}"}";
            if (depth >= MaxBundleDepth)
            {
                _items.Add((null, bundleName, new DataIssue(bundleName, DataIssueReasons.UnexpectedResourceType, "Bundles nested deeper than 3 levels are not read")));
                position++;
                return;
            }
            var entries = bundle.Entry;
            for (var i = 0; i < entries.Count; i++)
            {
                var entry = entries[i];
                var fullUrl = entry is null ? null : FhirValues.Text(entry.FullUrlElement);
                if (fullUrl is not null && entry?.Resource is { } r) _fullUrls.TryAdd(fullUrl, r);
            }
            for (var i = 0; i < entries.Count; i++)
                Collect(entries[i]?.Resource, ref position, depth + 1, $"{bundleName}/entry[{i}]");
            return;
        }

        var id = FhirValues.Id(resource);
        var name = id is null ? $"{resource.TypeName}/(no id)#{position}" : $"{resource.TypeName}/{id}";
        position++;
        if (id is not null && !_seen.Add(name))
        {
            _items.Add((null, name, new DataIssue(name, DataIssueReasons.Duplicate, "the same resource arrived more than once; the later copy is ignored")));
            return;
        }
        _items.Add((resource, name, null));
    }

    private void Dispatch(Resource resource, string name)
    {
        switch (resource)
        {
            case Patient patient: ReadPatient(patient, name); break;
            case Observation observation: ReadObservation(observation, name); break;
            case MedicationAdministration administration: ReadAdministration(administration, name); break;
            case Procedure procedure: ReadProcedure(procedure, name); break;
            case Condition condition: ReadCondition(condition, name); break;
            case AllergyIntolerance allergy: ReadAllergy(allergy, name); break;
            default:
                Issue(name, DataIssueReasons.UnexpectedResourceType, $"a {resource.TypeName} is not read by this service");
                break;
        }
    }

    /// <summary>
    /// For a resource whose reading failed unexpectedly: the CAR-T record it names, when its status, medication or code
    /// can still be read (the rules of <see cref="ReadAdministration"/> and <see cref="ReadProcedure"/>); else null.
    /// </summary>
    private UnusableCarTRecord? CarTRecordOf(Resource resource)
    {
        try
        {
            switch (resource)
            {
                case MedicationAdministration ma when !NotGivenAdministrationStatuses.Contains(FhirValues.Text(ma.StatusElement) ?? "")
                    && Classify(Identify(ma)).Product is not null:
                    return new UnusableCarTRecord("MedicationAdministration", RecordedStart(ma.Effective));
                case Procedure procedure when !NotGivenProcedureStatuses.Contains(FhirValues.Text(procedure.StatusElement) ?? "")
                    && CarTProductCodes.TryMatchInfusionProcedure(FhirValues.JoinedText(procedure.Code), out _):
                    return new UnusableCarTRecord("Procedure", RecordedStart(procedure.Performed));
                default:
                    return null;
            }
        }
#pragma warning disable CA1031 // Already failing: what cannot be read here is simply not recognised as CAR-T.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    private void Issue(string resource, string reason, string? detail)
    {
        if (reason is DataIssueReasons.UnitNotConvertible or DataIssueReasons.RateNotConvertible && Units.LoadProblem is { } problem)
            detail = $"{detail} ({problem})";
        _issues.Add(new DataIssue(resource, reason, detail));
    }

    /// <summary>
    /// True (and reported) when <paramref name="subject"/> names another patient than context.patientId.
    /// </summary>
    /// <remarks>
    /// [operational] An absent subject is accepted (prefetch and FHIR queries are patient-scoped). A
    /// reference that cannot be resolved here — identifier or display only, a contained "#x", or a urn: that
    /// no Bundle entry's fullUrl names — is accepted for the same reason: it does not name another patient.
    /// A urn: naming a Bundle entry is resolved through the entry. A subject of another type (Group, Device,
    /// Location) is not this patient and is reported as other-patient. A bare id is compared as a Patient id.
    /// </remarks>
    private bool RejectOtherPatient(ResourceReference? subject, string name)
    {
        var reference = FhirValues.Reference(subject);
        if (reference is null) return false;
        // Nearly every resource names the patient as "Patient/<id>": that is what FhirReferences would find too.
        if (_plainPatientReference is not null && string.Equals(reference, _plainPatientReference, StringComparison.Ordinal)) return false;
        ReferenceTarget target;
        if (reference.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
        {
            if (!_fullUrls.TryGetValue(reference.Trim(), out var entry) || FhirValues.Id(entry) is not { } entryId) return false;
            target = new ReferenceTarget(entry.TypeName, entryId);
        }
        else if (!FhirReferences.TryParse(reference, out target))
        {
            return false;
        }

        if (target.Type is null or "Patient")
        {
            if (string.Equals(target.Id, _patientId, StringComparison.Ordinal)) return false;
            Issue(name, DataIssueReasons.OtherPatient, "the subject is another patient than context.patientId");
            return true;
        }
        Issue(name, DataIssueReasons.OtherPatient, $"the subject is a {Short(target.Type)}, not the patient");
        return true;
    }

    /// <summary>Reads the time of effective[x]/performed[x]; reports and returns false when unusable or after asOf + 5 min.</summary>
    private bool TryTime(DataType? value, string name, out DateTimeOffset start, out DateTimeOffset? end, out bool isPeriod)
    {
        if (!FhirTime.TryReadInterval(value, out start, out end, out isPeriod, out var problem))
        {
            Issue(name, DataIssueReasons.NoUsableTime, problem);
            return false;
        }
        return AcceptTime(start, name);
    }

    private bool AcceptTime(DateTimeOffset start, string name)
    {
        if (start <= _latestAccepted) return true;
        Issue(name, DataIssueReasons.TimeAfterRequest, "timed more than 5 minutes after the request (clock skew)");
        return false;
    }

    private void ReadPatient(Patient patient, string name)
    {
        var id = FhirValues.Id(patient);
        if (!string.Equals(id, _patientId, StringComparison.Ordinal))
        {
            Issue(name, DataIssueReasons.OtherPatient, id is null
                ? "a Patient without an id cannot be matched to context.patientId"
                : "a Patient other than context.patientId");
            return;
        }
        DateOnly? born = null;
        if (patient.BirthDateElement is { } birth)
        {
            var t = FhirTime.Read(birth);
            if (!t.HasDate)
                Issue(name, DataIssueReasons.NoValue, "birthDate is not a valid date: adult thresholds apply");
            else if (t.Earliest > _asOf)
                Issue(name, DataIssueReasons.ImplausibleValue, "birthDate is after the request time: adult thresholds apply");
            else
                born = DateOnly.FromDateTime(t.Earliest.UtcDateTime); // partial dates: the earliest day (CRS-SPEC §9.4)
        }
        else
        {
            // CRS-SPEC §3: no birth date → adult thresholds, reported as a data issue; the Patient is still used.
            Issue(name, DataIssueReasons.BirthDateMissing, "no birthDate: adult hypotension thresholds apply; the Patient is still used");
        }
        _patient = new PatientFacts(name, born);
    }

    /// <summary>A value cut to 40 characters for an issue detail (details carry no more than a short code or unit).</summary>
    private static string? Short(string? s) => s is null ? null : s.Length <= 40 ? s : s[..40] + "…";
}
