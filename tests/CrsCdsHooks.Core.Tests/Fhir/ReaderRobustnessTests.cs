using System.Collections;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

using CrsCdsHooks.Core.Fhir;
using CrsCdsHooks.Core.Terminology;
using CrsCdsHooks.Core.Timeline;

using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace CrsCdsHooks.Core.Tests.Fhir;

/// <summary>
/// Property-style tests: valid resources, thousands of random mutations (seeded, so failures reproduce),
/// and two properties — the reader never throws, and every input resource is either on the timeline or in
/// its issues.
/// </summary>
public sealed class ReaderRobustnessTests
{
    private const int Seed = 20260310;

    [Fact]
    public void Read_RandomlyMutatedResources_NeverThrowsAndAccountsForEveryResource()
    {
        var random = new Random(Seed);
        var watch = Stopwatch.StartNew();
        var mutations = 0;
        var reasons = new HashSet<string>(StringComparer.Ordinal);
        for (var round = 0; round < 400; round++)
        {
            var resources = Seeds().Select(r => (Resource)r.DeepCopy()).ToList();
            foreach (var resource in resources)
            {
                var count = random.Next(0, 5);
                for (var i = 0; i < count; i++) Mutate(resource, random);
                mutations += count;
            }
            var input = Perturb(resources, random);
            var timeline = ReadOrFail(input, $"round {round}");
            AssertAccounted(input, timeline, $"round {round}");
            reasons.UnionWith(timeline.Issues.Select(i => i.Reason));
        }
        // The mutations reach every kind of rejection, so the accounting above is not vacuous.
        Assert.Superset(
            new HashSet<string>
            {
                DataIssueReasons.StatusNotUsable, DataIssueReasons.NoUsableTime, DataIssueReasons.OtherPatient, DataIssueReasons.UnitNotConvertible,
                DataIssueReasons.ImplausibleValue, DataIssueReasons.NoValue, DataIssueReasons.CodeNotRecognised, DataIssueReasons.Duplicate,
                DataIssueReasons.NotReferenced, DataIssueReasons.RateNotConvertible, DataIssueReasons.TimeAfterRequest, DataIssueReasons.NotValidFhir,
            },
            reasons);
        Assert.True(mutations > 3000, $"{mutations} mutations");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"{watch.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public void Read_RandomlyMutatedJson_NeverThrowsAndAccountsForEveryResource()
    {
        var random = new Random(Seed + 1);
        var options = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);
        var seedJson = Seeds().Select(r => JsonSerializer.SerializeToNode(r, r.GetType(), options)!).ToList();
        for (var round = 0; round < 100; round++)
        {
            var issues = new List<DataIssue>();
            var accepted = new List<Resource>();
            var rejected = 0;
            for (var i = 0; i < seedJson.Count; i++)
            {
                var node = seedJson[i].DeepClone();
                var count = random.Next(0, 4);
                for (var m = 0; m < count; m++) node = MutateJson(node, random);
                using var document = JsonDocument.Parse(node?.ToJsonString() ?? "null");
                var before = issues.Count;
                var resource = FhirResourceJson.TryRead(document.RootElement, $"json/{i}", issues);
                if (resource is null)
                {
                    rejected++;
                    Assert.True(issues.Count > before, $"round {round}: a rejected resource without an issue");
                }
                else
                {
                    accepted.Add(resource);
                }
            }
            Assert.True(rejected <= issues.Count);
            var timeline = ReadOrFail(accepted, $"json round {round}");
            AssertAccounted(accepted, timeline, $"json round {round}");
        }
    }

    private static ClinicalTimeline ReadOrFail(List<Resource> input, string where)
    {
        ClinicalTimeline timeline;
        try
        {
            timeline = FhirTimelineReader.Read(Fx.PatientId, Fx.AsOf, input);
        }
        catch (Exception ex)
        {
            Assert.Fail($"{where}: the reader threw {ex}");
            throw;
        }
        // The reader's last-resort catch must never be what accounts for a resource.
        var unread = timeline.Issues.FirstOrDefault(i => i.Detail?.StartsWith("could not be read", StringComparison.Ordinal) == true);
        Assert.True(unread is null, $"{where}: {unread?.Resource} {unread?.Detail}");
        return timeline;
    }

