using CrsCdsHooks.Core.Terminology;
using CrsCdsHooks.Core.Timeline;

using Hl7.Fhir.Model;

namespace CrsCdsHooks.Core.Tests.Fhir;

public sealed class TemperatureReadingTests
{
    [Theory]
    [InlineData(38.0, "Cel", 38.0)]
    [InlineData(100.4, "[degF]", 38.0)]
    [InlineData(311.15, "K", 38.0)]
    [InlineData(37.9, "Cel", 37.9)]
    [InlineData(100.22, "[degF]", 37.9)]
    [InlineData(100.31, "[degF]", 38.0)] // 37.95 °C exactly: half away from zero
    [InlineData(37.95, "Cel", 38.0)]
    [InlineData(37.949, "Cel", 37.9)]
    [InlineData(311.05, "K", 37.9)]
    public void Read_EveryTemperatureUnit_GivesTheSameCelsius(double value, string unit, double expected)
    {
        var timeline = Fx.Read(Fx.Temp("t1", (decimal)value, unit));
        var temperature = Assert.Single(timeline.Temperatures);
        Assert.Equal((decimal)expected, temperature.Celsius);
        Assert.Equal(new RecordedValue((decimal)value, unit), temperature.Recorded);
        Assert.Empty(timeline.Issues);
    }

    [Theory]
    [InlineData("°F")]
    [InlineData("degF")]
    [InlineData("F")]
    public void Read_FahrenheitAsUnitTextOnly_IsConverted(string unitText)
    {
        var observation = Fx.Temp("t1", 0, "Cel");
        observation.Value = new Quantity { Value = 100.4m, Unit = unitText };
        Assert.Equal(38.0m, Assert.Single(Fx.Read(observation).Temperatures).Celsius);
    }

    [Theory]
    [InlineData(Loinc.OralTemperature)]
    [InlineData(Loinc.TympanicTemperature)]
    [InlineData(Loinc.CoreTemperature)]
    public void Read_SiteSpecificTemperatureCodes_AreTemperatures(string loinc)
    {
        var timeline = Fx.Read(Fx.Obs("t1", Fx.Loinc(loinc), Fx.Q(38.3m, "Cel")));
        Assert.Equal(38.3m, Assert.Single(timeline.Temperatures).Celsius);
    }

    [Fact]
    public void Read_VitalSignWhoseDisplaySaysTemperature_WithATemperatureUnit_IsATemperature()
    {
        var observation = Fx.Obs("t1", new CodeableConcept("urn:local", "TMP", "Temperature (skin probe)"), Fx.Q(38.4m, "Cel"));
        observation.Category.Add(new CodeableConcept(CodeSystems.ObservationCategory, "vital-signs"));
        Assert.Equal(38.4m, Assert.Single(Fx.Read(observation).Temperatures).Celsius);
    }

    [Fact]
    public void Read_LaboratoryTemperatureOfASpecimen_IsNotABodyTemperature()
    {
        var observation = Fx.Obs("t1", new CodeableConcept("urn:local", "STMP", "Temperature of specimen"), Fx.Q(37m, "Cel"));
        observation.Category.Add(new CodeableConcept(CodeSystems.ObservationCategory, "laboratory"));
        var timeline = Fx.Read(observation);
        Assert.Empty(timeline.Temperatures);
        Assert.Equal(DataIssueReasons.CodeNotRecognised, Fx.Single(timeline).Reason);
    }

