using CrsCdsHooks.Core.Cards;
using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Terminology;

using Hl7.Fhir.Model;

namespace CrsCdsHooks.Core.Tests.Fhir;

/// <summary>
/// CRS-SPEC §2 end to end: every shape and unit a FHIR record may use for the same clinical fact gives the same
/// grade through the whole core (reader → grader), adult, day 3 after axi-cel, fever 38.5 °C unless the variant is
/// the temperature itself. ASTCT 2019 for most shapes; Lee 2014 where a unit decides it (weight and vasopressor rate
/// units, §4/§9.15; FiO2 as a fraction or a percent, §9.5/§9.28).
/// </summary>
public sealed class RepresentationGradeTests
{
    private static readonly DateTimeOffset Infused = Fx.AsOf.AddDays(-3);

    private static readonly Resource[] Background =
    [
        new Patient { Id = Fx.PatientId, BirthDate = "1970-05-01" },
        Fx.Admin("cart", new CodeableConcept { Text = "Yescarta (axicabtagene ciloleucel) suspension for IV infusion" }, Infused),
        Fx.Obs("bp", Fx.Loinc(Loinc.BloodPressurePanel), null, Fx.AsOf.AddHours(-2)).WithComponents(
            Fx.Component(Loinc.SystolicPressure, Fx.Q(118, "mm[Hg]")), Fx.Component(Loinc.DiastolicPressure, Fx.Q(70, "mm[Hg]"))),
    ];

    private static readonly Observation Fever = Fx.Temp("fever", 38.5m, "Cel", Fx.AsOf.AddHours(-3));

    public static TheoryData<string, Resource[], int> Temperatures() => new()
    {
        { "38.0 Cel", [Fx.Temp("t", 38.0m, "Cel")], 1 },
        { "100.4 [degF]", [Fx.Temp("t", 100.4m, "[degF]")], 1 },
        { "311.15 K", [Fx.Temp("t", 311.15m, "K")], 1 },
        { "oral temperature 8331-1, 38.0 Cel", [Fx.Obs("t", Fx.Loinc("8331-1", "Oral temperature"), Fx.Q(38.0m, "Cel"))], 1 },
        { "37.9 Cel", [Fx.Temp("t", 37.9m, "Cel")], 0 },
        { "100.2 [degF] (37.89 °C)", [Fx.Temp("t", 100.2m, "[degF]")], 0 },
        { "37.95 Cel rounds half away from zero to 38.0", [Fx.Temp("t", 37.95m, "Cel")], 1 },
    };

    [Theory]
    [MemberData(nameof(Temperatures))]
    public void Fever_EveryTemperatureUnitAndCode_GradesTheSame(string shape, Resource[] resources, int grade)
    {
        Assert.True(grade == Grade(resources), shape);
    }

    public static TheoryData<string, Resource[], int> Oxygen() => new()
    {
        { "pulse-ox with flow component 7 L/min + NC device Observation", [PulseOx(Fx.Q(7, "L/min")), Device(Snomed("336623009", "Nasal cannula"))], 3 },
        { "separate 3151-8 flow 7 L/min + NC device", [Flow(Fx.Q(7, "L/min")), Device(Snomed("336623009", "Nasal cannula"))], 3 },
        { "flow 7000 mL/min + NC device", [Flow(Fx.Q(7000, "mL/min")), Device(Snomed("336623009", "Nasal cannula"))], 3 },
        { "NC as a Procedure + flow 7 L/min", [Fx.Proc("nc", Snomed("371907003", "Oxygen administration by nasal cannula")), Flow(Fx.Q(7, "L/min"))], 3 },
        { "device text only 'nasal cannula' + flow 7", [Device(new CodeableConcept { Text = "Nasal cannula" }), Flow(Fx.Q(7, "L/min"))], 3 },
        { "flow 7 L/min, no device", [Flow(Fx.Q(7, "L/min"))], 3 },
        { "NC 6 L/min (components)", [PulseOx(Fx.Q(6, "L/min")), Device(Snomed("336623009", "Nasal cannula"))], 2 },
        { "NC 6000 mL/min", [Flow(Fx.Q(6000, "mL/min")), Device(Snomed("336623009", "Nasal cannula"))], 2 },
        { "Venturi 28 % FiO2", [Device(Snomed("465433006", "Venturi mask")), FiO2(Fx.Q(28, "%"))], 3 },
        { "Venturi FiO2 0.28 (unit 1)", [Device(Snomed("465433006", "Venturi mask")), FiO2(Fx.Q(0.28m, "1"))], 3 },
        { "BiPAP coded", [Device(Snomed("243142003", "BiPAP"))], 4 },
        { "BiPAP as text 'BiPAP mask'", [Device(new CodeableConcept { Text = "BiPAP mask" })], 4 },
    };