    /// <summary>Every non-null, non-Bundle input resource is a Source of the timeline or has an issue.</summary>
    private static void AssertAccounted(List<Resource> input, ClinicalTimeline timeline, string where)
    {
        var sources = new HashSet<string>(StringComparer.Ordinal);
        if (timeline.Patient.Source is { } p) sources.Add(p);
        foreach (var x in timeline.Infusions) sources.Add(x.Source);
        foreach (var x in timeline.Temperatures) sources.Add(x.Source);
        foreach (var x in timeline.Pressures) sources.Add(x.Source);
        foreach (var x in timeline.Oxygen) sources.UnionWith(x.Sources);
        foreach (var x in timeline.Saturations) sources.Add(x.Source);
        foreach (var x in timeline.OtherVitals) sources.Add(x.Source);
        foreach (var x in timeline.Weights) sources.Add(x.Source);
        foreach (var x in timeline.Drugs) sources.Add(x.Source);
        foreach (var x in timeline.Labs) sources.Add(x.Source);
        foreach (var x in timeline.Cultures) sources.Add(x.Source);
        foreach (var x in timeline.Findings) sources.Add(x.Source);
        foreach (var x in timeline.Allergies) sources.Add(x.Source);
        var issues = timeline.Issues.Select(i => i.Resource).ToHashSet(StringComparer.Ordinal);

        var named = Flatten(input);
        foreach (var (resource, name) in named)
        {
            if (sources.Contains(name) || issues.Contains(name)) continue;
            if (resource is Medication medication && UsedByAcceptedAdministration(medication, named, sources)) continue;
            Assert.Fail($"{where}: {name} is neither on the timeline nor in the issues");
        }
    }

    /// <summary>A Medication without an issue must be named (by id or by a Bundle entry's fullUrl) by an administration on the timeline.</summary>
    private static bool UsedByAcceptedAdministration(Medication medication, List<(Resource Resource, string Name)> named, HashSet<string> sources)
    {
        var id = medication.IdElement?.JsonValue as string;
        return named.Any(n => n.Resource is MedicationAdministration ma
            && sources.Contains(n.Name)
            && ma.Medication is ResourceReference r
            && r.ReferenceElement?.JsonValue is string literal
            && ((!string.IsNullOrWhiteSpace(id) && literal.Contains(id.Trim(), StringComparison.Ordinal)) || literal.StartsWith("urn:", StringComparison.Ordinal)));
    }

    /// <summary>The reader's naming: "Type/id", or "Type/(no id)#position" among the unpacked non-Bundle items (nulls count).</summary>
    private static List<(Resource Resource, string Name)> Flatten(IEnumerable<Resource?> input)
    {
        var result = new List<(Resource, string)>();
        var position = 0;
        void Walk(Resource? r)
        {
            switch (r)
            {
                case null:
                    position++;
                    return;
                case Bundle b:
                    foreach (var e in b.Entry) Walk(e?.Resource);
                    return;
                default:
                    var raw = r.IdElement?.JsonValue as string;
                    var id = string.IsNullOrWhiteSpace(raw) ? null : raw.Trim();
                    result.Add((r, id is null ? $"{r.TypeName}/(no id)#{position}" : $"{r.TypeName}/{id}"));
                    position++;
                    return;
            }
        }
        foreach (var r in input) Walk(r);
        return result;
    }

    // ---------- seeds: one valid resource of every shape the reader knows ----------

