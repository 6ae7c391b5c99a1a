using CrsCdsHooks.Core.Terminology;
using CrsCdsHooks.Core.Timeline;

using Hl7.Fhir.Model;

namespace CrsCdsHooks.Core.Fhir;

// MedicationAdministration (+ contained/referenced Medication): §8.2 drugs, other drugs, CAR-T products.
internal sealed partial class TimelineReading
{
    private static readonly string[] NonSystemicWords =
        [.. new[] { "topical", "cutaneous", "transdermal", "ophthalmic", "intraocular", "intravitreal", "subconjunctival", "otic",
            "auricular", "nasal", "intranasal", "inhalation", "inhaled", "inhaler", "nebulized", "nebulised", "nebulizer", "nebuliser",
            "respiratory tract", "infiltration", "local", "perineural", "intradermal", "cream", "ointment", "lotion", "gel", "foam",
            "eye drops", "eye drop", "ear drops", "ear drop", "nasal spray" }.Select(WholeWords.Normalize)];

    // Deliberately not given, or recorded in error: a CAR-T product with these was not infused (DataIssue.CarTRecord).
    private static readonly HashSet<string> NotGivenAdministrationStatuses = new(StringComparer.Ordinal) { "not-done", "entered-in-error", "on-hold" };

    // SNOMED CT routes: topical, ophthalmic, otic, nasal, transdermal, respiratory tract.
    private static readonly HashSet<string> NonSystemicRouteCodes = new(StringComparer.Ordinal)
        { "6064005", "54485002", "10547007", "46713006", "45890007", "447694001" };

    /// <summary>What a MedicationAdministration says it gave: names, RxNorm and NDC codes, from every place they can be.</summary>
    private sealed class MedicationIdentity
    {
        public List<string> Names { get; } = [];
        public List<string> RxNorm { get; } = [];
        public List<string> Ndc { get; } = [];
        public List<string> Forms { get; } = [];
        public Medication? Referenced { get; set; }

        public void Add(CodeableConcept? concept)
        {
            foreach (var text in FhirValues.Texts(concept)) FhirValues.AddDistinct(Names, text);
            foreach (var code in FhirValues.CodesIn(concept, CodeSystems.RxNorm)) FhirValues.AddDistinct(RxNorm, code);
            foreach (var code in FhirValues.CodesIn(concept, CodeSystems.Ndc)) FhirValues.AddDistinct(Ndc, code);
        }
    }

