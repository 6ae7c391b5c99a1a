using System.Text.Json;
using System.Text.Json.Nodes;

using CrsCdsHooks.Core.Cards;
using CrsCdsHooks.Core.CdsHooks;
using CrsCdsHooks.Core.Differential;
using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Management;
using CrsCdsHooks.Core.Tests.Grading;
using CrsCdsHooks.Core.Timeline;

using static CrsCdsHooks.Core.Tests.Grading.TimelineBuilder;

namespace CrsCdsHooks.Core.Tests.Cards;

/// <summary>One CRS card's inputs: what the facade would hand the builder.</summary>
internal sealed record CardScenario(
    string Name,
    ClinicalTimeline Timeline,
    CrsAssessment Assessment,
    DifferentialFinding Infection,
    DifferentialFinding Anaphylaxis,
    ManagementPlan Plan)
{
    /// <summary>Builds the card with a fresh deterministic id source (suggestion uuids come first, as the planner assigns them).</summary>
    public CdsCard Card()
    {
        var ids = new SequentialCardIdSource();
        for (var i = 0; i < Plan.Suggestions.Count; i++) ids.NewId();
        var extension = AssessmentExtension.Build(Assessment, Infection, Anaphylaxis, Plan.Tocilizumab, Timeline.Issues);
        return CrsCardBuilder.Build(Assessment, Timeline, Infection, Anaphylaxis, Plan, ids, extension);
    }

    public override string ToString() => Name;
}

/// <summary>Representative CRS cards (synthetic data), used by the golden and the rule tests.</summary>
internal static class CardScenarios
{
    public static readonly JsonSerializerOptions Indented = new(CdsJson.Options) { WriteIndented = true };

    private static readonly DateTimeOffset Recent = AsOf.AddHours(-1);

    public static IReadOnlyList<CardScenario> All { get; } =
    [
        Grade2HypotensionWithPlan(),
        Grade1NoBloodPressure(),
        Grade0FeverMasked(),
        Grade0NotCrs(),
        Grade4TwoPressorsAndManyIssues(),
        Lee2014PrimaryRateUnknown(),
        Grade0UpTo3NoTemperatureNasalCannulaWithoutFlow(),
    ];