    private static List<Resource> Seeds()
    {
        var t = Fx.T;
        var bp = Fx.Obs("bp", Fx.Loinc(Loinc.BloodPressurePanel), null);
        bp.Component.Add(Fx.Component(Loinc.SystolicPressure, Fx.Q(84, "mm[Hg]")));
        bp.Component.Add(Fx.Component(Loinc.DiastolicPressure, Fx.Q(50, "mm[Hg]")));
        bp.Component.Add(Fx.Component(Loinc.MeanPressure, Fx.Q(61, "mm[Hg]")));
        var pulseOx = Fx.Obs("po", Fx.Loinc(Loinc.PulseOximetry), Fx.Q(92, "%"));
        pulseOx.Component.Add(Fx.Component(Loinc.InhaledOxygenFlow, Fx.Q(3, "L/min")));
        pulseOx.Component.Add(Fx.Component(Loinc.InhaledOxygenConcentration, Fx.Q(0.32m, "1")));
        var anc = Fx.Obs("anc", Fx.Loinc(Loinc.AbsoluteNeutrophilCount), Fx.Q(0.3m, "10*3/uL"));
        anc.ReferenceRange.Add(new Observation.ReferenceRangeComponent { High = Fx.Q(7.5m, "10*3/uL") });
        var culture = Fx.Obs("bc", Fx.Loinc(Loinc.BloodCulture), new FhirString("Gram-negative rods"), status: "preliminary");
        culture.Interpretation.Add(new CodeableConcept(CodeSystems.ObservationInterpretation, "POS"));
        var norepinephrine = Fx.Admin("ne", new ResourceReference("Medication/m-ne"), status: "in-progress");
        norepinephrine.Effective = new Period { Start = Fx.Iso(t.AddHours(-4)) };
        norepinephrine.Dosage = new MedicationAdministration.DosageComponent { Rate = Fx.Q(0.1m, "ug/kg/min"), Dose = Fx.Q(4, "mg") };
        var contained = Fx.Admin("dex", new ResourceReference("#med"));
        contained.Contained.Add(new Medication { Id = "med", Code = Fx.RxNorm(RxNorm.Dexamethasone, "dexamethasone") });
        var ratio = Fx.Admin("phe", Fx.Text("phenylephrine"));
        ratio.Dosage = new MedicationAdministration.DosageComponent { Rate = new Ratio(Fx.Q(1.2m, "mg"), Fx.Q(1, "h")) };
        return
        [
            new Patient { Id = Fx.PatientId, BirthDate = "1970-05" },
            Fx.Temp("t1", 100.4m, "[degF]"),
            bp,
            pulseOx,
            Fx.Obs("flow", Fx.Loinc(Loinc.InhaledOxygenFlow), Fx.Q(4000, "mL/min"), t.AddMinutes(3)),
            Fx.Obs("fio2", Fx.Loinc(Loinc.InhaledOxygenConcentration), Fx.Q(40, "%")),
            Fx.Obs("dev", Fx.Text("Oxygen delivery device"), Fx.Text("non-rebreather mask")),
            Fx.Obs("w", Fx.Loinc(Loinc.BodyWeight), Fx.Q(154, "[lb_av]")),
            Fx.Obs("hr", Fx.Loinc(Loinc.HeartRate), Fx.Q(118, "/min")),
            anc,
            Fx.Obs("lac", Fx.Loinc(Loinc.Lactate), Fx.Q(40, "mg/dL")),
            culture,
            Fx.Obs("wz", Fx.Text("Lung sounds"), Fx.Sct(Snomed.Wheezing, "Wheezing")),
            norepinephrine,
            new Medication { Id = "m-ne", Code = Fx.RxNorm("1743938", "norepinephrine 4 MG in 250 ML"), Ingredient = [new Medication.IngredientComponent { Item = Fx.RxNorm(RxNorm.Norepinephrine) }] },
            contained,
            ratio,
            Fx.Admin("car", new CodeableConcept(CodeSystems.Ndc, "71287-119-01", "Yescarta"), t.AddDays(-3)),
            Fx.Proc("cpap", Fx.Sct(Snomed.Cpap, "CPAP"), new Period { Start = Fx.Iso(t.AddHours(-2)) }, "in-progress"),
            Fx.Proc("cart", Fx.Text("CAR-T cell infusion"), new FhirDateTime(t.AddDays(-3))),
            Fx.Cond("sep", Fx.Sct(Snomed.Sepsis, "Sepsis")),
            new AllergyIntolerance { Id = "al", Patient = Fx.Subject(), Code = Fx.RxNorm("7980", "penicillin G") },
        ];
    }

    // ---------- POCO mutations ----------

    private static readonly string[] Statuses =
        ["final", "amended", "corrected", "preliminary", "registered", "cancelled", "entered-in-error", "unknown", "completed", "in-progress",
         "stopped", "not-done", "on-hold", "active", "inactive", "", " ", "FINAL", "final ", "x"];

    private static readonly string[] Units =
        ["Cel", "[degF]", "K", "%", "1", "mm[Hg]", "kPa", "L/min", "mL/min", "kg", "g", "[lb_av]", "/min", "10*3/uL", "/uL", "mg/dL",
         "ug/kg/min", "mg/h", "mcg/min", "U/min", "mL/h", "furlong", "", " ", "{x}", "10*999/L", "((((kg", "°F", "lb", "IU/L", "umol/L"];

