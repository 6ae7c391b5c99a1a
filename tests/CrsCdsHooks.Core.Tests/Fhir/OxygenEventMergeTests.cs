using CrsCdsHooks.Core.Cards;
using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Terminology;
using CrsCdsHooks.Core.Timeline;

using Hl7.Fhir.Model;

namespace CrsCdsHooks.Core.Tests.Fhir;

/// <summary>
/// CRS-SPEC §9.9 end to end: device, flow and FiO2 recorded within 10 minutes of each other are one oxygen event,
/// measured record to record (a chain), and a flow change inside 10 minutes keeps the device. Adult, day 3 after
/// axi-cel, fever 38.5 °C, normal blood pressure.
/// </summary>
public sealed class OxygenEventMergeTests
{
    private static readonly DateTimeOffset Infused = Fx.AsOf.AddDays(-3);
    private static readonly DateTimeOffset Zero = Fx.AsOf.AddHours(-1);

    private static readonly Resource[] Background =
    [
        new Patient { Id = Fx.PatientId, BirthDate = "1970-05-01" },
        Fx.Admin("cart", new CodeableConcept { Text = "Yescarta (axicabtagene ciloleucel) suspension for IV infusion" }, Infused),
        Fx.Obs("bp", Fx.Loinc(Loinc.BloodPressurePanel), null, Fx.AsOf.AddHours(-2)).WithComponents(
            Fx.Component(Loinc.SystolicPressure, Fx.Q(118, "mm[Hg]")), Fx.Component(Loinc.DiastolicPressure, Fx.Q(70, "mm[Hg]"))),
        Fx.Temp("fever", 38.5m, "Cel", Fx.AsOf.AddHours(-3)),
    ];

    private static Observation NasalCannula(string id, int minute) =>
        Fx.Obs(id, Fx.Text("Oxygen delivery device"), Fx.Sct(Snomed.NasalCannula, "Nasal cannula"), Zero.AddMinutes(minute));

    private static Observation Flow(string id, decimal litres, int minute) =>
        Fx.Obs(id, Fx.Loinc(Loinc.InhaledOxygenFlow), Fx.Q(litres, "L/min"), Zero.AddMinutes(minute));

    private static Observation FiO2(string id, int percent, int minute) =>
        Fx.Obs(id, Fx.Loinc(Loinc.InhaledOxygenConcentration), Fx.Q(percent, "%"), Zero.AddMinutes(minute));

    public static TheoryData<string, Resource[]> ChainsWithinTenMinutes() => new()
    {
        { "NC at 0, flow 3 L/min at 4, FiO2 33 % at 11", [NasalCannula("nc", 0), Flow("flow", 3, 4), FiO2("fio2", 33, 11)] },
        { "flow 2 at 0, NC at 6, flow 2 at 12", [Flow("flow1", 2, 0), NasalCannula("nc", 6), Flow("flow2", 2, 12)] },
        { "NC at 0, flow 2 at 8, NC re-charted at 12", [NasalCannula("nc1", 0), Flow("flow", 2, 8), NasalCannula("nc2", 12)] },
    };

    [Theory]
    [MemberData(nameof(ChainsWithinTenMinutes))]
    public void Hypoxia_RecordsEachWithinTenMinutesOfTheLast_AreOneNasalCannulaEvent_Grade2UpTo2(string shape, Resource[] oxygen)
    {
        var evaluation = Evaluate(oxygen);
        var astct = evaluation.Assessment.Current[GradingSystem.Astct2019];
        Assert.True((2, 2) == (astct.Grade, astct.UpperBound), $"{shape}: {astct.Grade} up to {astct.UpperBound} ({string.Join("; ", astct.UpperBoundWhy)})");
        var oxygenEvent = Assert.Single(evaluation.Timeline.Oxygen);
        Assert.Equal(OxygenDevice.NasalCannula, oxygenEvent.Device);
        Assert.DoesNotContain("cannot be excluded", evaluation.Response.Cards[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Hypoxia_FlowChangedWithinTenMinutes_KeepsTheNasalCannula_Grade2UpTo2()
    {
        var ncAtFour = WithFlow(NasalCannula("nc", 0), 4);
        var evaluation = Evaluate([ncAtFour, Flow("flow", 5, 5)]);

        var astct = evaluation.Assessment.Current[GradingSystem.Astct2019];
        Assert.Equal((2, 2), (astct.Grade, astct.UpperBound));
        Assert.Equal(2, evaluation.Timeline.Oxygen.Count);
        var changed = evaluation.Timeline.Oxygen[1];
        Assert.Equal((OxygenDevice.NasalCannula, 5.0m), (changed.Device, changed.FlowLitresPerMinute));
        Assert.Equal(["Observation/flow", "Observation/nc"], changed.Sources);
        Assert.Equal(TimeInterval.At(Zero.AddMinutes(5)), changed.When);
    }

    [Fact]
    public void Hypoxia_FlowMoreThanTenMinutesAfterTheDevice_IsASeparateEventWithoutDevice()
    {
        var evaluation = Evaluate([WithFlow(NasalCannula("nc", 0), 4), Flow("flow", 5, 11)]);

        var astct = evaluation.Assessment.Current[GradingSystem.Astct2019];
        Assert.Equal((2, 3), (astct.Grade, astct.UpperBound));
        Assert.Null(evaluation.Timeline.Oxygen[1].Device);
    }

    [Fact]
    public void Hypoxia_TwoDifferentDevicesWithinTenMinutesOfADevicelessFlow_CarriesNeither()
    {
        // Flow 8 at 0 (contradicted by flow 2 at 3), a nasal cannula at 3 and a simple mask at 9: the flow-8 event
        // could belong to either device, so it keeps no device and its upper bound.
        var timeline = Fx.Read(Flow("flow8", 8, 0), WithFlow(NasalCannula("nc", 3), 2),
            Fx.Obs("mask", Fx.Text("Oxygen delivery device"), Fx.Sct(Snomed.SimpleMask, "Simple mask"), Zero.AddMinutes(9)));

        Assert.Null(timeline.Oxygen[0].Device);
        Assert.Equal(8.0m, timeline.Oxygen[0].FlowLitresPerMinute);
    }

    private static Observation WithFlow(Observation device, decimal litres)
    {
        device.Component.Add(Fx.Component(Loinc.InhaledOxygenFlow, Fx.Q(litres, "L/min")));
        return device;
    }

    private static CrsEvaluation Evaluate(Resource[] oxygen)
    {
        var view = new CrsPatientView(new CrsOptions());
        var evaluation = view.Evaluate(new PatientViewInput(Fx.PatientId, Fx.AsOf, [.. Background, .. oxygen], []), new SequentialCardIdSource());
        Assert.True(evaluation.Assessment.Eligible);
        return evaluation;
    }
}