    [Theory]
    [InlineData(25.0, true)]
    [InlineData(24.9, false)]
    [InlineData(24.96, true)] // rounds to 25.0
    [InlineData(45.0, true)]
    [InlineData(45.04, true)]
    [InlineData(45.1, false)]
    [InlineData(-300, false)]
    [InlineData(1e27, false)]
    public void Read_TemperaturePlausibility_25To45Inclusive(double celsius, bool plausible)
    {
        var timeline = Fx.Read(Fx.Temp("t1", (decimal)celsius, "Cel"));
        Assert.Equal(plausible, timeline.Temperatures.Count == 1);
        if (!plausible) Assert.Equal(DataIssueReasons.ImplausibleValue, Fx.Single(timeline).Reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("furlong")]
    [InlineData("mm[Hg]")]
    public void Read_TemperatureWithoutATemperatureUnit_IsNotConvertible(string? unit)
    {
        var timeline = Fx.Read(Fx.Temp("t1", 38.5m, unit!));
        Assert.Empty(timeline.Temperatures);
        var issue = Fx.Single(timeline);
        Assert.Equal(("Observation/t1", DataIssueReasons.UnitNotConvertible), (issue.Resource, issue.Reason));
    }

    [Fact]
    public void Read_TemperatureWithoutValue_IsNoValue()
    {
        var observation = Fx.Temp("t1", 0, "Cel");
        observation.Value = null;
        observation.DataAbsentReason = new CodeableConcept("http://terminology.hl7.org/CodeSystem/data-absent-reason", "not-performed");
        Assert.Equal(DataIssueReasons.NoValue, Fx.Single(Fx.Read(observation)).Reason);
    }

    [Fact]
    public void Read_TemperatureAsAComponentOfAVitalSignsPanel_IsRead()
    {
        var panel = Fx.Obs("v1", Fx.Loinc("85353-1", "Vital signs panel"), null);
        panel.Component.Add(Fx.Component(Loinc.BodyTemperature, Fx.Q(101.3m, "[degF]")));
        panel.Component.Add(Fx.Component(Loinc.HeartRate, Fx.Q(112, "/min")));
        var timeline = Fx.Read(panel);
        Assert.Equal(38.5m, Assert.Single(timeline.Temperatures).Celsius);
        Assert.Equal(112m, Assert.Single(timeline.OtherVitals).Value);
        Assert.Empty(timeline.Issues);
    }
}

public sealed class PressureReadingTests
{
    private static Observation Panel(string id, decimal? systolic, decimal? diastolic, decimal? mean, string unit = "mm[Hg]")
    {
        var panel = Fx.Obs(id, Fx.Loinc(Loinc.BloodPressurePanel), null);
        if (systolic is { } s) panel.Component.Add(Fx.Component(Loinc.SystolicPressure, Fx.Q(s, unit)));
        if (diastolic is { } d) panel.Component.Add(Fx.Component(Loinc.DiastolicPressure, Fx.Q(d, unit)));
        if (mean is { } m) panel.Component.Add(Fx.Component(Loinc.MeanPressure, Fx.Q(m, unit)));
        return panel;
    }

    [Fact]
    public void Read_PanelAndSeparateObservations_GiveTheSamePressures()
    {
        var fromPanel = Fx.Read(Panel("bp", 84, 50, 61));
        var fromSeparate = Fx.Read(
            Fx.Obs("s", Fx.Loinc(Loinc.SystolicPressure), Fx.Q(84, "mm[Hg]")),
            Fx.Obs("d", Fx.Loinc(Loinc.DiastolicPressure), Fx.Q(50, "mm[Hg]")),
            Fx.Obs("m", Fx.Loinc(Loinc.MeanPressure), Fx.Q(61, "mm[Hg]")));

        var panel = Assert.Single(fromPanel.Pressures);
        Assert.Equal((84, 50, 61), (panel.SystolicMmHg, panel.DiastolicMmHg, panel.MeanMmHg));
        Assert.Equal(84, fromSeparate.Pressures.Single(p => p.SystolicMmHg is not null).SystolicMmHg);
        Assert.Equal(61, fromSeparate.Pressures.Single(p => p.MeanMmHg is not null).MeanMmHg);
        Assert.Empty(fromPanel.Issues);
        Assert.Empty(fromSeparate.Issues);
    }

    [Fact]
    public void Read_PanelWithoutMean_NeverDerivesTheMean()
    {
        var pressure = Assert.Single(Fx.Read(Panel("bp", 84, 50, null)).Pressures);
        Assert.Null(pressure.MeanMmHg);
    }