    private static readonly string[] Literals =
        ["", " ", "2026-13-45", "2026-03-10", "2026-03", "2026", "2026-03-10T10:00:00", "2026-03-10T10:00:00Z", "2026-03-10T11:59:00+14:00",
         "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "abc", "Patient/p2", "Patient/p1", "urn:uuid:1", "#med", "-1", "0", "NaN", "∞", "\u0000",
         "norepinephrine", "epinephrine", "CAR-T infusion", "room air", "no growth", "pending", new string('x', 5000)];

    private static readonly decimal[] Numbers =
        [0m, -1m, 0.0001m, 0.28m, 1m, 21m, 37.95m, 38m, 45m, 100.4m, 300m, 1e9m, 1e27m, decimal.MaxValue, decimal.MinValue, 79228162514264.337593543950335m];

    private static readonly string[] References =
        ["Patient/p1", "Patient/p2", "https://ehr/fhir/Patient/p2/_history/1", "Group/g", "urn:uuid:x", "", "/", "Patient/", "Patient/p1/_history/",
         "#x", "p1", "Medication/m-ne", "Medication/missing", "Medication/", "urn:uuid:", "?", "Patient/p1?x=1"];

    private static CodeableConcept RandomConcept(Random r)
    {
        var pool = new[]
        {
            Fx.Loinc(Loinc.BodyTemperature), Fx.Loinc(Loinc.SystolicPressure), Fx.Loinc(Loinc.InhaledOxygenConcentration),
            Fx.Loinc(Loinc.BloodCulture), Fx.Loinc(Loinc.Procalcitonin), Fx.Loinc("0000-0"), Fx.Sct(Snomed.Cpap), Fx.Sct(Snomed.NoGrowth),
            Fx.Sct(Snomed.Urticaria), Fx.Sct(Snomed.Absent), Fx.RxNorm(RxNorm.Epinephrine), Fx.Text("mask"), Fx.Text("Tylenol"),
            Fx.Text("tracheostomy"), new CodeableConcept(), new CodeableConcept { Coding = [new Coding()] },
            new CodeableConcept { Coding = [null!] }, new CodeableConcept(null, null, null, "   "),
        };
        return pool[r.Next(pool.Length)];
    }

    private static DataType RandomChoice(Random r) => r.Next(12) switch
    {
        0 => new Quantity { Value = Numbers[r.Next(Numbers.Length)], Code = Units[r.Next(Units.Length)], System = r.Next(2) == 0 ? CodeSystems.Ucum : null },
        1 => new FhirString(Literals[r.Next(Literals.Length)]),
        2 => RandomConcept(r),
        3 => new Period { Start = Literals[r.Next(Literals.Length)], End = Literals[r.Next(Literals.Length)] },
        4 => new FhirDateTime { JsonValue = Literals[r.Next(Literals.Length)] },
        5 => new FhirBoolean(r.Next(2) == 0),
        6 => new Integer(r.Next(int.MinValue, int.MaxValue)),
        7 => new Ratio(Fx.Q(Numbers[r.Next(Numbers.Length)], Units[r.Next(Units.Length)]), new Quantity { Value = Numbers[r.Next(Numbers.Length)] }),
        8 => new ResourceReference(References[r.Next(References.Length)]),
        9 => new Instant { JsonValue = Literals[r.Next(Literals.Length)] },
        10 => new Hl7.Fhir.Model.Range { Low = Fx.Q(1, "kg") },
        _ => new Timing(),
    };

    /// <summary>The choice elements ([x]) of the resources read: any data type may be put there through the typed API.</summary>
    private static bool IsChoice(Base parent, string key) => (parent, key) switch
    {
        (Observation or Observation.ComponentComponent, "value") => true,
        (Observation or MedicationAdministration, "effective") => true,
        (Condition, "onset") => true,
        (Procedure, "performed") => true,
        (MedicationAdministration, "medication") => true,
        (MedicationAdministration.DosageComponent, "rate") => true,
        (Medication.IngredientComponent, "item") => true,
        _ => false,
    };

