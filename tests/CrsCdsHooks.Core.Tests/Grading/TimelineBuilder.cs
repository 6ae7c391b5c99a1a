using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Tests.Grading;

/// <summary>
/// Builds clinical timelines directly (no FHIR) for grading tests. Times are relative to a fixed infusion time
/// <see cref="T0"/>; the default request time <see cref="AsOf"/> is day 3 after infusion. Synthetic data only.
/// </summary>
internal sealed class TimelineBuilder
{
    /// <summary>The infusion time of the default course: 2025-03-01 08:00 UTC.</summary>
    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Day 3 after infusion, 04:00 into the day: 2025-03-04 12:00 UTC.</summary>
    public static readonly DateTimeOffset AsOf = T0.AddDays(3).AddHours(4);

    private readonly List<CarTInfusion> _infusions = [];
    private readonly List<BodyTemperature> _temperatures = [];
    private readonly List<ArterialPressure> _pressures = [];
    private readonly List<OxygenSupport> _oxygen = [];
    private readonly List<OxygenSaturation> _saturations = [];
    private readonly List<OtherVitalSign> _otherVitals = [];
    private readonly List<BodyWeight> _weights = [];
    private readonly List<DrugAdministration> _drugs = [];
    private readonly List<LabResult> _labs = [];
    private readonly List<DataIssue> _issues = [];
    private readonly List<string> _reviewNotes = [];
    private PatientFacts _patient = PatientFacts.Unknown;
    private int _next;

    /// <summary>An adult (born 1970) infused at <see cref="T0"/> with axicabtagene ciloleucel.</summary>
    public static TimelineBuilder Adult() => new TimelineBuilder().BornOn(new DateOnly(1970, 5, 17)).Infusion(T0);

    /// <summary>
    /// The worked-check baseline: adult, day 3, a normal blood pressure an hour before asOf (so nothing is missing but
    /// what the test leaves out).
    /// </summary>
    public static TimelineBuilder Day3Adult() => Adult().Pressure(AsOf.AddHours(-1), 118, 72, 87);

    public TimelineBuilder BornOn(DateOnly? birthDate)
    {
        _patient = new PatientFacts("Patient/p1", birthDate);
        return this;
    }

    /// <summary>A child of the given age at <see cref="AsOf"/> (born that many years, plus 30 days, earlier).</summary>
    public TimelineBuilder AgedYears(int years) => BornOn(DateOnly.FromDateTime(AsOf.UtcDateTime).AddYears(-years).AddDays(-30));

    public TimelineBuilder Infusion(DateTimeOffset start, CarTProduct product = CarTProduct.AxicabtageneCiloleucel, AdministrationStatus status = AdministrationStatus.Completed)
    {
        _infusions.Add(new CarTInfusion(Id("MedicationAdministration", "cart"), product, start, status));
        return this;
    }

    public TimelineBuilder Temperature(DateTimeOffset at, decimal celsius, RecordedValue? recorded = null)
    {
        _temperatures.Add(new BodyTemperature(Id("Observation", "temp"), at, celsius, recorded ?? new RecordedValue(celsius, "Cel")));
        return this;
    }

    /// <summary>A fever (38.5 °C) two hours before asOf: the default "febrile" patient.</summary>
    public TimelineBuilder Fever(decimal celsius = 38.5m) => Temperature(AsOf.AddHours(-2), celsius);

    public TimelineBuilder Pressure(DateTimeOffset at, int? systolic, int? diastolic = null, int? mean = null)
    {
        _pressures.Add(new ArterialPressure(Id("Observation", "bp"), at, systolic, diastolic, mean));
        return this;
    }

    /// <summary>A drug over a period; no end with in-progress means still running.</summary>
    public TimelineBuilder Drug(
        Drug drug, DateTimeOffset start, DateTimeOffset? end, AdministrationStatus status = AdministrationStatus.Completed,
        InfusionRate? rate = null, string? name = null)
    {
        _drugs.Add(new DrugAdministration(Id("MedicationAdministration", drug.ToString().ToLowerInvariant()), drug, name ?? drug.GenericName(),
            [name ?? drug.GenericName()], [], new TimeInterval(start, end), status, rate, null));
        return this;
    }

    /// <summary>A drug at a point in time (a bolus or a dose; counts 1 h).</summary>
    public TimelineBuilder DrugAt(Drug drug, DateTimeOffset at, InfusionRate? rate = null) =>
        Drug(drug, at, at, AdministrationStatus.Completed, rate);

    /// <summary>A drug infusion still running at asOf (in-progress, no end).</summary>
    public TimelineBuilder Running(Drug drug, DateTimeOffset start, InfusionRate? rate = null) =>
        Drug(drug, start, null, AdministrationStatus.InProgress, rate);

