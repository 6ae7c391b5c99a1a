using CrsCdsHooks.Core.Terminology;
using CrsCdsHooks.Core.Timeline;

using Hl7.Fhir.Model;

namespace CrsCdsHooks.Core.Fhir;

// Observations: vital signs, oxygen, weight, labs, blood cultures and findings (CRS-SPEC §2, §8.3, §8.4, §9).
internal sealed partial class TimelineReading
{
    private static readonly HashSet<string> AcceptedObservationStatuses = new(StringComparer.Ordinal)
        { "final", "amended", "corrected", "preliminary" };

    // A registered culture is a culture that was collected and is pending (CRS-SPEC §9.39).
    private static readonly HashSet<string> AcceptedCultureStatuses = new(StringComparer.Ordinal)
        { "final", "amended", "corrected", "preliminary", "registered" };

    private static readonly IReadOnlySet<string> OxygenLoincs = new HashSet<string>(StringComparer.Ordinal)
        { Loinc.InhaledOxygenFlow, Loinc.InhaledOxygenConcentration, Loinc.PulseOximetry, Loinc.OxygenSaturationArterial };

    private static readonly string[] OxygenContextWords =
        [.. new[] { "oxygen", "o2", "respiratory support", "ventilation", "ventilator", "airway", "fio2", "inhaled", "delivery", "oxygenation" }
            .Select(WholeWords.Normalize)];

    private static readonly HashSet<string> NegatingAnswers = new(StringComparer.Ordinal)
        { " no ", " n ", " absent ", " none ", " negative ", " not present ", " false ", " not seen ", " not observed ", " denies " };

    /// <summary>Plausibility ranges of CRS-SPEC §2 (inclusive) and [operational] ranges for values shown only.</summary>
    private static class Plausible
    {
        public const decimal TemperatureMin = 25m, TemperatureMax = 45m;
        public const int SystolicMin = 20, SystolicMax = 300;
        public const int MeanMin = 10, MeanMax = 250;
        public const int DiastolicMin = 5, DiastolicMax = 250;   // [operational] shown only
        public const decimal SaturationMin = 0m, SaturationMax = 100m;
        public const decimal FlowMin = 0m, FlowMax = 80m;
        public const int FiO2Min = 21, FiO2Max = 100;
        public const decimal WeightMin = 0.5m, WeightMax = 400m;
        public const decimal HeartRateMax = 350m;                 // [operational] context only
        public const decimal RespiratoryRateMax = 150m;           // [operational] context only
    }

    /// <summary>A recorded number with its unit: <see cref="Unit"/> normalised for conversion, <see cref="Recorded"/> as sent.</summary>
    private readonly record struct Measured(decimal Value, string? Unit, string? Recorded)
    {
        public RecordedValue AsRecorded => new(Value, Recorded);
        public string Describe => Recorded is null ? "no unit" : $"unit '{Short(Recorded)}'";
    }

    /// <summary>What one Observation contributed, gathered over its value and components.</summary>
    private sealed class ObservationParts
    {
        public int? Systolic, Diastolic, Mean;
        public OxygenDevice? Device;
        public string? DeviceText;
        public decimal? Flow;
        public int? FiO2;
        public bool Recognised;
        public bool Produced;
        public int Issues;
    }

