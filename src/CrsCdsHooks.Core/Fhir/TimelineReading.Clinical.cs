using CrsCdsHooks.Core.Terminology;
using CrsCdsHooks.Core.Timeline;

using Hl7.Fhir.Model;

namespace CrsCdsHooks.Core.Fhir;

// Procedure (CAR-T infusion, oxygen support), Condition (findings), AllergyIntolerance (drug allergies).
internal sealed partial class TimelineReading
{
    private static readonly HashSet<string> NotGivenProcedureStatuses = new(StringComparer.Ordinal) { "not-done", "on-hold", "entered-in-error", "preparation" };
    private static readonly HashSet<string> ActiveClinicalStatuses = new(StringComparer.Ordinal) { "active", "recurrence", "relapse" };
    private static readonly HashSet<string> RejectedVerificationStatuses = new(StringComparer.Ordinal) { "refuted", "entered-in-error" };
    private static readonly string[] NoKnownAllergyPhrases =
        [.. new[] { "no known allergies", "no known allergy", "no known drug allergies", "no known drug allergy", "nkda", "nka", "no allergies" }
            .Select(WholeWords.Normalize)];

    /// <summary>
    /// A Procedure: a CAR-T infusion (CRS-SPEC §9.1, §9.33: text or code says infusion/administration and
    /// names a product or CAR-T; leukapheresis never counts) or oxygen support (a §8.3 SNOMED code or the
    /// text fallback; a period counts whole, §9.34). Status completed or in-progress (§2).
    /// </summary>
    /// <remarks>
    /// [operational] An in-progress oxygen Procedure with no end (performedDateTime, or a period without an
    /// end) is open: it runs to asOf. A completed one without an end counts at its start.
    /// </remarks>
    private void ReadProcedure(Procedure procedure, string name)
    {
        if (RejectOtherPatient(procedure.Subject, name)) return;
        var status = FhirValues.Text(procedure.StatusElement);
        var text = FhirValues.JoinedText(procedure.Code);
        var isCarT = CarTProductCodes.TryMatchInfusionProcedure(text, out var product);

        if (status is not ("completed" or "in-progress"))
        {
            // Not given (not-done, on-hold, entered-in-error) or not yet (preparation); anything else — stopped, unknown,
            // none, a code outside the value set — leaves open whether a CAR-T product ran (DataIssue.CarTRecord).
            var mayHaveRun = !NotGivenProcedureStatuses.Contains(status ?? "");
            _issues.Add(new DataIssue(name, DataIssueReasons.StatusNotUsable, $"status '{Short(status) ?? "(none)"}' is not used")
            {
                CarTRecord = isCarT && mayHaveRun ? new UnusableCarTRecord("Procedure", RecordedStart(procedure.Performed)) : null,
            });
            return;
        }

        if (!FhirTime.TryReadInterval(procedure.Performed, out var start, out var end, out var isPeriod, out var problem))
        {
            if (!isCarT || !TryDateOnly(procedure.Performed, out start))
            {
                _issues.Add(new DataIssue(name, DataIssueReasons.NoUsableTime, problem)
                {
                    CarTRecord = isCarT ? new UnusableCarTRecord("Procedure", null) : null,
                });
                return;
            }
            NoteDateOnlyInfusion(name, start);
        }
        if (!AcceptTime(start, name)) return;

        var running = status == "in-progress" ? AdministrationStatus.InProgress : AdministrationStatus.Completed;
        if (isCarT)
        {
            _infusions.Add(new CarTInfusion(name, product, start, running));
            return;
        }

        OxygenDevice? device = null;
        string? deviceText = null;
        if (TryCodedDevice(procedure.Code, out var coded, out var codedText))
        {
            device = coded;
            deviceText = codedText;
        }
        else if (OxygenDeviceCodes.TryFromText(text, out var fromText))
        {
            device = fromText;
            deviceText = Short(text);
        }
        if (device is null)
        {
            Issue(name, DataIssueReasons.CodeNotRecognised, $"{FhirValues.DescribeCode(procedure.Code)} is not a CAR-T infusion or oxygen support");
            if (WholeWords.Contains(text, "oxygen"))
                _notes.Add($"{name}: oxygen therapy recorded without a recognisable device or flow: review oxygen support.");
            return;
        }

        DateTimeOffset? until = isPeriod ? end : start;
        if (until is null && running == AdministrationStatus.Completed) until = start;
        if (!isPeriod && running == AdministrationStatus.InProgress) until = null;
        _oxygenFacts.Add(new OxygenFact(name, start, until, device, null, null, deviceText));
    }