    public TimelineBuilder Oxygen(DateTimeOffset at, OxygenDevice? device, decimal? flow = null, int? fio2 = null, string? text = null)
    {
        _oxygen.Add(new OxygenSupport([Id("Observation", "o2")], TimeInterval.At(at), device, flow, fio2, text));
        return this;
    }

    public TimelineBuilder OxygenPeriod(DateTimeOffset start, DateTimeOffset? end, OxygenDevice? device, decimal? flow = null, int? fio2 = null)
    {
        _oxygen.Add(new OxygenSupport([Id("Procedure", "o2")], new TimeInterval(start, end), device, flow, fio2, null));
        return this;
    }

    public TimelineBuilder SpO2(DateTimeOffset at, decimal percent)
    {
        _saturations.Add(new OxygenSaturation(Id("Observation", "spo2"), at, percent));
        return this;
    }

    public TimelineBuilder HeartRate(DateTimeOffset at, decimal perMinute)
    {
        _otherVitals.Add(new OtherVitalSign(Id("Observation", "hr"), at, VitalSignKind.HeartRate, perMinute));
        return this;
    }

    public TimelineBuilder RespiratoryRate(DateTimeOffset at, decimal perMinute)
    {
        _otherVitals.Add(new OtherVitalSign(Id("Observation", "rr"), at, VitalSignKind.RespiratoryRate, perMinute));
        return this;
    }

    public TimelineBuilder Weight(DateTimeOffset at, decimal kilograms)
    {
        _weights.Add(new BodyWeight(Id("Observation", "wt"), at, kilograms, new RecordedValue(kilograms, "kg")));
        return this;
    }

    public TimelineBuilder Lab(LabAnalyte analyte, DateTimeOffset at, decimal value, string unit, decimal? upperLimitOfNormal)
    {
        _labs.Add(new LabResult(Id("Observation", "lab"), analyte, at, value, unit, upperLimitOfNormal, new RecordedValue(value, unit)));
        return this;
    }

    public TimelineBuilder Issue(string resource, string reason, string? detail = null)
    {
        _issues.Add(new DataIssue(resource, reason, detail));
        return this;
    }

    public TimelineBuilder ReviewNote(string note)
    {
        _reviewNotes.Add(note);
        return this;
    }

    public ClinicalTimeline Build() => new()
    {
        Patient = _patient,
        Infusions = _infusions.OrderBy(i => i.Start).ToList(),
        Temperatures = _temperatures.OrderBy(t => t.Time).ToList(),
        Pressures = _pressures.OrderBy(p => p.Time).ToList(),
        Oxygen = _oxygen.OrderBy(o => o.When.Start).ToList(),
        Saturations = _saturations.OrderBy(s => s.Time).ToList(),
        OtherVitals = _otherVitals.OrderBy(v => v.Time).ToList(),
        Weights = _weights.OrderBy(w => w.Time).ToList(),
        Drugs = _drugs.OrderBy(d => d.When.Start).ToList(),
        Labs = _labs.OrderBy(l => l.Time).ToList(),
        Issues = _issues,
        ReviewNotes = _reviewNotes,
    };

    /// <summary>Grades the timeline at <paramref name="asOf"/> (default <see cref="AsOf"/>) with default options.</summary>
    public CrsAssessment Grade(DateTimeOffset? asOf = null, CrsOptions? options = null, GradingSystem primary = GradingSystem.Astct2019) =>
        CrsGrader.Grade(Build(), asOf ?? AsOf, options ?? new CrsOptions(), primary);

    /// <summary>µg/min.</summary>
    public static InfusionRate PerMinute(decimal micrograms) => new(micrograms, false, $"{micrograms} ug/min");

    /// <summary>µg/kg/min.</summary>
    public static InfusionRate PerKilogram(decimal micrograms) => new(micrograms, true, $"{micrograms} ug/kg/min");

    private string Id(string type, string prefix) => $"{type}/{prefix}{++_next}";
}

/// <summary>Short accessors for assertions.</summary>
internal static class AssessmentAssertions
{
    public static SystemGrade Astct(this CrsAssessment a) => a.Current[GradingSystem.Astct2019];
    public static SystemGrade Lee(this CrsAssessment a) => a.Current[GradingSystem.Lee2014];
    public static SystemGrade Ctcae(this CrsAssessment a) => a.Current[GradingSystem.CtcaeV5];
    public static bool HasGap(this CrsAssessment a, string code) => a.Gaps.Any(g => g.Code == code);
}