    [Theory]
    [MemberData(nameof(Oxygen))]
    public void Hypoxia_EveryOxygenShape_GradesTheSame(string shape, Resource[] resources, int grade)
    {
        Assert.True(grade == Grade([Fever, .. resources]), shape);
    }

    public static TheoryData<string, Resource[], int> Pressures() => new()
    {
        { "panel 85354-9, systolic 84", [Fx.Obs("bp2", Fx.Loinc(Loinc.BloodPressurePanel), null).WithComponents(Fx.Component(Loinc.SystolicPressure, Fx.Q(84, "mm[Hg]")), Fx.Component(Loinc.DiastolicPressure, Fx.Q(50, "mm[Hg]")))], 2 },
        { "separate 8480-6, systolic 84", [Fx.Obs("sbp", Fx.Loinc(Loinc.SystolicPressure), Fx.Q(84, "mm[Hg]"))], 2 },
        { "separate 8480-6 in kPa (11.2 kPa = 84 mmHg)", [Fx.Obs("sbp", Fx.Loinc(Loinc.SystolicPressure), Fx.Q(11.2m, "kPa"))], 2 },
        { "MAP 8478-0 alone, 64 (adult)", [Fx.Obs("map", Fx.Loinc(Loinc.MeanPressure), Fx.Q(64, "mm[Hg]"))], 2 },
        { "systolic 90", [Fx.Obs("sbp", Fx.Loinc(Loinc.SystolicPressure), Fx.Q(90, "mm[Hg]"))], 1 },
    };

    [Theory]
    [MemberData(nameof(Pressures))]
    public void Hypotension_EveryPressureShape_GradesTheSame(string shape, Resource[] resources, int grade)
    {
        Assert.True(grade == Grade([Fever, .. resources]), shape);
    }

    public static TheoryData<string, Resource[]> Norepinephrine()
    {
        var contained = Fx.Admin("ne", new ResourceReference("#med"), Fx.AsOf.AddHours(-2));
        contained.Contained.Add(new Medication { Id = "med", Code = new CodeableConcept { Text = "Levophed 4 mg/4 mL" } });
        return new()
        {
            { "RxNorm ingredient 7512", [Fx.Admin("ne", Fx.RxNorm("7512", "norepinephrine"), Fx.AsOf.AddHours(-2))] },
            { "product-level code, name only in display", [Fx.Admin("ne", new CodeableConcept("http://hl7.org/fhir/sid/ndc", "0409-1443-01", "Norepinephrine bitartrate 1 mg/mL injection"), Fx.AsOf.AddHours(-2))] },
            { "text only: noradrenaline", [Fx.Admin("ne", new CodeableConcept { Text = "noradrenaline infusion" }, Fx.AsOf.AddHours(-2))] },
            { "contained Medication 'Levophed'", [contained] },
            { "referenced Medication with the ingredient", [Fx.Admin("ne", new ResourceReference("Medication/m1"), Fx.AsOf.AddHours(-2)), new Medication { Id = "m1", Ingredient = [new Medication.IngredientComponent { Item = Fx.RxNorm("7512", "norepinephrine") }] }] },
        };
    }

    [Theory]
    [MemberData(nameof(Norepinephrine))]
    public void Vasopressor_EveryMedicationShape_IsGrade3(string shape, Resource[] resources)
    {
        Assert.True(Grade([Fever, .. resources]) == 3, shape);
    }

    public static TheoryData<string, Resource[], int> LeeVasopressorRates() => new()
    {
        { "norepinephrine 20 µg/min (no weight needed)", [NorepinephrineRunning(Fx.Q(20, "ug/min"))], 3 },
        { "norepinephrine 0.25 µg/kg/min, weight 80 kg (= 20 µg/min)", [NorepinephrineRunning(Fx.Q(0.25m, "ug/kg/min")), Weight(Fx.Q(80, "kg"))], 3 },
        { "norepinephrine 0.25 µg/kg/min, weight 80000 g", [NorepinephrineRunning(Fx.Q(0.25m, "ug/kg/min")), Weight(Fx.Q(80000, "g"))], 3 },
        { "norepinephrine 0.25 µg/kg/min, weight 176.37 [lb_av] (80.0 kg)", [NorepinephrineRunning(Fx.Q(0.25m, "ug/kg/min")), Weight(Fx.Q(176.37m, "[lb_av]"))], 3 },
        { "norepinephrine 250 ng/kg/min, weight 80 kg", [NorepinephrineRunning(Fx.Q(250, "ng/kg/min")), Weight(Fx.Q(80, "kg"))], 3 },
        { "norepinephrine 19 µg/min", [NorepinephrineRunning(Fx.Q(19, "ug/min"))], 2 },
        { "norepinephrine 0.24 µg/kg/min, weight 80 kg (= 19.2 µg/min)", [NorepinephrineRunning(Fx.Q(0.24m, "ug/kg/min")), Weight(Fx.Q(80, "kg"))], 2 },
        { "norepinephrine 0.24 µg/kg/min, weight 176.37 [lb_av]", [NorepinephrineRunning(Fx.Q(0.24m, "ug/kg/min")), Weight(Fx.Q(176.37m, "[lb_av]"))], 2 },
    };