    private void ReadObservation(Observation o, string name)
    {
        if (RejectOtherPatient(o.Subject, name)) return;
        var isCulture = FhirValues.HasLoinc(o.Code, Loinc.BloodCulture);
        var status = FhirValues.Text(o.StatusElement);
        if (status is null || !(isCulture ? AcceptedCultureStatuses : AcceptedObservationStatuses).Contains(status))
        {
            Issue(name, DataIssueReasons.StatusNotUsable, $"status '{Short(status) ?? "(none)"}' is not used");
            return;
        }
        if (!TryTime(o.Effective, name, out var time, out var end, out var isPeriod)) return;
        if (isCulture)
        {
            ReadCulture(o, name, time, status);
            return;
        }

        var parts = new ObservationParts();
        ReadMeasurement(o, name, o.Code, o.Value, "value", time, parts);
        var index = 0;
        foreach (var component in o.Component)
        {
            if (component is not null)
                ReadMeasurement(o, name, component.Code, component.Value, $"component[{index}]", time, parts);
            index++;
        }

        var codeText = FhirValues.JoinedText(o.Code); // read once: the three readings below all look at it
        var oxygenContext = IsOxygenContext(o.Code, codeText);
        ReadDevice(o, oxygenContext, parts);
        ReadObservationFindings(o, name, time, parts, codeText);
        if (!parts.Recognised) ReadTemperatureByDisplay(o, name, time, parts, codeText);

        if (parts.Systolic is not null || parts.Diastolic is not null || parts.Mean is not null)
        {
            _pressures.Add(new ArterialPressure(name, time, parts.Systolic, parts.Diastolic, parts.Mean));
            parts.Produced = true;
        }
        if (parts.Device is not null || parts.Flow is not null || parts.FiO2 is not null)
        {
            // An oxygen Observation with a period counts over the whole period (CRS-SPEC §9.34); no end = still running.
            _oxygenFacts.Add(new OxygenFact(name, time, isPeriod ? end : time, parts.Device, parts.Flow, parts.FiO2, parts.DeviceText));
            parts.Produced = true;
        }

        if (parts.Produced || parts.Issues > 0) return;
        if (parts.Recognised)
        {
            var absent = FhirValues.Text(o.DataAbsentReason) ?? FhirValues.Codings(o.DataAbsentReason).Select(FhirValues.Code).FirstOrDefault(c => c is not null);
            Issue(name, DataIssueReasons.NoValue, absent is null ? "no usable value" : $"data absent ({Short(absent)})");
            return;
        }
        Issue(name, DataIssueReasons.CodeNotRecognised, $"{FhirValues.DescribeCode(o.Code)} is not in a CRS-SPEC §8 code set");
        if (oxygenContext)
            _notes.Add($"{name}: oxygen support recorded without a recognisable device, flow or FiO2: review oxygen support.");
    }

    private void ReadMeasurement(Observation o, string name, CodeableConcept? code, DataType? value, string part, DateTimeOffset time, ObservationParts parts)
    {
        var loincs = FhirValues.LoincCodes(code);
        if (loincs.Count == 0) return;

        if (loincs.Any(Loinc.BodyTemperatureCodes.Contains))
        {
            parts.Recognised = true;
            ReadTemperature(name, value, part, time, parts);
            return;
        }
        if (loincs.Contains(Loinc.BloodPressurePanel) || loincs.Contains(Loinc.BloodPressureSystolicDiastolic))
        {
            parts.Recognised = true; // the panel's own value is empty: its components carry the pressures
            return;
        }
        if (loincs.Contains(Loinc.SystolicPressure))
        {
            parts.Recognised = true;
            parts.Systolic ??= ReadPressure(name, value, "systolic", Plausible.SystolicMin, Plausible.SystolicMax, parts);
            return;
        }
        if (loincs.Contains(Loinc.DiastolicPressure))
        {
            parts.Recognised = true;
            parts.Diastolic ??= ReadPressure(name, value, "diastolic", Plausible.DiastolicMin, Plausible.DiastolicMax, parts);
            return;
        }
        if (loincs.Contains(Loinc.MeanPressure))
        {
            parts.Recognised = true;
            parts.Mean ??= ReadPressure(name, value, "mean arterial", Plausible.MeanMin, Plausible.MeanMax, parts);
            return;
        }
        if (loincs.Contains(Loinc.PulseOximetry) || loincs.Contains(Loinc.OxygenSaturationArterial))
        {
            parts.Recognised = true;
            // A pulse-oximetry panel may carry only its flow/FiO2 components.
            if (value is not null || o.Component.Count == 0) ReadSaturation(name, value, time, parts);
            return;
        }
        if (loincs.Contains(Loinc.InhaledOxygenFlow))
        {
            parts.Recognised = true;
            parts.Flow ??= ReadFlow(name, value, part, parts);
            return;
        }
        if (loincs.Contains(Loinc.InhaledOxygenConcentration))
        {
            parts.Recognised = true;
            parts.FiO2 ??= ReadFiO2(name, value, part, parts);
            return;
        }
        if (loincs.Contains(Loinc.HeartRate) || loincs.Contains(Loinc.RespiratoryRate))
        {
            parts.Recognised = true;
            var kind = loincs.Contains(Loinc.HeartRate) ? VitalSignKind.HeartRate : VitalSignKind.RespiratoryRate;
            ReadRate(name, value, kind, time, parts);
            return;
        }
        if (loincs.Contains(Loinc.BodyWeight) || loincs.Contains(Loinc.BodyWeightMeasured))
        {
            parts.Recognised = true;
            ReadWeight(name, value, time, parts);
            return;
        }
        foreach (var loinc in loincs)
        {
            if (!LabAnalyteCodes.TryFromLoinc(loinc, out var analyte)) continue;
            parts.Recognised = true;
            ReadLab(o, name, analyte, value, time, parts);
            return;
        }
    }