    /// <summary>
    /// A Condition: a finding of CRS-SPEC §5 by SNOMED code or text (§9.22), when clinicalStatus is
    /// active/recurrence/relapse (or absent) and verificationStatus is not refuted/entered-in-error (§9.3).
    /// </summary>
    /// <remarks>
    /// Time (§9.2): onset[x] (dateTime, or a period's start), else recordedDate. [operational] When neither
    /// gives a time with a zone, a date-only onset (else recordedDate) is taken at the start of that day
    /// (UTC): an active sepsis diagnosis must not vanish for want of a clock time.
    /// </remarks>
    private void ReadCondition(Condition condition, string name)
    {
        if (RejectOtherPatient(condition.Subject, name)) return;
        if (!IsActive(condition.ClinicalStatus, condition.VerificationStatus, out var why))
        {
            Issue(name, DataIssueReasons.NotActive, why);
            return;
        }
        if (!TryConditionTime(condition, out var time))
        {
            Issue(name, DataIssueReasons.NoUsableTime, "neither onset nor recordedDate gives a date");
            return;
        }
        if (!AcceptTime(time, name)) return;

        var kinds = new List<FindingKind>();
        foreach (var code in FhirValues.SnomedCodes(condition.Code))
        {
            if (FindingCodes.TryFromSnomed(code, out var kind) && !kinds.Contains(kind)) kinds.Add(kind);
        }
        foreach (var kind in FindingCodes.FromText(FhirValues.JoinedText(condition.Code)))
        {
            if (!kinds.Contains(kind)) kinds.Add(kind);
        }
        if (kinds.Count == 0)
        {
            Issue(name, DataIssueReasons.CodeNotRecognised, $"{FhirValues.DescribeCode(condition.Code)} is not a finding of CRS-SPEC §5");
            return;
        }
        foreach (var kind in kinds) _findings.Add(new ClinicalFinding(name, kind, time));
    }

    private static bool TryConditionTime(Condition condition, out DateTimeOffset time)
    {
        if (FhirTime.TryReadInterval(condition.Onset, out time, out _, out _, out _)) return true;
        var recorded = FhirTime.Read(condition.RecordedDateElement);
        if (recorded.IsInstant)
        {
            time = recorded.Earliest;
            return true;
        }
        if (TryDateOnly(condition.Onset, out time)) return true;
        if (recorded.Precision is TimePrecision.Day or TimePrecision.TimeWithoutZone)
        {
            time = new DateTimeOffset(recorded.Earliest.UtcDateTime.Date, TimeSpan.Zero);
            return true;
        }
        return false;
    }

    /// <summary>
    /// An active AllergyIntolerance (CRS-SPEC §9.3: clinicalStatus active or absent, verification not
    /// refuted/entered-in-error) to a drug or biologic. Its reactions are history, never current signs.
    /// </summary>
    /// <remarks>
    /// [operational] An allergy whose categories are all food/environment is not a drug allergy
    /// (not-drug-allergy); one without a category is kept. "No known (drug) allergies" statements
    /// (SNOMED 409137002, 716186003, or such text) are not allergies (code-not-recognised).
    /// </remarks>
    private void ReadAllergy(AllergyIntolerance allergy, string name)
    {
        if (RejectOtherPatient(allergy.Patient, name)) return;
        if (!IsActive(allergy.ClinicalStatus, allergy.VerificationStatus, out var why, allergyRules: true))
        {
            Issue(name, DataIssueReasons.NotActive, why);
            return;
        }
        var categories = allergy.CategoryElement.Where(c => c is not null).Select(c => FhirValues.Text(c)).OfType<string>().ToList();
        if (categories.Count > 0 && !categories.Any(c => c is "medication" or "biologic"))
        {
            Issue(name, DataIssueReasons.NotDrugAllergy, $"category {string.Join(", ", categories.Select(Short))}");
            return;
        }
        var names = FhirValues.Texts(allergy.Code);
        var rxNorm = FhirValues.CodesIn(allergy.Code, CodeSystems.RxNorm).Distinct(StringComparer.Ordinal).ToList();
        if (FhirValues.SnomedCodes(allergy.Code).Any(c => c is Snomed.NoKnownDrugAllergy or Snomed.NoKnownAllergy)
            || names.Any(n => NoKnownAllergyPhrases.Any(p => WholeWords.ContainsNormalized(WholeWords.Normalize(n), p))))
        {
            Issue(name, DataIssueReasons.CodeNotRecognised, "a no-known-allergy statement, not an allergy");
            return;
        }
        if (names.Count == 0 && rxNorm.Count == 0)
        {
            Issue(name, DataIssueReasons.NoValue, "the substance is not identified (no name or RxNorm code)");
            return;
        }
        _allergies.Add(new DrugAllergy(name, names.FirstOrDefault() ?? $"RxNorm {rxNorm[0]}", names, rxNorm));
    }

    private static bool IsActive(CodeableConcept? clinical, CodeableConcept? verification, out string why, bool allergyRules = false)
    {
        why = "";
        var clinicalCodes = StatusCodes(clinical);
        if (clinicalCodes.Count > 0)
        {
            var active = allergyRules ? clinicalCodes.Contains("active") : clinicalCodes.Any(ActiveClinicalStatuses.Contains);
            if (!active)
            {
                why = $"clinicalStatus '{Short(clinicalCodes[0])}'";
                return false;
            }
        }
        var verificationCodes = StatusCodes(verification);
        if (verificationCodes.Any(RejectedVerificationStatuses.Contains))
        {
            why = $"verificationStatus '{verificationCodes.First(RejectedVerificationStatuses.Contains)}'";
            return false;
        }
        return true;
    }

    /// <summary>The status codes of a concept (codes, else its text in lower case).</summary>
    private static List<string> StatusCodes(CodeableConcept? concept)
    {
        var codes = FhirValues.Codings(concept).Select(FhirValues.Code).OfType<string>().Select(c => c.ToLowerInvariant()).ToList();
        if (codes.Count == 0 && FhirValues.Text(concept) is { } text) codes.Add(text.ToLowerInvariant());
        return codes;
    }
}
