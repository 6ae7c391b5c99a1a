using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace CrsCdsHooks.Workloads;

/// <summary>The workloads of the performance suite (issue 7).</summary>
public enum Workload
{
    /// <summary>Typical: 5 days after a CAR-T infusion, hourly vitals, 40 labs, 60 administrations (≈ 700 resources).</summary>
    W1,

    /// <summary>Heavy: 30 days of 15-minute vitals (≈ 15,000 resources, ≈ 15 MB).</summary>
    W2,

    /// <summary>W1 with every prefetch key absent: the service queries <c>fhirServer</c> (the stub adds 50 ms per query).</summary>
    W3,
}

/// <summary>
/// A generated patient: every prefetch key's JSON (a searchset Bundle, or the Patient) as UTF-8, and the hook
/// request built from it. Deterministic: the same workload and <see cref="AsOf"/> give the same bytes.
/// </summary>
public sealed class WorkloadData
{
    /// <summary>The prefetch keys of COMMON.md, in the discovery document's order.</summary>
    public static readonly string[] Keys = ["patient", "vitalSigns", "laboratory", "medicationAdministrations", "procedures", "conditions", "allergies"];

    internal WorkloadData(Workload workload, string patientId, DateTimeOffset asOf, IReadOnlyDictionary<string, byte[]> prefetch, IReadOnlyDictionary<string, int> counts)
    {
        Workload = workload;
        PatientId = patientId;
        AsOf = asOf;
        Prefetch = prefetch;
        Counts = counts;
    }

    /// <summary>Which workload this is.</summary>
    public Workload Workload { get; }

    /// <summary>context.patientId.</summary>
    public string PatientId { get; }

    /// <summary>The time the data was generated for: the infusion and the vitals lie before it.</summary>
    public DateTimeOffset AsOf { get; }

    /// <summary>Each prefetch key's JSON (UTF-8).</summary>
    public IReadOnlyDictionary<string, byte[]> Prefetch { get; }

    /// <summary>Resources per key.</summary>
    public IReadOnlyDictionary<string, int> Counts { get; }

    /// <summary>All resources of all keys.</summary>
    public int ResourceCount => Counts.Values.Sum();