    public static TheoryData<string> Names
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var s in All) data.Add(s.Name);
            return data;
        }
    }

    public static CardScenario Get(string name) => All.Single(s => s.Name == name);

    public static ManagementPlan NoPlan(int dosesLast24h = 0, int dosesTotal = 0) =>
        new(new TocilizumabStatus(dosesLast24h, dosesTotal, null, null, null), [], ["- Supportive care: acetaminophen, fluids; early tocilizumab is product- and institution-dependent."]);

    public static ManagementPlan TocilizumabPlan()
    {
        var ids = new SequentialCardIdSource();
        var suggestion = new CdsSuggestion
        {
            Label = "Tocilizumab 640 mg IV over 1 h",
            Uuid = ids.NewId(),
            IsRecommended = true,
            Actions =
            [
                new CdsAction
                {
                    Type = "create",
                    Description = "Draft MedicationRequest: tocilizumab 8 mg/kg × 80 kg = 640 mg IV over 1 h",
                    Resource = JsonNode.Parse("""{"resourceType":"MedicationRequest","status":"draft","intent":"proposal"}"""),
                },
            ],
        };
        return new ManagementPlan(
            new TocilizumabStatus(0, 0, 640, null, null),
            [suggestion],
            ["- Tocilizumab 8 mg/kg × 80 kg = 640 mg IV over 1 h (max 800 mg); repeat ≥ 8 h apart if no improvement.", "- CRP and ferritin daily."]);
    }

    private static CardScenario Make(string name, TimelineBuilder builder, DifferentialFinding? infection = null, DifferentialFinding? anaphylaxis = null,
        ManagementPlan? plan = null, GradingSystem primary = GradingSystem.Astct2019)
    {
        var timeline = builder.Build();
        var assessment = CrsGrader.Grade(timeline, AsOf, new CrsOptions(), primary);
        return new CardScenario(name, timeline, assessment, infection ?? DifferentialFinding.None, anaphylaxis ?? DifferentialFinding.None, plan ?? NoPlan());
    }

    private static CardScenario Grade2HypotensionWithPlan() => Make(
        "grade2-hypotension-with-plan",
        Adult().Weight(AsOf.AddDays(-3), 80m).Fever(38.9m).Pressure(Recent, 84, 50, 61).SpO2(Recent, 95m).HeartRate(Recent, 118m).RespiratoryRate(Recent, 22m)
            .Issue("Observation/t9", DataIssueReasons.UnitNotConvertible, "unit 'furlong' is not a temperature unit"),
        infection: new DifferentialFinding(FindingLevel.Possible, ["febrile-neutropenia"],
            [new EvidenceItem("anc", "ANC 0.3 × 10⁹/L", AsOf.AddHours(-6), ["Observation/anc1"])],
            ["Febrile neutropenia: start empiric broad-spectrum antibiotics within 1 hour."]),
        plan: TocilizumabPlan());

    private static CardScenario Grade1NoBloodPressure() => Make(
        "grade1-no-blood-pressure",
        Adult().Fever(38.2m));

    private static CardScenario Grade0FeverMasked() => Make(
        "grade0-fever-masked",
        Day3Adult().Temperature(AsOf.AddHours(-30), 39.1m).DrugAt(Drug.Tocilizumab, AsOf.AddHours(-28)).Temperature(Recent, 37.2m),
        plan: NoPlan(dosesLast24h: 0, dosesTotal: 1));

    private static CardScenario Grade0NotCrs() => Make(
        "grade0-not-crs",
        Adult().Temperature(Recent, 37.1m).Pressure(Recent, 78, 40, 52));

    private static CardScenario Grade4TwoPressorsAndManyIssues()
    {
        var b = Adult().Infusion(T0.AddDays(1), CarTProduct.AxicabtageneCiloleucel).Weight(AsOf.AddDays(-1), 72.5m).Fever(39.6m)
            .Temperature(AsOf.AddHours(-3), 39.7m, new RecordedValue(103.5m, "[degF](javascript:alert(1))"))
            .Pressure(AsOf.AddHours(-6), 76, 38, 50)
            .Running(Drug.Norepinephrine, AsOf.AddHours(-5), PerKilogram(0.3m))
            .Running(Drug.Phenylephrine, AsOf.AddHours(-2), PerMinute(150))
            .Running(Drug.Dobutamine, AsOf.AddHours(-2), PerKilogram(5))
            .Oxygen(AsOf.AddHours(-3), OxygenDevice.HighFlowNasalCannula, flow: 40m, fio2: 60)
            .Oxygen(Recent, OxygenDevice.Bipap, fio2: 60)
            .Lab(LabAnalyte.Creatinine, AsOf.AddHours(-4), 2.9m, "mg/dL", 1.1m)
            .Lab(LabAnalyte.Bilirubin, AsOf.AddHours(-4), 2.0m, "mg/dL", null)
            .ReviewNote("Tracheostomy tube recorded earlier this admission: review oxygen support")
            .Issue("Observation/x|<script>", DataIssueReasons.NotValidFhir, "[click](javascript:alert(1))");
        for (var i = 1; i <= 14; i++) b.Issue($"Observation/implausible{i}", DataIssueReasons.ImplausibleValue);
        b.Issue("Observation/other1", DataIssueReasons.OtherPatient);
        return Make(
            "grade4-two-pressors-many-issues",
            b,
            infection: new DifferentialFinding(FindingLevel.Likely, ["positive-blood-culture"],
                [new EvidenceItem("blood-culture", "Positive blood culture: Escherichia coli", AsOf.AddDays(-1), ["Observation/bc1"])],
                ["Infection is not excluded: fever is present, and CRS and infection can coexist."]),
            anaphylaxis: new DifferentialFinding(FindingLevel.Possible, ["exposure-and-skin-sign"],
                [new EvidenceItem("skin", "Urticaria", AsOf.AddHours(-7), ["Condition/u1"])], []),
            plan: TocilizumabPlan());
    }

    private static CardScenario Lee2014PrimaryRateUnknown() => Make(
        "lee2014-primary-rate-unknown",
        new TimelineBuilder().BornOn(new DateOnly(1961, 11, 2)).Infusion(T0, CarTProduct.LisocabtageneMaraleucel).Pressure(Recent, 96, 58, 70)
            .Fever(38.4m).Running(Drug.Norepinephrine, AsOf.AddHours(-5), PerKilogram(0.2m)),
        primary: GradingSystem.Lee2014);

    private static CardScenario Grade0UpTo3NoTemperatureNasalCannulaWithoutFlow() => Make(
        "grade0-up-to-3-no-temperature-nasal-cannula",
        new TimelineBuilder().BornOn(new DateOnly(2016, 2, 29)).Infusion(T0, CarTProduct.Unspecified).Pressure(Recent, 101, 60)
            .Oxygen(Recent, OxygenDevice.NasalCannula).SpO2(Recent, 92m));
}