    private void PartIssue(ObservationParts parts, string name, string reason, string detail)
    {
        parts.Issues++;
        Issue(name, reason, detail);
    }

    private bool TryMeasured(DataType? value, string name, string what, ObservationParts parts, out Measured measured)
    {
        if (TryMeasure(value, out measured)) return true;
        PartIssue(parts, name, DataIssueReasons.NoValue, value is null ? $"no {what} value" : $"the {what} value is not a number with a unit");
        return false;
    }

    private static bool TryMeasure(DataType? value, out Measured measured)
    {
        measured = default;
        switch (value)
        {
            case Quantity q when FhirValues.Number(q.ValueElement) is { } v:
                {
                    var system = FhirValues.Text(q.SystemElement);
                    var code = FhirValues.Text(q.CodeElement);
                    var unit = FhirValues.Text(q.UnitElement);
                    var recorded = system is null || system == CodeSystems.Ucum ? code ?? unit : unit ?? code;
                    measured = new Measured(v, Units.Normalize(recorded), recorded);
                    return true;
                }
            case Integer or FhirDecimal when FhirValues.Number((PrimitiveType)value) is { } n:
                measured = new Measured(n, null, null);
                return true;
            default:
                return false;
        }
    }

    private void ReadTemperature(string name, DataType? value, string part, DateTimeOffset time, ObservationParts parts)
    {
        if (!TryMeasured(value, name, "temperature", parts, out var m)) return;
        if (!Units.TryCelsius(m.Value, m.Unit, out var celsius))
        {
            PartIssue(parts, name, DataIssueReasons.UnitNotConvertible, $"{m.Describe} is not a temperature unit (Cel, [degF], K) at {part}");
            return;
        }
        var rounded = Units.Round(celsius, 1);
        if (rounded is < Plausible.TemperatureMin or > Plausible.TemperatureMax)
        {
            PartIssue(parts, name, DataIssueReasons.ImplausibleValue, $"temperature {Fmt(rounded)} °C is outside 25–45 °C");
            return;
        }
        _temperatures.Add(new BodyTemperature(name, time, rounded, m.AsRecorded));
        parts.Produced = true;
    }

    private void ReadTemperatureByDisplay(Observation o, string name, DateTimeOffset time, ObservationParts parts, string codeText)
    {
        // CRS-SPEC §8.4: a vital-signs Observation whose code says "temperature" and whose unit is a temperature.
        if (!WholeWords.Contains(codeText, "temperature")) return;
        var categories = o.Category.Where(c => c is not null).ToList();
        if (categories.Count > 0 && !categories.Any(c => FhirValues.Codings(c).Any(x => FhirValues.Code(x) == "vital-signs"))) return;
        if (!TryMeasure(o.Value, out var m) || m.Unit is not ("Cel" or "[degF]" or "K")) return;
        parts.Recognised = true;
        ReadTemperature(name, o.Value, "value", time, parts);
    }

    private int? ReadPressure(string name, DataType? value, string what, int min, int max, ObservationParts parts)
    {
        if (!TryMeasured(value, name, what, parts, out var m)) return null;
        if (!Units.TryConvert(m.Value, m.Unit, "mm[Hg]", out var mmHg))
        {
            PartIssue(parts, name, DataIssueReasons.UnitNotConvertible, $"{what} pressure: {m.Describe} is not a pressure unit");
            return null;
        }
        var rounded = Units.RoundToInt(mmHg);
        if (rounded is null || rounded < min || rounded > max)
        {
            PartIssue(parts, name, DataIssueReasons.ImplausibleValue, $"{what} pressure {Fmt(Units.Round(mmHg, 0))} mmHg is outside {min}–{max} mmHg");
            return null;
        }
        return rounded;
    }

