using CrsCdsHooks.Core.Terminology;
using CrsCdsHooks.Core.Timeline;

using Hl7.Fhir.Model;

namespace CrsCdsHooks.Core.Tests.Fhir;

public sealed class OxygenReadingTests
{
    private static Observation Device(string id, CodeableConcept value, DateTimeOffset? at = null) =>
        Fx.Obs(id, Fx.Text("Oxygen delivery device"), value, at);

    private static Observation Flow(string id, decimal value, string unit, DateTimeOffset? at = null) =>
        Fx.Obs(id, Fx.Loinc(Loinc.InhaledOxygenFlow), Fx.Q(value, unit), at);

    private static Observation FiO2(string id, decimal value, string? unit, DateTimeOffset? at = null) =>
        Fx.Obs(id, Fx.Loinc(Loinc.InhaledOxygenConcentration), Fx.Q(value, unit), at);

    private static Observation PulseOx(string id, decimal spo2, decimal? flow, decimal? fio2Percent, DateTimeOffset? at = null)
    {
        var observation = Fx.Obs(id, Fx.Loinc(Loinc.PulseOximetry), Fx.Q(spo2, "%"), at);
        if (flow is { } f) observation.Component.Add(Fx.Component(Loinc.InhaledOxygenFlow, Fx.Q(f, "L/min")));
        if (fio2Percent is { } o) observation.Component.Add(Fx.Component(Loinc.InhaledOxygenConcentration, Fx.Q(o, "%")));
        return observation;
    }

    public static TheoryData<string, Resource[]> NasalCannulaFourLitresShapes => new()
    {
        { "device Observation + flow Observation 5 min later",
            [Device("d", Fx.Sct(Snomed.NasalCannula, "Nasal cannula")), Flow("f", 4, "L/min", Fx.T.AddMinutes(5))] },
        { "pulse oximetry with a flow component + device Observation",
            [PulseOx("po", 93, 4, null), Device("d", Fx.Sct(Snomed.OxygenByNasalCannula))] },
        { "Procedure + flow in mL/min",
            [Fx.Proc("pr", Fx.Sct(Snomed.OxygenByNasalCannula, "Oxygen therapy by nasal cannula")), Flow("f", 4000, "mL/min")] },
        { "device as text only + flow",
            [Device("d", Fx.Text("NC")), Flow("f", 4, "L/min")] },
        { "one Observation: device value + flow component",
            [WithComponent(Device("d", Fx.Sct(Snomed.NasalCannula)), Loinc.InhaledOxygenFlow, Fx.Q(4, "L/min"))] },
    };

    private static Observation WithComponent(Observation observation, string loinc, DataType value)
    {
        observation.Component.Add(Fx.Component(loinc, value));
        return observation;
    }

    [Theory]
    [MemberData(nameof(NasalCannulaFourLitresShapes))]
    public void Read_NasalCannulaAt4LitresInAnyShape_IsOneEvent(string shape, Resource[] resources)
    {
        var timeline = Fx.Read(resources);
        var oxygen = Assert.Single(timeline.Oxygen);
        Assert.True(oxygen.Device == OxygenDevice.NasalCannula, shape);
        Assert.Equal(4.0m, oxygen.FlowLitresPerMinute);
        Assert.Equal(resources.Length, oxygen.Sources.Count);
        Assert.Empty(timeline.Issues);
    }

    [Theory]
    [InlineData(0.28, "1", 28)]
    [InlineData(28, "%", 28)]
    [InlineData(0.28, null, 28)]
    [InlineData(28, null, 28)]
    [InlineData(0.285, "1", 29)]
    [InlineData(21, "%", 21)]
    [InlineData(1, null, 100)]
    [InlineData(100, "%", 100)]
    public void Read_FiO2AsFractionOrPercent_GivesTheSamePercent(double value, string? unit, int expected)
    {
        var oxygen = Assert.Single(Fx.Read(FiO2("o", (decimal)value, unit)).Oxygen);
        Assert.Equal(expected, oxygen.FiO2Percent);
        Assert.Null(oxygen.Device);
    }