    [Theory]
    [MemberData(nameof(LeeVasopressorRates))]
    public void LeeHighDose_EveryWeightAndRateUnit_GradesTheSame(string shape, Resource[] resources, int lee)
    {
        var grades = Grades([Fever, .. resources]);
        Assert.True(lee == grades.Lee, $"{shape}: Lee {grades.Lee}");
        Assert.True(grades.Astct == 3, $"{shape}: ASTCT {grades.Astct}");
    }

    public static TheoryData<string, Resource[], int> LeeFiO2() => new()
    {
        { "flow 2 L/min, FiO2 0.45 (unit 1), no device", [Flow(Fx.Q(2, "L/min")), FiO2(Fx.Q(0.45m, "1"))], 3 },
        { "flow 2 L/min, FiO2 45 %, no device", [Flow(Fx.Q(2, "L/min")), FiO2(Fx.Q(45, "%"))], 3 },
        { "flow 2 L/min, FiO2 0.45 (no unit), no device", [Flow(Fx.Q(2, "L/min")), FiO2(Fx.Q(0.45m, null))], 3 },
        { "flow 2 L/min, FiO2 0.35 (unit 1), no device", [Flow(Fx.Q(2, "L/min")), FiO2(Fx.Q(0.35m, "1"))], 2 },
        { "flow 2 L/min, FiO2 35 %, no device", [Flow(Fx.Q(2, "L/min")), FiO2(Fx.Q(35, "%"))], 2 },
    };

    [Theory]
    [MemberData(nameof(LeeFiO2))]
    public void LeeHypoxia_FiO2AsFractionOrPercent_GradesTheSame(string shape, Resource[] resources, int lee)
    {
        // §9.28: flow and a recorded FiO2 without a device → the FiO2 gives the Lee grade (upper bound 3).
        var grades = Grades([Fever, .. resources]);
        Assert.True(lee == grades.Lee, $"{shape}: Lee {grades.Lee}");
    }

    private static int Grade(Resource[] resources) => Grades(resources).Astct;

    private static (int Astct, int Lee) Grades(Resource[] resources)
    {
        var view = new CrsPatientView(new CrsOptions());
        var evaluation = view.Evaluate(new PatientViewInput(Fx.PatientId, Fx.AsOf, [.. Background, .. resources], []), new SequentialCardIdSource());
        Assert.True(evaluation.Assessment.Eligible);
        return (evaluation.Assessment.Current[GradingSystem.Astct2019].Grade, evaluation.Assessment.Current[GradingSystem.Lee2014].Grade);
    }

    /// <summary>Norepinephrine running for the last 4 h (in progress, no end): sustained ≥ 3 h (Lee 2014, §9.15).</summary>
    private static MedicationAdministration NorepinephrineRunning(Quantity rate)
    {
        var administration = Fx.Admin("ne", Fx.RxNorm("7512", "norepinephrine"), status: "in-progress");
        administration.Effective = new Period { Start = Fx.Iso(Fx.AsOf.AddHours(-4)) };
        administration.Dosage = new MedicationAdministration.DosageComponent { Rate = rate };
        return administration;
    }

    private static Observation Weight(Quantity weight) => Fx.Obs("wt", Fx.Loinc(Loinc.BodyWeight, "Body weight"), weight, Fx.AsOf.AddDays(-1));

    private static CodeableConcept Snomed(string code, string display) => Fx.Sct(code, display);

    private static Observation Device(CodeableConcept device) =>
        Fx.Obs("dev", Fx.Loinc("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"), null, Fx.AsOf.AddHours(-1).AddMinutes(2)).With(o =>
        {
            o.Code = new CodeableConcept { Text = "Oxygen delivery device" };
            o.Value = device;
        });

    private static Observation Flow(Quantity flow) => Fx.Obs("flow", Fx.Loinc("3151-8", "Inhaled oxygen flow rate"), flow, Fx.AsOf.AddHours(-1));

    private static Observation FiO2(Quantity fio2) => Fx.Obs("fio2", Fx.Loinc("3150-0", "Inhaled oxygen concentration"), fio2, Fx.AsOf.AddHours(-1));

    private static Observation PulseOx(Quantity flow) =>
        Fx.Obs("spo2", Fx.Loinc("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"), Fx.Q(93, "%"), Fx.AsOf.AddHours(-1))
            .WithComponents(Fx.Component("3151-8", flow));
}

internal static class ObservationShapes
{
    public static Observation WithComponents(this Observation observation, params Observation.ComponentComponent[] components)
    {
        observation.Component.AddRange(components);
        return observation;
    }

    public static Observation With(this Observation observation, Action<Observation> change)
    {
        change(observation);
        return observation;
    }
}