    private void ReadSaturation(string name, DataType? value, DateTimeOffset time, ObservationParts parts)
    {
        if (!TryMeasured(value, name, "SpO2", parts, out var m)) return;
        decimal percent;
        try
        {
            switch (m.Unit)
            {
                case "%":
                case null when m.Value > 1:
                    percent = m.Value;
                    break;
                case "1":
                case null:
                    percent = m.Value * 100m;
                    break;
                default:
                    PartIssue(parts, name, DataIssueReasons.UnitNotConvertible, $"SpO2: {m.Describe} is not % or 1");
                    return;
            }
        }
        catch (OverflowException)
        {
            PartIssue(parts, name, DataIssueReasons.ImplausibleValue, "SpO2 value is out of range");
            return;
        }
        var rounded = Units.Round(percent, 1);
        if (rounded is < Plausible.SaturationMin or > Plausible.SaturationMax)
        {
            PartIssue(parts, name, DataIssueReasons.ImplausibleValue, $"SpO2 {Fmt(rounded)} % is outside 0–100 %");
            return;
        }
        _saturations.Add(new OxygenSaturation(name, time, rounded));
        parts.Produced = true;
    }

    private decimal? ReadFlow(string name, DataType? value, string part, ObservationParts parts)
    {
        if (!TryMeasured(value, name, "oxygen flow", parts, out var m)) return null;
        if (!Units.TryConvert(m.Value, m.Unit, "L/min", out var lpm))
        {
            PartIssue(parts, name, DataIssueReasons.UnitNotConvertible, $"oxygen flow at {part}: {m.Describe} is not a flow unit (L/min, mL/min)");
            return null;
        }
        var rounded = Units.Round(lpm, 1);
        if (rounded is < Plausible.FlowMin or > Plausible.FlowMax)
        {
            PartIssue(parts, name, DataIssueReasons.ImplausibleValue, $"oxygen flow {Fmt(rounded)} L/min is outside 0–80 L/min");
            return null;
        }
        return rounded;
    }

    /// <remarks>
    /// CRS-SPEC §2, §9.5: unit "%" is a percentage (below 21 implausible); unit "1", or no unit with a value
    /// ≤ 1, is a fraction read × 100; no unit with a value above 1 is read as a percentage [operational:
    /// FiO2 has no other reading]. Rounded half away from zero to 1 %.
    /// </remarks>
    private int? ReadFiO2(string name, DataType? value, string part, ObservationParts parts)
    {
        if (!TryMeasured(value, name, "FiO2", parts, out var m)) return null;
        decimal percent;
        try
        {
            switch (m.Unit)
            {
                case "%":
                case null when m.Value > 1:
                    percent = m.Value;
                    break;
                case "1":
                case null:
                    percent = m.Value * 100m;
                    break;
                default:
                    PartIssue(parts, name, DataIssueReasons.UnitNotConvertible, $"FiO2 at {part}: {m.Describe} is not % or 1");
                    return null;
            }
        }
        catch (OverflowException)
        {
            PartIssue(parts, name, DataIssueReasons.ImplausibleValue, "FiO2 value is out of range");
            return null;
        }
        var rounded = Units.RoundToInt(percent);
        if (rounded is null || rounded < Plausible.FiO2Min || rounded > Plausible.FiO2Max)
        {
            PartIssue(parts, name, DataIssueReasons.ImplausibleValue, $"FiO2 {Fmt(Units.Round(percent, 0))} % is outside 21–100 %");
            return null;
        }
        return rounded;
    }

    private void ReadRate(string name, DataType? value, VitalSignKind kind, DateTimeOffset time, ObservationParts parts)
    {
        var what = kind == VitalSignKind.HeartRate ? "heart rate" : "respiratory rate";
        if (!TryMeasured(value, name, what, parts, out var m)) return;
        decimal perMinute;
        if (m.Unit is null or "/min") perMinute = m.Value;
        else if (!Units.TryConvert(m.Value, m.Unit, "/min", out perMinute))
        {
            PartIssue(parts, name, DataIssueReasons.UnitNotConvertible, $"{what}: {m.Describe} is not per minute");
            return;
        }
        var rounded = Units.Round(perMinute, 1);
        var max = kind == VitalSignKind.HeartRate ? Plausible.HeartRateMax : Plausible.RespiratoryRateMax;
        if (rounded < 0 || rounded > max)
        {
            PartIssue(parts, name, DataIssueReasons.ImplausibleValue, $"{what} {Fmt(rounded)}/min is outside 0–{Fmt(max)}/min");
            return;
        }
        _otherVitals.Add(new OtherVitalSign(name, time, kind, rounded));
        parts.Produced = true;
    }