    [Theory]
    [InlineData(20, "%")]
    [InlineData(1, "%")]
    [InlineData(0.2, "1")]
    [InlineData(101, "%")]
    [InlineData(28, "1")]
    public void Read_FiO2OutsideTwentyOneToHundred_IsImplausible(double value, string unit)
    {
        var timeline = Fx.Read(FiO2("o", (decimal)value, unit));
        Assert.Empty(timeline.Oxygen);
        Assert.Equal(DataIssueReasons.ImplausibleValue, Fx.Single(timeline).Reason);
    }

    [Theory]
    [InlineData(250, "mL/min", 0.3)]
    [InlineData(0.25, "L/min", 0.3)]
    [InlineData(6050, "mL/min", 6.1)]
    [InlineData(6.04, "L/min", 6.0)]
    [InlineData(6, "lpm", 6.0)]
    [InlineData(0, "L/min", 0.0)]
    [InlineData(80, "L/min", 80.0)]
    public void Read_FlowInMillilitresOrLitres_GivesLitresPerMinute(double value, string unit, double expected) =>
        Assert.Equal((decimal)expected, Assert.Single(Fx.Read(Flow("f", (decimal)value, unit)).Oxygen).FlowLitresPerMinute);

    [Theory]
    [InlineData(80.05, "L/min", DataIssueReasons.ImplausibleValue)]
    [InlineData(-1, "L/min", DataIssueReasons.ImplausibleValue)]
    [InlineData(4, "kg", DataIssueReasons.UnitNotConvertible)]
    public void Read_BadFlow_IsReported(double value, string unit, string reason)
    {
        var timeline = Fx.Read(Flow("f", (decimal)value, unit));
        Assert.Empty(timeline.Oxygen);
        Assert.Equal(reason, Fx.Single(timeline).Reason);
    }

    [Fact]
    public void Read_FlowWithoutUnit_IsNotConvertible()
    {
        var flow = Flow("f", 4, "L/min");
        flow.Value = new Quantity { Value = 4 };
        Assert.Equal(DataIssueReasons.UnitNotConvertible, Fx.Single(Fx.Read(flow)).Reason);
    }

    [Fact]
    public void Read_PulseOximetry_GivesSaturationAndTheOxygenComponents()
    {
        var timeline = Fx.Read(PulseOx("po", 91, 2, 28));
        Assert.Equal(91m, Assert.Single(timeline.Saturations).Percent);
        var oxygen = Assert.Single(timeline.Oxygen);
        Assert.Equal((2.0m, 28), (oxygen.FlowLitresPerMinute, oxygen.FiO2Percent));
    }

    [Theory]
    [InlineData(10, 1)]
    [InlineData(11, 2)]
    public void Read_DeviceAndFlowMoreThanTenMinutesApart_AreTwoEvents(int minutes, int events)
    {
        var timeline = Fx.Read(Device("d", Fx.Sct(Snomed.SimpleMask)), Flow("f", 5, "L/min", Fx.T.AddMinutes(minutes)));
        Assert.Equal(events, timeline.Oxygen.Count);
    }

    [Fact]
    public void Read_DeviceChangeWithinTenMinutes_StaysTwoEvents()
    {
        var timeline = Fx.Read(
            Device("nc", Fx.Sct(Snomed.NasalCannula)),
            Device("nrb", Fx.Sct(Snomed.NonRebreatherMask), Fx.T.AddMinutes(4)),
            Flow("f", 15, "L/min", Fx.T.AddMinutes(5)));
        Assert.Equal(2, timeline.Oxygen.Count);
        var escalated = timeline.Oxygen[1];
        Assert.Equal((OxygenDevice.NonRebreatherMask, 15.0m), (escalated.Device, escalated.FlowLitresPerMinute));
        Assert.Null(timeline.Oxygen[0].FlowLitresPerMinute);
    }