    private void ReadAdministration(MedicationAdministration ma, string name)
    {
        if (RejectOtherPatient(ma.Subject, name)) return;
        var statusText = FhirValues.Text(ma.StatusElement);
        AdministrationStatus status;
        switch (statusText)
        {
            case "completed": status = AdministrationStatus.Completed; break;
            case "in-progress": status = AdministrationStatus.InProgress; break;
            case "stopped": status = AdministrationStatus.Stopped; break;
            case { } given when NotGivenAdministrationStatuses.Contains(given):
                Issue(name, DataIssueReasons.StatusNotUsable, $"status '{given}' is not used");
                return;
            default:
                // unknown, none, or a code outside the value set: given or not cannot be told (DataIssue.CarTRecord).
                var carT = Classify(Identify(ma)).Product is not null ? new UnusableCarTRecord("MedicationAdministration", RecordedStart(ma.Effective)) : null;
                _issues.Add(new DataIssue(name, DataIssueReasons.StatusNotUsable, $"status '{Short(statusText) ?? "(none)"}' is not used") { CarTRecord = carT });
                return;
        }

        var identity = Identify(ma);
        var (drug, product) = Classify(identity);

        if (!FhirTime.TryReadInterval(ma.Effective, out var start, out var end, out var isPeriod, out var problem))
        {
            if (product is null || !TryDateOnly(ma.Effective, out start))
            {
                _issues.Add(new DataIssue(name, DataIssueReasons.NoUsableTime, problem)
                {
                    CarTRecord = product is null ? null : new UnusableCarTRecord("MedicationAdministration", null),
                });
                return;
            }
            end = null;
            isPeriod = false;
            NoteDateOnlyInfusion(name, start);
        }
        if (!AcceptTime(start, name)) return;

        if (product is { } p)
        {
            _infusions.Add(new CarTInfusion(name, p, start, status));
            MarkUsed(identity);
            return;
        }
        if (identity.Names.Count == 0 && identity.RxNorm.Count == 0)
        {
            Issue(name, DataIssueReasons.NoValue, "the medication is not identified (no code, name or resolvable Medication)");
            return;
        }

        if (drug is not null && (IsNonSystemic(ma, identity) || IsLocalAnaestheticAdjunct(drug.Value, identity)))
            drug = null;

        var rate = ReadInfusionRate(ma, drug, name);
        RecordedValue? dose = null;
        if (ma.Dosage?.Dose is { } doseQuantity && FhirValues.Number(doseQuantity.ValueElement) is { } doseValue)
            dose = new RecordedValue(doseValue, FhirValues.Text(doseQuantity.CodeElement) ?? FhirValues.Text(doseQuantity.UnitElement));

        var display = identity.Names.FirstOrDefault() ?? drug?.GenericName() ?? $"RxNorm {identity.RxNorm.FirstOrDefault()}";
        _drugs.Add(new DrugAdministration(
            name,
            drug,
            display,
            [.. identity.Names],
            [.. identity.RxNorm],
            isPeriod ? new TimeInterval(start, end) : TimeInterval.At(start),
            status,
            rate,
            dose)
        {
            IsMonoclonalAntibody = drug is Drug.Tocilizumab or Drug.Siltuximab || identity.Names.Any(DrugCodes.NamesMonoclonalAntibody),
            InjectionRoute = InjectionRoute(ma),
        });
        MarkUsed(identity);
    }

    private void MarkUsed(MedicationIdentity identity)
    {
        if (identity.Referenced is { } medication) _usedMedications.Add(medication);
    }

    private MedicationIdentity Identify(MedicationAdministration ma)
    {
        var identity = new MedicationIdentity();
        switch (ma.Medication)
        {
            case CodeableConcept concept:
                identity.Add(concept);
                break;
            case ResourceReference reference:
                FhirValues.AddDistinct(identity.Names, FhirValues.Text(reference.DisplayElement));
                if (Resolve(reference, ma, identity) is { } medication)
                {
                    identity.Add(medication.Code);
                    identity.Forms.AddRange(FhirValues.Texts(medication.Form));
                    foreach (var ingredient in medication.Ingredient)
                    {
                        switch (ingredient?.Item)
                        {
                            case CodeableConcept item: identity.Add(item); break;
                            case ResourceReference item: FhirValues.AddDistinct(identity.Names, FhirValues.Text(item.DisplayElement)); break;
                        }
                    }
                }
                break;
        }
        return identity;
    }

    /// <summary>The Medication a reference names: contained ("#id"), a Bundle entry (urn:), or a prefetched Medication ("Medication/id", absolute or versioned).</summary>
    private Medication? Resolve(ResourceReference reference, MedicationAdministration ma, MedicationIdentity identity)
    {
        var literal = FhirValues.Reference(reference);
        if (literal is null) return null;
        if (literal.StartsWith('#'))
        {
            var containedId = literal[1..];
            return ma.Contained.OfType<Medication>().FirstOrDefault(m => FhirValues.Id(m) == containedId);
        }
        Medication? found;
        if (_fullUrls.TryGetValue(literal, out var entry))
        {
            found = entry as Medication; // a Bundle entry named by its fullUrl (urn:uuid or absolute)
        }
        else if (FhirReferences.TryParse(literal, out var target) && target.Type is null or "Medication")
        {
            found = _medications.GetValueOrDefault(target.Id);
        }
        else
        {
            found = null;
        }
        identity.Referenced = found;
        return found;
    }