    private void ReadWeight(string name, DataType? value, DateTimeOffset time, ObservationParts parts)
    {
        if (!TryMeasured(value, name, "weight", parts, out var m)) return;
        if (!Units.TryConvert(m.Value, m.Unit, "kg", out var kg))
        {
            PartIssue(parts, name, DataIssueReasons.UnitNotConvertible, $"weight: {m.Describe} is not a mass unit (kg, g, [lb_av])");
            return;
        }
        var rounded = Units.Round(kg, 1);
        if (rounded is < Plausible.WeightMin or > Plausible.WeightMax)
        {
            PartIssue(parts, name, DataIssueReasons.ImplausibleValue, $"weight {Fmt(rounded)} kg is outside 0.5–400 kg");
            return;
        }
        _weights.Add(new BodyWeight(name, time, rounded, m.AsRecorded));
        parts.Produced = true;
    }

    /// <remarks>
    /// [operational] A comparator ("&lt;0.05", "&gt;40000") is not kept: the limit stands for the value, which
    /// errs towards the threshold it was reported against (procalcitonin "&lt;0.05" is below 0.5; ferritin
    /// "&gt;40000" is above any threshold). A value string ("&lt;0.05" as text) is no value.
    /// </remarks>
    private void ReadLab(Observation o, string name, LabAnalyte analyte, DataType? value, DateTimeOffset time, ObservationParts parts)
    {
        if (!TryMeasured(value, name, "lab", parts, out var m)) return;
        var unit = LabAnalyteCodes.CanonicalUnit(analyte);
        if (!TryLabValue(analyte, m, out var converted))
        {
            PartIssue(parts, name, DataIssueReasons.UnitNotConvertible, $"{m.Describe} cannot be converted to {unit}");
            return;
        }
        if (converted < 0)
        {
            PartIssue(parts, name, DataIssueReasons.ImplausibleValue, "a negative lab value");
            return;
        }
        _labs.Add(new LabResult(name, analyte, time, converted, unit, UpperLimitOfNormal(o, analyte, m), m.AsRecorded));
        parts.Produced = true;
    }

    /// <summary>referenceRange.high (of a normal range, or the first with a high) in the canonical unit; its own unit, else the value's.</summary>
    private static decimal? UpperLimitOfNormal(Observation o, LabAnalyte analyte, Measured value)
    {
        var ranges = o.ReferenceRange.Where(r => r?.High is not null).ToList();
        var range = ranges.FirstOrDefault(r => r.Type is null || FhirValues.Codings(r.Type).Any(c => FhirValues.Code(c) == "normal")) ?? ranges.FirstOrDefault();
        if (range?.High is not { } high || FhirValues.Number(high.ValueElement) is not { } v) return null;
        var system = FhirValues.Text(high.SystemElement);
        var code = FhirValues.Text(high.CodeElement);
        var text = FhirValues.Text(high.UnitElement);
        var recorded = (system is null || system == CodeSystems.Ucum ? code ?? text : text ?? code) ?? value.Recorded;
        var measured = new Measured(v, Units.Normalize(recorded), recorded);
        return TryLabValue(analyte, measured, out var uln) && uln > 0 ? uln : null;
    }

    private static bool TryLabValue(LabAnalyte analyte, Measured m, out decimal value)
    {
        value = 0;
        var unit = m.Unit;
        if (unit is null) return false;
        if (LabAnalyteCodes.IsEnzymeActivity(analyte) && unit.ToUpperInvariant() is "IU/L" or "[IU]/L") unit = "U/L";
        var canonical = LabAnalyteCodes.CanonicalUnit(analyte);
        if (Units.TryConvert(m.Value, unit, canonical, out value)) return true;
        if (LabAnalyteCodes.MolarConversion(analyte) is { } molar && Units.TryConvert(m.Value, unit, molar.Unit, out var inMolarUnit))
        {
            value = inMolarUnit / molar.Divisor;
            return true;
        }
        return false;
    }

    private static bool IsOxygenContext(CodeableConcept? code, string codeText)
    {
        if (FhirValues.HasAnyLoinc(code, OxygenLoincs)) return true;
        if (codeText.Length > MaxRememberedTextLength) return NamesOxygen(codeText);
        if (OxygenContextTexts.TryGetValue(codeText, out var known)) return known;
        var named = NamesOxygen(codeText);
        if (OxygenContextTexts.Count < MaxRememberedTexts) OxygenContextTexts.TryAdd(codeText, named);
        return named;
    }