    /// <summary>
    /// The <c>crs-patient-view</c> request: with every key prefetched (W1, W2), or with none and
    /// <paramref name="fhirServer"/> to query (W3).
    /// </summary>
    public byte[] Request(string? fhirServer = null)
    {
        var buffer = new ArrayBufferWriter<byte>(Prefetch.Values.Sum(v => v.Length) + 1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("hook", "patient-view");
            w.WriteString("hookInstance", Workload switch
            {
                Workload.W1 => "7a1c2f10-0001-4000-8000-000000000001",
                Workload.W2 => "7a1c2f10-0002-4000-8000-000000000002",
                _ => "7a1c2f10-0003-4000-8000-000000000003",
            });
            if (fhirServer is not null) w.WriteString("fhirServer", fhirServer);
            w.WriteStartObject("context");
            w.WriteString("userId", "Practitioner/perf-clinician");
            w.WriteString("patientId", PatientId);
            w.WriteEndObject();
            if (Workload != Workload.W3)
            {
                w.WriteStartObject("prefetch");
                foreach (var key in Keys)
                {
                    w.WritePropertyName(key);
                    w.WriteRawValue(Prefetch[key], skipInputValidation: true);
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>
/// Generates the workloads. The story is the same in each, so the grader does real work: a CAR-T infusion
/// (axicabtagene ciloleucel) after fludarabine/cyclophosphamide, fever from 60 h before the request (W2 also
/// had an earlier episode), low-flow oxygen for the last 24 h, hypotension 16–20 h before the request treated with
/// fluid boluses, tocilizumab and norepinephrine (still running): ASTCT grade 3. Labs include one analyte the
/// service does not read (sodium), reported as code-not-recognised. Noise comes from a seeded <see cref="Random"/>.
/// </summary>
public static class WorkloadGenerator
{
    private const string EhrBase = "https://ehr.example.org/fhir";
    private const string Loinc = "http://loinc.org";
    private const string Ucum = "http://unitsofmeasure.org";
    private const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
    private const string Snomed = "http://snomed.info/sct";
    private const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";

    private sealed record Shape(string Prefix, string PatientId, int InfusionHoursBefore, int VitalsSpanHours, int VitalsEveryMinutes, int Seed);

    private static Shape ShapeOf(Workload workload) => workload switch
    {
        Workload.W1 => new("w1", "perf-w1", 120, 120, 60, 7),
        Workload.W2 => new("w2", "perf-w2", 29 * 24, 30 * 24, 15, 30),
        Workload.W3 => new("w3", "perf-w3", 120, 120, 60, 7),
        _ => throw new ArgumentOutOfRangeException(nameof(workload)),
    };

    /// <summary>Generates <paramref name="workload"/> as of <paramref name="asOf"/> (times are whole minutes before it).</summary>
    public static WorkloadData Generate(Workload workload, DateTimeOffset asOf)
    {
        var shape = ShapeOf(workload);
        var utc = asOf.ToUniversalTime();
        var anchor = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero);
        var g = new Generation(shape, anchor);
        var prefetch = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["patient"] = g.Patient(),
            ["vitalSigns"] = g.VitalSigns(),
            ["laboratory"] = g.Laboratory(),
            ["medicationAdministrations"] = g.Administrations(),
            ["procedures"] = g.Procedures(),
            ["conditions"] = g.Conditions(),
            ["allergies"] = g.Allergies(),
        };
        return new WorkloadData(workload, shape.PatientId, asOf, prefetch, g.Counts);
    }

    /// <summary>One generation: the seeded noise and the clinical state as a function of hours before the request.</summary>
    private sealed class Generation(Shape shape, DateTimeOffset anchor)
    {
        private readonly Random _random = new(shape.Seed);
        private readonly string _subject = $"Patient/{shape.PatientId}";

        public Dictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);

        private DateTimeOffset At(double hoursBefore) => anchor.AddMinutes(-Math.Round(hoursBefore * 60));

        private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        private double HoursSinceInfusion(double hoursBefore) => shape.InfusionHoursBefore - hoursBefore;

        private bool Febrile(double h) => h < 60 || (HoursSinceInfusion(h) is >= 30 and < 80 && shape.InfusionHoursBefore > 200);

        private static bool Hypotensive(double h) => h is > 16 and <= 20;

        private static bool OnNorepinephrine(double h) => h <= 16;

        private static bool OnOxygen(double h) => h < 24;

        private decimal Noise(double amplitude) => (decimal)((_random.NextDouble() * 2 - 1) * amplitude);

        public byte[] Patient()
        {
            Counts["patient"] = 1;
            return Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("resourceType", "Patient");
                w.WriteString("id", shape.PatientId);
                w.WriteStartArray("identifier");
                w.WriteStartObject();
                w.WriteString("system", "https://ehr.example.org/mrn");
                w.WriteString("value", $"PERF-{shape.Prefix.ToUpperInvariant()}");
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteBoolean("active", true);
                w.WriteStartArray("name");
                w.WriteStartObject();
                w.WriteString("use", "official");
                w.WriteString("family", "Patient");
                w.WriteStartArray("given");
                w.WriteStringValue("Perf");
                w.WriteStringValue(shape.Prefix.ToUpperInvariant());
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteString("gender", "female");
                w.WriteString("birthDate", "1961-03-14");
                w.WriteEndObject();
            });
        }

        public byte[] VitalSigns()
        {
            using var b = new BundleWriter(shape.Prefix + "-vitals");
            var step = shape.VitalsEveryMinutes / 60.0;
            var n = shape.VitalsSpanHours * 60 / shape.VitalsEveryMinutes;
            for (var k = n; k >= 1; k--)
            {
                var h = k * step;
                var t = At(h);
                var id = $"{shape.Prefix}-{k:D5}";
                var febrile = Febrile(h);

                var temperature = febrile ? 38.3m + Math.Abs(Noise(0.8)) : 36.8m + Noise(0.4);
                Vital(b, $"{id}-temp", t, "8310-5", "Body temperature", "Temperature", w => Quantity(w, "valueQuantity", Math.Round(temperature, 1), "°C", "Cel"));

                var heartRate = Math.Round((febrile ? 112m : 78m) + Noise(8));
                Vital(b, $"{id}-hr", t, "8867-4", "Heart rate", null, w => Quantity(w, "valueQuantity", heartRate, "beats/minute", "/min"));

                var respiratoryRate = Math.Round((febrile ? 22m : 16m) + Noise(2));
                Vital(b, $"{id}-rr", t, "9279-1", "Respiratory rate", null, w => Quantity(w, "valueQuantity", respiratoryRate, "breaths/minute", "/min"));

                var (systolic, diastolic) = Hypotensive(h) ? (84m, 48m) : OnNorepinephrine(h) ? (99m, 56m) : (118m, 72m);
                systolic = Math.Round(systolic + Noise(3));
                diastolic = Math.Round(diastolic + Noise(3));
                var mean = Math.Round((systolic + (2 * diastolic)) / 3);
                Vital(b, $"{id}-bp", t, "85354-9", "Blood pressure panel with all children optional", "Blood pressure", w =>
                {
                    w.WriteStartArray("component");
                    Component(w, "8480-6", "Systolic blood pressure", systolic, "mmHg", "mm[Hg]");
                    Component(w, "8462-4", "Diastolic blood pressure", diastolic, "mmHg", "mm[Hg]");
                    Component(w, "8478-0", "Mean blood pressure", mean, "mmHg", "mm[Hg]");
                    w.WriteEndArray();
                });

                var oxygen = OnOxygen(h);
                var saturation = Math.Round((oxygen ? 94m : 97m) + Noise(1.5));
                Vital(b, $"{id}-spo2", t, "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "SpO2", w =>
                {
                    Quantity(w, "valueQuantity", saturation, "%", "%");
                    if (!oxygen) return;
                    w.WriteStartArray("component");
                    Component(w, "3151-8", "Inhaled oxygen flow rate", 3m, "L/min", "L/min");
                    w.WriteEndArray();
                }, extraCode: ("2708-6", "Oxygen saturation in Arterial blood"));
            }
            for (var day = 0; day < shape.VitalsSpanHours / 24; day++)
            {
                var h = (day * 24) + 4.5;
                var weight = Math.Round(72.4m + Noise(0.6), 1);
                Vital(b, $"{shape.Prefix}-weight-{day:D3}", At(h), "29463-7", "Body weight", "Weight", w => Quantity(w, "valueQuantity", weight, "kg", "kg"));
            }
            return Finish(b, "vitalSigns");
        }

        public byte[] Laboratory()
        {
            using var b = new BundleWriter(shape.Prefix + "-labs");
            for (var day = 0; day < shape.VitalsSpanHours / 24; day++)
            {
                var h = (day * 24) + 6.5;
                var febrile = Febrile(h);
                var d = $"{shape.Prefix}-d{day:D3}";
                Lab(b, $"{d}-crp", h, "1988-5", "C reactive protein [Mass/volume] in Serum or Plasma", Math.Round((febrile ? 150m : 12m) + Noise(10), 1), "mg/L", "mg/L", 0m, 5m);
                Lab(b, $"{d}-ferritin", h, "2276-4", "Ferritin [Mass/volume] in Serum or Plasma", Math.Round((febrile ? 2400m : 600m) + Noise(100)), "ng/mL", "ng/mL", 30m, 400m);
                Lab(b, $"{d}-creatinine", h, "2160-0", "Creatinine [Mass/volume] in Serum or Plasma", Math.Round((Hypotensive(h) ? 1.3m : 0.9m) + Noise(0.05), 2), "mg/dL", "mg/dL", 0.7m, 1.2m);
                Lab(b, $"{d}-platelets", h, "777-3", "Platelets [#/volume] in Blood by Automated count", Math.Round(90m + Noise(10)), "10*3/uL", "10*3/uL", 150m, 400m);
                Lab(b, $"{d}-anc", h, "751-8", "Neutrophils [#/volume] in Blood by Automated count", Math.Round(0.9m + Noise(0.2), 1), "10*3/uL", "10*3/uL", 1.5m, 8m);
                Lab(b, $"{d}-alt", h, "1742-6", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma", Math.Round(35m + Noise(6)), "U/L", "U/L", 7m, 45m);
                Lab(b, $"{d}-sodium", h, "2951-2", "Sodium [Moles/volume] in Serum or Plasma", Math.Round(136m + Noise(2)), "mmol/L", "mmol/L", 135m, 145m);
            }
            Lab(b, $"{shape.Prefix}-il6-1", 40, "26881-3", "Interleukin 6 [Mass/volume] in Serum or Plasma", 85m, "pg/mL", "pg/mL", 0m, 7m);
            Lab(b, $"{shape.Prefix}-il6-2", 20, "26881-3", "Interleukin 6 [Mass/volume] in Serum or Plasma", 420m, "pg/mL", "pg/mL", 0m, 7m);
            Lab(b, $"{shape.Prefix}-lactate-1", 18, "2524-7", "Lactate [Moles/volume] in Serum or Plasma", 2.8m, "mmol/L", "mmol/L", 0.5m, 2.2m);
            Lab(b, $"{shape.Prefix}-lactate-2", 10, "2524-7", "Lactate [Moles/volume] in Serum or Plasma", 1.9m, "mmol/L", "mmol/L", 0.5m, 2.2m);
            b.Entry("Observation", $"{shape.Prefix}-bcx-1", w =>
            {
                w.WriteString("status", "preliminary");
                Category(w, "laboratory", "Laboratory");
                Code(w, "code", Loinc, "600-7", "Bacteria identified in Blood by Culture", "Blood culture");
                Subject(w, "subject");
                w.WriteString("effectiveDateTime", Time(At(50)));
                w.WriteString("valueString", "No growth to date");
            });
            return Finish(b, "laboratory");
        }

        public byte[] Administrations()
        {
            using var b = new BundleWriter(shape.Prefix + "-meds");
            var infusion = shape.InfusionHoursBefore;
            for (var day = 5; day >= 3; day--)
            {
                var h = infusion + (day * 24) - 2;
                Administration(b, $"flu-{day}", h, h - 0.5, "24698", "fludarabine", "fludarabine 30 mg/m2 IV over 30 min", 30m, "mg/m2", iv: true);
                Administration(b, $"cy-{day}", h - 0.5, h - 1.5, "3002", "cyclophosphamide", "cyclophosphamide 500 mg/m2 IV over 1 h", 500m, "mg/m2", iv: true);
            }
            Administration(b, "premed-apap", infusion + 0.5, null, "161", "acetaminophen", "acetaminophen 650 mg PO premedication", 650m, "mg", iv: false);
            Administration(b, "premed-dph", infusion + 0.5, null, "3498", "diphenhydramine", "diphenhydramine 25 mg IV premedication", 25m, "mg", iv: true);
            b.Entry("MedicationAdministration", $"{shape.Prefix}-cart", w =>
            {
                w.WriteString("status", "completed");
                Code(w, "medicationCodeableConcept", "http://hl7.org/fhir/sid/ndc", "71287-119-01", "YESCARTA (axicabtagene ciloleucel) suspension for intravenous infusion", "axicabtagene ciloleucel (Yescarta)");
                Subject(w, "subject");
                Period(w, "effectivePeriod", infusion, infusion - (20 / 60.0));
                w.WriteStartObject("dosage");
                w.WriteString("text", "CAR-T cell product, single intravenous infusion per label");
                Route(w, iv: true);
                w.WriteEndObject();
            });

            for (var h = shape.VitalsSpanHours - 3.0; h > 0; h -= 12)
            {
                Administration(b, $"lev-{h:F0}", h, null, "114477", "levetiracetam", "levetiracetam 500 mg PO seizure prophylaxis", 500m, "mg", iv: false);
                Administration(b, $"ond-{h:F0}", h - 1, null, "26225", "ondansetron", "ondansetron 8 mg IV", 8m, "mg", iv: true);
            }
            for (var h = shape.VitalsSpanHours - 2.0; h > 0; h -= 24)
            {
                Administration(b, $"allo-{h:F0}", h, null, "519", "allopurinol", "allopurinol 300 mg PO", 300m, "mg", iv: false);
                Administration(b, $"ppi-{h:F0}", h - 0.25, null, "40790", "pantoprazole", "pantoprazole 40 mg PO", 40m, "mg", iv: false);
            }
            for (var h = shape.VitalsSpanHours - 1.0; h > 0; h -= 6)
            {
                if (Febrile(h)) Administration(b, $"apap-{h:F0}", h, null, "161", "acetaminophen", "acetaminophen 650 mg PO for fever", 650m, "mg", iv: false);
            }
            for (var h = 47.0; h > 0; h -= 8)
                Administration(b, $"cefepime-{h:F0}", h, h - 0.5, "20481", "cefepime", "cefepime 2 g IV over 30 min (febrile neutropenia)", 2m, "g", iv: true);
            for (var h = 19.5; h > 16.5; h -= 1)
                Administration(b, $"bolus-{h:F1}", h, h - 0.5, "9863", "sodium chloride", "sodium chloride 0.9% 500 mL IV bolus", 500m, "mL", iv: true);
            Administration(b, "toci", 20, 19, "612865", "tocilizumab", "tocilizumab 580 mg (8 mg/kg) IV over 1 h for CRS", 580m, "mg", iv: true);
            b.Entry("MedicationAdministration", $"{shape.Prefix}-norepi", w =>
            {
                w.WriteString("status", "in-progress");
                Code(w, "medicationCodeableConcept", RxNorm, "7512", "norepinephrine", "norepinephrine");
                Subject(w, "subject");
                w.WriteStartObject("effectivePeriod");
                w.WriteString("start", Time(At(16)));
                w.WriteEndObject();
                w.WriteStartObject("dosage");
                w.WriteString("text", "norepinephrine 4 mg/250 mL at 0.08 mcg/kg/min, titrate to MAP >= 65");
                Route(w, iv: true);
                w.WriteStartObject("rateQuantity");
                w.WriteNumber("value", 0.08m);
                w.WriteString("unit", "mcg/kg/min");
                w.WriteString("system", Ucum);
                w.WriteString("code", "ug/kg/min");
                w.WriteEndObject();
                w.WriteEndObject();
            });
            return Finish(b, "medicationAdministrations");
        }

        public byte[] Procedures()
        {
            using var b = new BundleWriter(shape.Prefix + "-procedures");
            return Finish(b, "procedures");
        }

        public byte[] Conditions()
        {
            using var b = new BundleWriter(shape.Prefix + "-conditions");
            b.Entry("Condition", $"{shape.Prefix}-dx", w =>
            {
                Code(w, "clinicalStatus", "http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active", null);
                Code(w, "verificationStatus", "http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", "Confirmed", null);
                w.WriteStartArray("category");
                w.WriteStartObject();
                Codings(w, "http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item", "Problem List Item");
                w.WriteEndObject();
                w.WriteEndArray();
                Code(w, "code", "http://hl7.org/fhir/sid/icd-10-cm", "C83.30", "Diffuse large B-cell lymphoma, unspecified site", null);
                Subject(w, "subject");
                w.WriteString("onsetDateTime", "2024-02-01T00:00:00Z");
                w.WriteString("recordedDate", "2024-02-01T00:00:00Z");
            });
            return Finish(b, "conditions");
        }

        public byte[] Allergies()
        {
            using var b = new BundleWriter(shape.Prefix + "-allergies");
            b.Entry("AllergyIntolerance", $"{shape.Prefix}-nka", w =>
            {
                Code(w, "clinicalStatus", "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active", "Active", null);
                Code(w, "verificationStatus", "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "confirmed", "Confirmed", null);
                Code(w, "code", Snomed, "716186003", "No known allergy", "NKA");
                Subject(w, "patient");
                w.WriteString("recordedDate", "2024-02-10");
            });
            return Finish(b, "allergies");
        }

        private byte[] Finish(BundleWriter b, string key)
        {
            Counts[key] = b.Count;
            return b.Finish();
        }

        private void Vital(BundleWriter b, string id, DateTimeOffset t, string loinc, string display, string? text, Action<Utf8JsonWriter> value, (string Code, string Display)? extraCode = null)
        {
            b.Entry("Observation", id, w =>
            {
                Meta(w, t.AddMinutes(3));
                w.WriteString("status", "final");
                Category(w, "vital-signs", "Vital Signs");
                w.WriteStartObject("code");
                w.WriteStartArray("coding");
                Coding(w, Loinc, loinc, display);
                if (extraCode is { } extra) Coding(w, Loinc, extra.Code, extra.Display);
                w.WriteEndArray();
                if (text is not null) w.WriteString("text", text);
                w.WriteEndObject();
                Subject(w, "subject");
                Encounter(w);
                w.WriteString("effectiveDateTime", Time(t));
                w.WriteString("issued", Time(t.AddMinutes(3)));
                value(w);
            });
        }

        private void Lab(BundleWriter b, string id, double h, string loinc, string display, decimal value, string unit, string ucum, decimal low, decimal high)
        {
            b.Entry("Observation", id, w =>
            {
                Meta(w, At(h - 2));
                w.WriteString("status", "final");
                Category(w, "laboratory", "Laboratory");
                Code(w, "code", Loinc, loinc, display, null);
                Subject(w, "subject");
                Encounter(w);
                w.WriteString("effectiveDateTime", Time(At(h)));
                w.WriteString("issued", Time(At(h - 2)));
                Quantity(w, "valueQuantity", value, unit, ucum);
                w.WriteStartArray("referenceRange");
                w.WriteStartObject();
                Quantity(w, "low", low, unit, ucum);
                Quantity(w, "high", high, unit, ucum);
                w.WriteEndObject();
                w.WriteEndArray();
            });
        }

        private void Administration(BundleWriter b, string id, double h, double? endH, string rxnorm, string name, string dosage, decimal dose, string unit, bool iv)
        {
            b.Entry("MedicationAdministration", $"{shape.Prefix}-ma-{id}", w =>
            {
                w.WriteString("status", "completed");
                Code(w, "medicationCodeableConcept", RxNorm, rxnorm, name, name);
                Subject(w, "subject");
                if (endH is { } end) Period(w, "effectivePeriod", h, end);
                else w.WriteString("effectiveDateTime", Time(At(h)));
                w.WriteStartObject("dosage");
                w.WriteString("text", dosage);
                Route(w, iv);
                Quantity(w, "dose", dose, unit, unit);
                w.WriteEndObject();
            });
        }

        private void Period(Utf8JsonWriter w, string name, double startH, double endH)
        {
            w.WriteStartObject(name);
            w.WriteString("start", Time(At(startH)));
            w.WriteString("end", Time(At(endH)));
            w.WriteEndObject();
        }

        private static void Meta(Utf8JsonWriter w, DateTimeOffset lastUpdated)
        {
            w.WriteStartObject("meta");
            w.WriteString("versionId", "1");
            w.WriteString("lastUpdated", lastUpdated.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+00:00'", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }

        private void Encounter(Utf8JsonWriter w)
        {
            w.WriteStartObject("encounter");
            w.WriteString("reference", $"Encounter/{shape.Prefix}-admission");
            w.WriteEndObject();
        }

        private void Subject(Utf8JsonWriter w, string name)
        {
            w.WriteStartObject(name);
            w.WriteString("reference", _subject);
            w.WriteEndObject();
        }

        private static void Route(Utf8JsonWriter w, bool iv)
        {
            if (iv) Code(w, "route", Snomed, "47625008", "Intravenous route", null);
            else Code(w, "route", Snomed, "26643006", "Oral route", null);
        }

        private static void Category(Utf8JsonWriter w, string code, string display)
        {
            w.WriteStartArray("category");
            w.WriteStartObject();
            Codings(w, ObservationCategory, code, display);
            w.WriteEndObject();
            w.WriteEndArray();
        }

        private static void Code(Utf8JsonWriter w, string name, string system, string code, string display, string? text)
        {
            w.WriteStartObject(name);
            Codings(w, system, code, display);
            if (text is not null) w.WriteString("text", text);
            w.WriteEndObject();
        }

        private static void Codings(Utf8JsonWriter w, string system, string code, string display)
        {
            w.WriteStartArray("coding");
            Coding(w, system, code, display);
            w.WriteEndArray();
        }

        private static void Coding(Utf8JsonWriter w, string system, string code, string display)
        {
            w.WriteStartObject();
            w.WriteString("system", system);
            w.WriteString("code", code);
            w.WriteString("display", display);
            w.WriteEndObject();
        }

        private static void Component(Utf8JsonWriter w, string loinc, string display, decimal value, string unit, string ucum)
        {
            w.WriteStartObject();
            Code(w, "code", Loinc, loinc, display, null);
            Quantity(w, "valueQuantity", value, unit, ucum);
            w.WriteEndObject();
        }

        private static void Quantity(Utf8JsonWriter w, string name, decimal value, string unit, string ucum)
        {
            w.WriteStartObject(name);
            w.WriteNumber("value", value);
            w.WriteString("unit", unit);
            w.WriteString("system", Ucum);
            w.WriteString("code", ucum);
            w.WriteEndObject();
        }

        private static byte[] Json(Action<Utf8JsonWriter> write)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var w = new Utf8JsonWriter(buffer)) write(w);
            return buffer.WrittenSpan.ToArray();
        }
    }

    /// <summary>Writes one searchset Bundle entry by entry (fullUrl, resource, search.mode = match).</summary>
    private sealed class BundleWriter : IDisposable
    {
        private readonly ArrayBufferWriter<byte> _buffer = new();
        private readonly Utf8JsonWriter _w;

        public BundleWriter(string id)
        {
            _w = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            _w.WriteStartObject();
            _w.WriteString("resourceType", "Bundle");
            _w.WriteString("id", id);
            _w.WriteString("type", "searchset");
            _w.WriteStartArray("entry");
        }

        public int Count { get; private set; }

        public void Entry(string type, string id, Action<Utf8JsonWriter> body)
        {
            _w.WriteStartObject();
            _w.WriteString("fullUrl", $"{EhrBase}/{type}/{id}");
            _w.WriteStartObject("resource");
            _w.WriteString("resourceType", type);
            _w.WriteString("id", id);
            body(_w);
            _w.WriteEndObject();
            _w.WriteStartObject("search");
            _w.WriteString("mode", "match");
            _w.WriteEndObject();
            _w.WriteEndObject();
            Count++;
        }

        public byte[] Finish()
        {
            _w.WriteEndArray();
            _w.WriteNumber("total", Count);
            _w.WriteEndObject();
            _w.Flush();
            return _buffer.WrittenSpan.ToArray();
        }

        public void Dispose() => _w.Dispose();
    }
}