    /// <summary>
    /// Which §8.2 drug or CAR-T product: an RxNorm ingredient code first; then a CAR-T product by NDC or
    /// name; then a §8.2 drug by whole-word name; then a generic CAR-T mention (unspecified product).
    /// </summary>
    private static (Drug? Drug, CarTProduct? Product) Classify(MedicationIdentity identity)
    {
        foreach (var code in identity.RxNorm)
        {
            if (DrugCodes.TryMatchRxNorm(code, out var coded)) return (coded, null);
        }
        foreach (var ndc in identity.Ndc)
        {
            if (CarTProductCodes.TryMatchNdc(ndc, out var byNdc)) return (null, byNdc);
        }
        foreach (var text in identity.Names)
        {
            if (CarTProductCodes.TryMatchName(text, out var byName)) return (null, byName);
        }
        foreach (var text in identity.Names)
        {
            if (DrugCodes.TryMatchName(text, out var named)) return (named, null);
        }
        if (identity.Names.Any(CarTProductCodes.MentionsCarT)) return (null, CarTProduct.Unspecified);
        return (null, null);
    }

    /// <summary>
    /// [operational] A §8.2 drug given by a non-systemic route or in a local form — topical, ophthalmic, otic,
    /// nasal, inhaled/nebulised, local infiltration; creams, ointments, gels, eye/ear drops, nasal sprays — is
    /// not the systemic drug §3 counts (hydrocortisone cream masks no fever; phenylephrine eye drops are no
    /// vasopressor). It is kept as an other drug (Drug null, names kept for allergy matching).
    /// </summary>
    private static bool IsNonSystemic(MedicationAdministration ma, MedicationIdentity identity)
    {
        var route = ma.Dosage?.Route;
        if (FhirValues.SnomedCodes(route).Any(NonSystemicRouteCodes.Contains)) return true;
        var texts = FhirValues.Texts(route).Concat(identity.Forms).Concat(identity.Names).Select(WholeWords.Normalize);
        return texts.Any(t => NonSystemicWords.Any(w => WholeWords.ContainsNormalized(t, w)));
    }

    private static readonly (string Route, string[] Words)[] InjectionRouteWords =
    [
        ("IM", [.. new[] { "intramuscular", "intramuscularly", "im" }.Select(WholeWords.Normalize)]),
        ("SC", [.. new[] { "subcutaneous", "subcutaneously", "subcut", "sc", "sq", "s c" }.Select(WholeWords.Normalize)]),
    ];

    /// <summary>
    /// "IM" or "SC" from dosage.route (SNOMED 78421000 intramuscular, 34206005 subcutaneous), else from the route's
    /// text or dosage.text as whole words ("epinephrine 0.3 mg IM", "subcut"); null otherwise. Used only to flag an epinephrine dose
    /// that counts as a vasopressor (CRS-SPEC §3) for review; it never changes a grade.
    /// </summary>
    private static string? InjectionRoute(MedicationAdministration ma)
    {
        var route = ma.Dosage?.Route;
        foreach (var code in FhirValues.SnomedCodes(route))
        {
            if (code == Snomed.IntramuscularRoute) return "IM";
            if (code == Snomed.SubcutaneousRoute) return "SC";
        }
        var texts = FhirValues.Texts(route).Append(FhirValues.Text(ma.Dosage?.TextElement)).Select(WholeWords.Normalize).ToList();
        foreach (var (name, words) in InjectionRouteWords)
        {
            if (texts.Any(t => words.Any(w => WholeWords.ContainsNormalized(t, w)))) return name;
        }
        return null;
    }

    /// <summary>[operational] Epinephrine with a local anaesthetic ("lidocaine with epinephrine") is a vasoconstrictor adjunct, not a vasopressor.</summary>
    private static bool IsLocalAnaestheticAdjunct(Drug drug, MedicationIdentity identity) =>
        drug == Drug.Epinephrine
        && identity.Names.Any(n => DrugCodes.LocalAnaesthetics.Any(a => WholeWords.Contains(n, a)));