    private static bool NamesOxygen(string codeText)
    {
        var n = WholeWords.Normalize(codeText);
        return OxygenContextWords.Any(w => WholeWords.ContainsNormalized(n, w));
    }

    // A record repeats the same few code texts hundreds of times: whether a text names oxygen is remembered
    // (it depends on the text alone; at most 4,096 texts of up to 256 characters).
    private const int MaxRememberedTextLength = 256;
    private const int MaxRememberedTexts = 4096;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> OxygenContextTexts = new(StringComparer.Ordinal);

    /// <summary>
    /// The oxygen device of an Observation: a §8.3 SNOMED code in the value or a component's value
    /// (whatever the Observation's code, CRS-SPEC §2), the Observation's own code when it is a device concept
    /// and its value does not say no, or — in an oxygen context only (an oxygen LOINC, or a code text naming
    /// oxygen, O2, ventilation, airway, delivery…) — the text fallback of §8.3 on the value's text.
    /// </summary>
    private static void ReadDevice(Observation o, bool oxygenContext, ObservationParts parts)
    {
        if (parts.Device is not null) return;
        // The value and the components' values, in that order (no list unless one of them can name a device).
        List<DataType?>? values = null;
        if (o.Value is CodeableConcept or FhirString || o.Component.Any(c => c?.Value is CodeableConcept or FhirString))
        {
            values = [o.Value];
            values.AddRange(o.Component.Where(c => c is not null).Select(c => c.Value));
        }
        foreach (var value in values ?? [])
        {
            if (value is not CodeableConcept cc) continue;
            if (TryCodedDevice(cc, out var device, out var text))
            {
                SetDevice(parts, device, text);
                return;
            }
        }
        if (!ValueNegates(o.Value) && TryCodedDevice(o.Code, out var own, out var ownText))
        {
            SetDevice(parts, own, ownText);
            return;
        }
        if (!oxygenContext) return;
        foreach (var value in values ?? [])
        {
            var text = value switch
            {
                CodeableConcept cc => FhirValues.JoinedText(cc),
                FhirString s => FhirValues.Text(s),
                _ => null,
            };
            if (text is not null && OxygenDeviceCodes.TryFromText(text, out var fromText))
            {
                SetDevice(parts, fromText, Short(text));
                return;
            }
        }
    }

    private static void SetDevice(ObservationParts parts, OxygenDevice device, string? text)
    {
        parts.Device = device;
        parts.DeviceText = text;
        parts.Recognised = true;
    }

    private static bool TryCodedDevice(CodeableConcept? cc, out OxygenDevice device, out string? text)
    {
        text = null;
        device = default;
        foreach (var coding in FhirValues.Codings(cc))
        {
            if (FhirValues.System(coding) != CodeSystems.Snomed || !OxygenDeviceCodes.TryFromSnomed(FhirValues.Code(coding), out device)) continue;
            text = Short(FhirValues.Text(cc) ?? FhirValues.Display(coding));
            return true;
        }
        return false;
    }