    [Theory]
    [InlineData("mm[Hg]", 89.5, 90)]
    [InlineData("mmHg", 89.4, 89)]
    [InlineData("kPa", 12, 90)]
    public void Read_SystolicUnits_AreConvertedAndRoundedToWholeMmHg(string unit, double value, int expected)
    {
        var pressure = Assert.Single(Fx.Read(Panel("bp", (decimal)value, null, null, unit)).Pressures);
        Assert.Equal(expected, pressure.SystolicMmHg);
    }

    [Theory]
    [InlineData(20, true)]
    [InlineData(19, false)]
    [InlineData(300, true)]
    [InlineData(301, false)]
    public void Read_SystolicPlausibility_20To300(int systolic, bool plausible)
    {
        var timeline = Fx.Read(Panel("bp", systolic, null, null));
        Assert.Equal(plausible, timeline.Pressures.Count == 1);
        if (!plausible) Assert.Equal(DataIssueReasons.ImplausibleValue, Fx.Single(timeline).Reason);
    }

    [Theory]
    [InlineData(10, true)]
    [InlineData(9, false)]
    [InlineData(250, true)]
    [InlineData(251, false)]
    public void Read_MeanPlausibility_10To250(int mean, bool plausible)
    {
        var timeline = Fx.Read(Panel("bp", null, null, mean));
        Assert.Equal(plausible, timeline.Pressures.Count == 1);
    }

    [Fact]
    public void Read_PanelWithImplausibleDiastolic_KeepsTheSystolicAndReportsThePart()
    {
        var timeline = Fx.Read(Panel("bp", 95, 900, null));
        var pressure = Assert.Single(timeline.Pressures);
        Assert.Equal((95, (int?)null), (pressure.SystolicMmHg, pressure.DiastolicMmHg));
        var issue = Fx.Single(timeline);
        Assert.Equal(DataIssueReasons.ImplausibleValue, issue.Reason);
        Assert.Contains("diastolic", issue.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_PanelWithoutComponents_IsNoValue() =>
        Assert.Equal(DataIssueReasons.NoValue, Fx.Single(Fx.Read(Panel("bp", null, null, null))).Reason);
}

public sealed class WeightAndRateReadingTests
{
    [Theory]
    [InlineData(70, "kg", 70.0)]
    [InlineData(70000, "g", 70.0)]
    [InlineData(154.32, "[lb_av]", 70.0)]
    [InlineData(154.32, "lb", 70.0)]
    public void Read_WeightUnits_GiveKilograms(double value, string unit, double kg)
    {
        var weight = Assert.Single(Fx.Read(Fx.Obs("w", Fx.Loinc(Loinc.BodyWeight), Fx.Q((decimal)value, unit))).Weights);
        Assert.Equal((decimal)kg, weight.Kilograms);
    }

    [Theory]
    [InlineData(0.5, true)]
    [InlineData(0.4, false)]
    [InlineData(400, true)]
    [InlineData(400.1, false)]
    public void Read_WeightPlausibility(double kg, bool plausible) =>
        Assert.Equal(plausible, Fx.Read(Fx.Obs("w", Fx.Loinc(Loinc.BodyWeightMeasured), Fx.Q((decimal)kg, "kg"))).Weights.Count == 1);

    [Fact]
    public void Read_HeartAndRespiratoryRates_AreContextVitals()
    {
        var timeline = Fx.Read(
            Fx.Obs("hr", Fx.Loinc(Loinc.HeartRate), Fx.Q(120, "{beats}/min")),
            Fx.Obs("rr", Fx.Loinc(Loinc.RespiratoryRate), new Integer(24)));
        Assert.Equal([(VitalSignKind.HeartRate, 120m), (VitalSignKind.RespiratoryRate, 24m)],
            timeline.OtherVitals.OrderBy(v => v.Kind).Select(v => (v.Kind, v.Value)));
        Assert.Empty(timeline.Issues);
    }
}