    [Fact]
    public void Read_InProgressCpapProcedureWithoutEnd_IsAnOpenPeriod()
    {
        var start = Fx.AsOf.AddDays(-1);
        var cpap = Fx.Proc("cpap", Fx.Sct(Snomed.Cpap, "CPAP"), new Period { Start = Fx.Iso(start) }, "in-progress");
        var oxygen = Assert.Single(Fx.Read(cpap).Oxygen);
        Assert.Equal(OxygenDevice.Cpap, oxygen.Device);
        Assert.Equal(new TimeInterval(start, null), oxygen.When);
    }

    [Fact]
    public void Read_OxygenObservationWithAPeriod_CountsOverTheWholePeriod()
    {
        var start = Fx.AsOf.AddHours(-30);
        var end = Fx.AsOf.AddHours(-2);
        var observation = Device("d", Fx.Sct(Snomed.HighFlowNasalCannula));
        observation.Effective = new Period { Start = Fx.Iso(start), End = Fx.Iso(end) };
        Assert.Equal(new TimeInterval(start, end), Assert.Single(Fx.Read(observation).Oxygen).When);
    }

    [Fact]
    public void Read_DeviceByAnyObservationCode_WhenTheValueIsADeviceConcept()
    {
        var observation = Fx.Obs("d", new CodeableConcept("urn:local", "RESP-SUPPORT"), Fx.Sct(Snomed.Bipap));
        Assert.Equal(OxygenDevice.Bipap, Assert.Single(Fx.Read(observation).Oxygen).Device);
    }

    [Fact]
    public void Read_MaskTextOutsideAnOxygenContext_IsNotOxygen()
    {
        var timeline = Fx.Read(Fx.Obs("iso", Fx.Text("Isolation precautions"), Fx.Text("Mask")));
        Assert.Empty(timeline.Oxygen);
        Assert.Equal(DataIssueReasons.CodeNotRecognised, Fx.Single(timeline).Reason);
    }

    [Fact]
    public void Read_TracheostomyTubeAlone_IsRecordedWithAReviewNote()
    {
        var timeline = Fx.Read(Device("d", Fx.Text("Tracheostomy")));
        Assert.Equal(OxygenDevice.TracheostomyTube, Assert.Single(timeline.Oxygen).Device);
        Assert.Contains(timeline.ReviewNotes, n => n.Contains("tracheostomy tube", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_TracheostomyMask_IsAMaskWithoutReviewNote()
    {
        var timeline = Fx.Read(Device("d", Fx.Text("Trach mask")));
        Assert.Equal(OxygenDevice.TracheostomyMask, Assert.Single(timeline.Oxygen).Device);
        Assert.Empty(timeline.ReviewNotes);
    }

    [Fact]
    public void Read_OxygenProcedureWithoutDevice_IsNotRecognisedWithAReviewNote()
    {
        var timeline = Fx.Read(Fx.Proc("o2", Fx.Text("Oxygen therapy")));
        Assert.Empty(timeline.Oxygen);
        Assert.Equal(DataIssueReasons.CodeNotRecognised, Fx.Single(timeline).Reason);
        Assert.Single(timeline.ReviewNotes);
    }

    [Theory]
    [InlineData(95, "%", 95)]
    [InlineData(0.95, "1", 95)]
    [InlineData(0.95, null, 95)]
    public void Read_SaturationAsPercentOrFraction(double value, string? unit, double expected) =>
        Assert.Equal((decimal)expected, Assert.Single(Fx.Read(Fx.Obs("s", Fx.Loinc(Loinc.OxygenSaturationArterial), Fx.Q((decimal)value, unit))).Saturations).Percent);

    [Fact]
    public void Read_SaturationAbove100_IsImplausible() =>
        Assert.Equal(DataIssueReasons.ImplausibleValue, Fx.Single(Fx.Read(Fx.Obs("s", Fx.Loinc(Loinc.PulseOximetry), Fx.Q(101, "%")))).Reason);
}