    /// <summary>
    /// Anaphylaxis signs (CRS-SPEC §5, §9.22) from the Observation's code or value, coded or in text; none when the
    /// value says no/absent.
    /// </summary>
    /// <remarks>
    /// Sepsis, septic shock, bacterial sepsis and bacteremia are never read from an Observation: CRS-SPEC §5 makes
    /// infection likely on "an active Condition coded sepsis…", and an Observation naming sepsis is a score, a
    /// screen or a bundle ("qSOFA sepsis score", "Sepsis bundle compliance"), not a diagnosis. Such an Observation
    /// with no other finding is reported as code-not-recognised.
    /// </remarks>
    private void ReadObservationFindings(Observation o, string name, DateTimeOffset time, ObservationParts parts, string codeText)
    {
        // Coded findings first (the code's, then the value's), then those named in text (code, value, value string).
        List<FindingKind>? kinds = null;
        var valueConcept = o.Value as CodeableConcept;
        foreach (var code in FhirValues.SnomedCodes(o.Code))
        {
            if (FindingCodes.TryFromSnomed(code, out var kind)) AddSign(ref kinds, kind);
        }
        foreach (var code in FhirValues.SnomedCodes(valueConcept))
        {
            if (FindingCodes.TryFromSnomed(code, out var kind)) AddSign(ref kinds, kind);
        }
        foreach (var kind in FindingCodes.FromText(codeText)) AddSign(ref kinds, kind);
        if (valueConcept is not null)
        {
            foreach (var kind in FindingCodes.FromText(FhirValues.JoinedText(valueConcept))) AddSign(ref kinds, kind);
        }
        if (o.Value is FhirString s)
        {
            foreach (var kind in FindingCodes.FromText(FhirValues.Text(s))) AddSign(ref kinds, kind);
        }
        if (kinds is null) return;
        parts.Recognised = true;
        var negated = ValueNegates(o.Value)
            || FhirValues.Codings(o.Interpretation.FirstOrDefault()).Any(c => FhirValues.Code(c) is "N" or "NEG");
        if (negated)
        {
            PartIssue(parts, name, DataIssueReasons.FindingAbsent, "the finding is recorded as absent");
            return;
        }
        foreach (var kind in kinds) _findings.Add(new ClinicalFinding(name, kind, time));
        parts.Produced = true;
    }

    private static void AddSign(ref List<FindingKind>? kinds, FindingKind kind)
    {
        if (!FindingCodes.IsAnaphylaxisSign(kind)) return; // sepsis kinds come from Conditions only (§5)
        kinds ??= new List<FindingKind>(2);
        if (!kinds.Contains(kind)) kinds.Add(kind);
    }

    private static bool ValueNegates(DataType? value) => value switch
    {
        FhirBoolean b => b.JsonValue is false,
        CodeableConcept cc => FhirValues.Codings(cc).Any(c => FhirValues.Code(c) is Snomed.Absent or Snomed.No or Snomed.Negative or "N" or "NEG")
            || FhirValues.Texts(cc).Any(t => NegatingAnswers.Contains(WholeWords.Normalize(t))),
        FhirString s => NegatingAnswers.Contains(WholeWords.Normalize(FhirValues.Text(s))),
        _ => false,
    };

    /// <summary>
    /// A blood culture (LOINC 600-7; CRS-SPEC §9.20, §9.35, §9.39).
    /// </summary>
    /// <remarks>
    /// Positive: interpretation POS, A or AA; or a coded value other than a no-growth concept (264868006
    /// "no growth", 260385009 "negative"); or a value string that names an organism (see
    /// <see cref="ClassifyCultureText"/>), whatever else it says. Negative: "no growth" (not "to date") or
    /// "negative" with nothing else but report words, a no-growth concept, or interpretation NEG/N. Pending:
    /// status registered/preliminary without an organism, or a string saying pending, in progress, "no growth to
    /// date"/"so far", incubating, to follow, with no organism. A final culture with no result is reported (no-value).
    /// </remarks>
    private void ReadCulture(Observation o, string name, DateTimeOffset collected, string status)
    {
        var interpretation = o.Interpretation.SelectMany(FhirValues.Codings).Select(FhirValues.Code).OfType<string>().ToList();
        var interpretationPositive = interpretation.Any(c => c is "POS" or "A" or "AA");
        var interpretationNegative = interpretation.Any(c => c is "NEG" or "N");
        string? organism = null;
        var negative = false;
        var pendingText = false;
        switch (o.Value)
        {
            case CodeableConcept cc:
                {
                    var codes = FhirValues.Codings(cc).Where(c => FhirValues.Code(c) is not null).ToList();
                    var organismCoding = codes.FirstOrDefault(c => FhirValues.Code(c) is not (Snomed.NoGrowth or Snomed.Negative));
                    if (organismCoding is not null)
                        organism = Short(FhirValues.Display(organismCoding) ?? FhirValues.Text(cc) ?? FhirValues.Code(organismCoding));
                    else if (codes.Count > 0)
                        negative = true;
                    else if (FhirValues.Text(cc) is { } text)
                        ClassifyCultureText(text, ref organism, ref negative, ref pendingText);
                    break;
                }
            case FhirString s when FhirValues.Text(s) is { } text:
                ClassifyCultureText(text, ref organism, ref negative, ref pendingText);
                break;
        }

        CultureResult result;
        if (interpretationPositive || organism is not null) result = CultureResult.Positive;
        else if (status is "registered" or "preliminary" || pendingText) result = CultureResult.Pending;
        else if (negative || interpretationNegative) result = CultureResult.Negative;
        else
        {
            Issue(name, DataIssueReasons.NoValue, "a final blood culture with no result");
            return;
        }
        _cultures.Add(new BloodCulture(name, collected, result, organism));
    }