    /// <summary>
    /// dosage.rateQuantity or rateRatio as µg/min or µg/kg/min. A rate that cannot be converted is reported
    /// (rate-not-convertible) only for the vasopressors whose rate Lee 2014 grades (norepinephrine,
    /// epinephrine, phenylephrine, dopamine); vasopressin's rate is never needed (CRS-SPEC §9.15) and other
    /// drugs' rates (mL/h of an antibody) matter to no criterion. The administration counts either way.
    /// </summary>
    private InfusionRate? ReadInfusionRate(MedicationAdministration ma, Drug? drug, string name)
    {
        var rate = ma.Dosage?.Rate;
        if (rate is null) return null;
        var report = drug is Drug.Norepinephrine or Drug.Epinephrine or Drug.Phenylephrine or Drug.Dopamine;
        decimal? value = null;
        string? unit = null;
        string recorded;
        switch (rate)
        {
            case Quantity q:
                {
                    value = FhirValues.Number(q.ValueElement);
                    var u = FhirValues.Text(q.CodeElement) ?? FhirValues.Text(q.UnitElement);
                    unit = Units.Normalize(u);
                    recorded = $"{Fmt(value)} {u}".Trim();
                    break;
                }
            case Ratio r:
                {
                    var nv = FhirValues.Number(r.Numerator?.ValueElement);
                    var dv = r.Denominator is null ? 1m : FhirValues.Number(r.Denominator.ValueElement) ?? 1m;
                    var nu = r.Numerator is null ? null : FhirValues.Text(r.Numerator.CodeElement) ?? FhirValues.Text(r.Numerator.UnitElement);
                    var du = r.Denominator is null ? null : FhirValues.Text(r.Denominator.CodeElement) ?? FhirValues.Text(r.Denominator.UnitElement);
                    recorded = $"{Fmt(nv)} {nu} / {Fmt(dv)} {du}".Trim();
                    if (nv is not null && dv != 0 && Units.Normalize(nu) is { } n && Units.Normalize(du) is { } d)
                    {
                        try
                        {
                            value = nv.Value / dv;
                            unit = $"{n}/{d}";
                        }
                        catch (OverflowException)
                        {
                            value = null;
                        }
                    }
                    break;
                }
            default:
                recorded = rate.TypeName;
                break;
        }

        if (value is { } v && v >= 0 && unit is not null)
        {
            if (Units.TryConvert(v, unit, "ug/kg/min", out var perKg)) return new InfusionRate(perKg, true, Short(recorded)!);
            if (Units.TryConvert(v, unit, "ug/min", out var perMin)) return new InfusionRate(perMin, false, Short(recorded)!);
        }
        if (report)
            Issue(name, DataIssueReasons.RateNotConvertible, $"rate '{Short(recorded)}' is not a mass per minute (µg/min, µg/kg/min); the administration still counts");
        return null;
    }

    /// <summary>A date-only (or zone-less) effective/performed start: the start of that day, UTC.</summary>
    private static bool TryDateOnly(DataType? value, out DateTimeOffset start)
    {
        start = default;
        var literal = value switch
        {
            FhirDateTime or Date => (PrimitiveType)value,
            Period p => p.StartElement,
            _ => null,
        };
        var t = FhirTime.Read(literal);
        if (t.Precision is not (TimePrecision.Day or TimePrecision.TimeWithoutZone)) return false;
        start = new DateTimeOffset(t.Earliest.UtcDateTime.Date, TimeSpan.Zero);
        return true;
    }

    /// <summary>The start an unused CAR-T record gives, as an accepted one would be read (an instant, else a date's first moment, UTC); null when none.</summary>
    private static DateTimeOffset? RecordedStart(DataType? value) =>
        FhirTime.TryReadInterval(value, out var start, out _, out _, out _) || TryDateOnly(value, out start) ? start : null;

    /// <remarks>
    /// [operational] A CAR-T infusion recorded with a date but no usable time would otherwise make the
    /// patient ineligible (no cards at all); it takes the start of that day (UTC) and the card says so.
    /// </remarks>
    private void NoteDateOnlyInfusion(string name, DateTimeOffset start) =>
        _notes.Add($"{name}: CAR-T infusion recorded without a time; day 0 taken as the start of {start:yyyy-MM-dd} (UTC): the day after infusion may be one day high.");

    private static string Fmt(decimal? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?";
}