    private static void Mutate(Resource resource, Random random)
    {
        var nodes = new List<(Base Parent, string Key, object Value, IList? List, int Index)>();
        Collect(resource, nodes, 0);
        if (nodes.Count == 0) return;
        var (parent, key, value, list, index) = nodes[random.Next(nodes.Count)];
        switch (random.Next(8))
        {
            case 0: // remove the element (or null the list item)
                if (list is not null) list[index] = null;
                else parent.SetValue(key, null);
                break;
            case 1 when value is PrimitiveType primitive: // a wrong or absurd literal
                primitive.JsonValue = random.Next(3) switch
                {
                    0 => Literals[random.Next(Literals.Length)],
                    1 => (object)Numbers[random.Next(Numbers.Length)],
                    _ => random.Next(2) == 0,
                };
                break;
            case 2 when value is CodeableConcept && list is null:
                parent.SetValue(key, RandomConcept(random));
                break;
            case 3 when IsChoice(parent, key) && list is null:
                parent.SetValue(key, RandomChoice(random));
                break;
            case 4 when value is Quantity q:
                q.Code = Units[random.Next(Units.Length)];
                q.Value = Numbers[random.Next(Numbers.Length)];
                break;
            case 5 when value is ResourceReference reference:
                reference.Reference = References[random.Next(References.Length)];
                break;
            case 6 when key == "status" && value is PrimitiveType status:
                status.JsonValue = Statuses[random.Next(Statuses.Length)];
                break;
            case 7 when list is not null:
                list.Add(null);
                break;
            default: // an empty string where a value was
                if (value is PrimitiveType p) p.JsonValue = "";
                break;
        }
    }

    private static void Collect(Base node, List<(Base, string, object, IList?, int)> nodes, int depth)
    {
        if (depth > 6) return;
        foreach (var (key, value) in node.EnumerateElements().ToList())
        {
            if (value is IList list)
            {
                for (var i = 0; i < list.Count; i++)
                {
                    if (list[i] is not Base child) continue;
                    nodes.Add((node, key, child, list, i));
                    Collect(child, nodes, depth + 1);
                }
            }
            else if (value is Base child)
            {
                nodes.Add((node, key, child, null, -1));
                Collect(child, nodes, depth + 1);
            }
        }
    }

    /// <summary>Input-level noise: duplicates, nulls, other resource types, Bundles, missing ids, shuffled order.</summary>
    private static List<Resource> Perturb(List<Resource> resources, Random random)
    {
        var input = new List<Resource>(resources);
        if (random.Next(4) == 0) input.Add((Resource)resources[random.Next(resources.Count)].DeepCopy());
        if (random.Next(4) == 0) input.Add(null!);
        if (random.Next(6) == 0) input.Add(new OperationOutcome { Id = "oo" });
        if (random.Next(4) == 0) input[random.Next(input.Count)]?.SetValue("id", null);
        if (random.Next(3) == 0)
        {
            var take = random.Next(1, 5);
            var bundle = new Bundle { Id = "b" };
            for (var i = 0; i < take && input.Count > 0; i++)
            {
                var at = random.Next(input.Count);
                bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = random.Next(2) == 0 ? "urn:uuid:x" : null, Resource = input[at] });
                input.RemoveAt(at);
            }
            input.Add(bundle);
        }
        return [.. input.OrderBy(_ => random.Next())];
    }

    // ---------- JSON mutations ----------

    private static JsonNode? MutateJson(JsonNode? root, Random random)
    {
        var nodes = new List<JsonNode>();
        void Walk(JsonNode? n)
        {
            if (n is null) return;
            nodes.Add(n);
            if (n is JsonObject o) foreach (var (_, v) in o) Walk(v);
            if (n is JsonArray a) foreach (var v in a) Walk(v);
        }
        Walk(root);
        var target = nodes[random.Next(nodes.Count)];
        if (target == root) return root;
        JsonNode? replacement = random.Next(9) switch
        {
            0 => null,
            1 => JsonValue.Create(""),
            2 => JsonValue.Create(Literals[random.Next(Literals.Length)]),
            3 => JsonValue.Create(Numbers[random.Next(Numbers.Length)]),
            4 => JsonValue.Create(random.Next(2) == 0),
            5 => new JsonObject(),
            6 => new JsonArray(),
            7 => JsonValue.Create(Statuses[random.Next(Statuses.Length)]),
            _ => JsonNode.Parse("1e400"),
        };
        var parent = target.Parent;
        if (parent is JsonObject obj)
        {
            var key = obj.First(kv => ReferenceEquals(kv.Value, target)).Key;
            if (random.Next(4) == 0) obj.Remove(key);
            else obj[key] = replacement;
        }
        else if (parent is JsonArray array)
        {
            array[array.IndexOf(target)] = replacement;
        }
        return root;
    }
}