    // Phrases of a culture value string (CRS-SPEC §9.20, §9.35, §9.39), normalised; longer phrases first so that
    // "no growth to date" is read as pending before "no growth" could be read as negative.
    private static readonly string[] PendingCulturePhrases =
        [.. new[] { "no growth to date", "no growth so far", "no growth at this time", "no growth yet", "incubation continues",
            "further incubation", "identification in progress", "in progress", "in process", "to follow", "will follow",
            "pending", "incubating", "preliminary" }
            .Select(WholeWords.Normalize)];

    private static readonly string[] NegativeCulturePhrases = [.. new[] { "no growth", "negative" }.Select(WholeWords.Normalize)];

    /// <summary>Words that describe a culture report but name no organism (see <see cref="ClassifyCultureText"/>).</summary>
    private static readonly HashSet<string> CultureFillerWords = new(StringComparer.Ordinal)
    {
        "culture", "cultures", "blood", "bottle", "bottles", "aerobic", "anaerobic", "set", "sets", "report", "reported",
        "final", "result", "results", "identification", "susceptibility", "susceptibilities", "sensitivity", "sensitivities",
        "at", "after", "in", "of", "and", "the", "day", "days", "hour", "hours", "hr", "hrs", "h", "d", "still", "continues", "further",
    };

    /// <summary>
    /// Classifies a culture's value string (CRS-SPEC §9.20, §9.35, §9.39) into organism, negative or pending.
    /// </summary>
    /// <remarks>
    /// [operational] The string is read as whole words (<see cref="WholeWords"/>). The pending phrases ("pending",
    /// "in progress", "to follow", "no growth to date/so far/at this time/yet", "incubating", "preliminary", …) and
    /// the negative phrases ("no growth", "negative") are removed, then the filler words of a culture report
    /// (culture, blood, bottle(s), aerobic, anaerobic, set(s), report(ed), final, result(s), identification,
    /// susceptibilit(y/ies), sensitivit(y/ies), at, after, in, of, and, the, day(s), hour(s)/h/hr(s)/d, still,
    /// continues, further) and numbers. Any word left names an organism: positive, whatever else the string says
    /// ("Staphylococcus aureus; susceptibilities to follow", "No growth in aerobic bottle; Bacteroides fragilis in
    /// anaerobic bottle", "Gram-negative rods"). A word we do not know is read as an organism on purpose: a false
    /// negative culture is the unsafe direction. With no word left: pending when a pending phrase was present
    /// ("No growth to date", "Culture in progress, results to follow"), else negative when a negative phrase was
    /// ("No growth at 5 days", "Negative"), else no result at all.
    /// </remarks>
    private static void ClassifyCultureText(string text, ref string? organism, ref bool negative, ref bool pending)
    {
        var n = WholeWords.Normalize(text);
        var saysPending = RemovePhrases(ref n, PendingCulturePhrases);
        var saysNegative = RemovePhrases(ref n, NegativeCulturePhrases);
        var rest = WholeWords.Words(n).Where(w => !CultureFillerWords.Contains(w) && !w.All(char.IsAsciiDigit));
        if (rest.Any()) organism = text.Length <= CultureTextLimit ? text : text[..CultureTextLimit] + "…";
        else if (saysPending) pending = true;
        else if (saysNegative) negative = true;
    }

    /// <summary>
    /// [operational] The organism shown is the culture's whole string up to this length (not the 40 characters of an
    /// issue detail): "No growth in aerobic bottle; Bacteroides fragilis…" must not be cut before the organism.
    /// </summary>
    private const int CultureTextLimit = 120;

    /// <summary>Removes every whole-word occurrence of the phrases from a normalised text; true when one was found.</summary>
    private static bool RemovePhrases(ref string normalized, string[] phrases)
    {
        var found = false;
        foreach (var phrase in phrases)
        {
            while (normalized.Contains(phrase, StringComparison.Ordinal))
            {
                normalized = normalized.Replace(phrase, " ", StringComparison.Ordinal);
                found = true;
            }
        }
        return found;
    }

    private static string Fmt(decimal value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
