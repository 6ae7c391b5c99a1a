using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Tests.Differential;

/// <summary>
/// Builds clinical timelines and CRS assessments directly (no FHIR) for the differential, management and
/// card tests. Every entry gets a source id "Type/prefixN"; times are given relative to <see cref="AsOf"/>.
/// </summary>
internal sealed class TimelineBuilder
{
    /// <summary>The fixed request time of every test (the samples' anchor).</summary>
    public static readonly DateTimeOffset AsOf = new(2025, 6, 15, 12, 0, 0, TimeSpan.Zero);

    private readonly List<CarTInfusion> _infusions = [];
    private readonly List<BodyTemperature> _temperatures = [];
    private readonly List<ArterialPressure> _pressures = [];
    private readonly List<BodyWeight> _weights = [];
    private readonly List<DrugAdministration> _drugs = [];
    private readonly List<LabResult> _labs = [];
    private readonly List<BloodCulture> _cultures = [];
    private readonly List<ClinicalFinding> _findings = [];
    private readonly List<DrugAllergy> _allergies = [];
    private PatientFacts _patient = new("Patient/p1", new DateOnly(1970, 1, 1));
    private int _n;

    /// <summary>asOf minus a duration.</summary>
    public static DateTimeOffset Ago(TimeSpan span) => AsOf - span;

    /// <summary>asOf minus hours.</summary>
    public static DateTimeOffset HoursAgo(double hours) => AsOf - TimeSpan.FromHours(hours);

    /// <summary>asOf minus days.</summary>
    public static DateTimeOffset DaysAgo(double days) => AsOf - TimeSpan.FromDays(days);

    private string Id(string type, string prefix) => $"{type}/{prefix}{++_n}";

    public TimelineBuilder Born(DateOnly? birthDate)
    {
        _patient = new PatientFacts("Patient/p1", birthDate);
        return this;
    }

    public TimelineBuilder Infusion(DateTimeOffset start, CarTProduct product = CarTProduct.AxicabtageneCiloleucel)
    {
        _infusions.Add(new CarTInfusion(Id("MedicationAdministration", "cart"), product, start, AdministrationStatus.Completed));
        return this;
    }

    public TimelineBuilder Temperature(decimal celsius, DateTimeOffset time)
    {
        _temperatures.Add(new BodyTemperature(Id("Observation", "temp"), time, celsius, new RecordedValue(celsius, "Cel")));
        return this;
    }

    public TimelineBuilder Pressure(int? systolic, DateTimeOffset time, int? diastolic = null, int? mean = null)
    {
        _pressures.Add(new ArterialPressure(Id("Observation", "bp"), time, systolic, diastolic, mean));
        return this;
    }

    public TimelineBuilder Weight(decimal kg, DateTimeOffset time)
    {
        _weights.Add(new BodyWeight(Id("Observation", "wt"), time, kg, new RecordedValue(kg, "kg")));
        return this;
    }

    public TimelineBuilder Lab(LabAnalyte analyte, decimal value, DateTimeOffset time, string? unit = null)
    {
        var canonical = unit ?? CanonicalUnit(analyte);
        _labs.Add(new LabResult(Id("Observation", "lab"), analyte, time, value, canonical, null, new RecordedValue(value, canonical)));
        return this;
    }

    public TimelineBuilder Culture(CultureResult result, DateTimeOffset collected, string? organism = null)
    {
        _cultures.Add(new BloodCulture(Id("Observation", "bc"), collected, result, organism));
        return this;
    }

    public TimelineBuilder Finding(FindingKind kind, DateTimeOffset time, string type = "Condition")
    {
        _findings.Add(new ClinicalFinding(Id(type, "f"), kind, time));
        return this;
    }

    public TimelineBuilder Drug(
        string name,
        DateTimeOffset start,
        Drug? drug = null,
        bool monoclonal = false,
        DateTimeOffset? end = null,
        AdministrationStatus status = AdministrationStatus.Completed,
        string[]? rxNorm = null,
        string[]? names = null,
        bool period = false)
    {
        var when = period || end is not null ? new TimeInterval(start, end) : TimeInterval.At(start);
        _drugs.Add(new DrugAdministration(Id("MedicationAdministration", "ma"), drug, name, names ?? [name], rxNorm ?? [], when, status, null, null)
        {
            IsMonoclonalAntibody = monoclonal,
        });
        return this;
    }

    public TimelineBuilder Tocilizumab(DateTimeOffset start, AdministrationStatus status = AdministrationStatus.Completed) =>
        Drug("tocilizumab", start, Timeline.Drug.Tocilizumab, monoclonal: true, status: status, rxNorm: ["612865"]);

    public TimelineBuilder Norepinephrine(DateTimeOffset start, DateTimeOffset? end = null, AdministrationStatus status = AdministrationStatus.InProgress) =>
        Drug("norepinephrine", start, Timeline.Drug.Norepinephrine, end: end, status: status, period: true, rxNorm: ["7512"]);

    public TimelineBuilder Allergy(string substance, string[]? rxNorm = null, string[]? names = null)
    {
        _allergies.Add(new DrugAllergy(Id("AllergyIntolerance", "al"), substance, names ?? [substance], rxNorm ?? []));
        return this;
    }

    public ClinicalTimeline Build() => new()
    {
        Patient = _patient,
        Infusions = [.. _infusions.OrderBy(x => x.Start)],
        Temperatures = [.. _temperatures.OrderBy(x => x.Time)],
        Pressures = [.. _pressures.OrderBy(x => x.Time)],
        Weights = [.. _weights.OrderBy(x => x.Time)],
        Drugs = [.. _drugs.OrderBy(x => x.When.Start)],
        Labs = [.. _labs.OrderBy(x => x.Time)],
        Cultures = [.. _cultures.OrderBy(x => x.Collected)],
        Findings = [.. _findings.OrderBy(x => x.Time)],
        Allergies = [.. _allergies],
    };

    private static string CanonicalUnit(LabAnalyte analyte) => analyte switch
    {
        LabAnalyte.Procalcitonin or LabAnalyte.Tryptase or LabAnalyte.Ferritin => "ng/mL",
        LabAnalyte.AbsoluteNeutrophilCount or LabAnalyte.WhiteBloodCells or LabAnalyte.Platelets => "10*9/L",
        LabAnalyte.Lactate => "mmol/L",
        LabAnalyte.CReactiveProtein => "mg/L",
        _ => "1",
    };
}

/// <summary>CRS assessments built directly, as the grader would report them.</summary>
internal static class Assessments
{
    /// <summary>
    /// An eligible assessment at <see cref="TimelineBuilder.AsOf"/>: T0 <paramref name="t0"/> (default 3 days before),
    /// the same grade in all three systems, ASTCT 2019 primary.
    /// </summary>
    public static CrsAssessment Crs(
        FeverStatus fever = FeverStatus.Febrile,
        int grade = 1,
        int? upperBound = null,
        bool? present = null,
        DateTimeOffset? t0 = null,
        BodyTemperature? highest = null,
        bool hypotension = false,
        IReadOnlyList<DrugAdministration>? vasopressors = null,
        bool feverWaived = false,
        DrugAdministration? maskingDrug = null,
        GradingSystem primary = GradingSystem.Astct2019,
        bool withInfusion = true)
    {
        var start = t0 ?? TimelineBuilder.DaysAgo(3);
        var ub = upperBound ?? grade;
        var g = new SystemGrade(grade, ub, [$"grade {grade}"], ub > grade ? [$"upper bound {ub}"] : []);
        var infusion = withInfusion
            ? new InfusionContext(CarTProduct.AxicabtageneCiloleucel, start, (int)Math.Floor((TimelineBuilder.AsOf - start).TotalDays),
                [new CarTInfusion("MedicationAdministration/cart0", CarTProduct.AxicabtageneCiloleucel, start, AdministrationStatus.Completed)])
            : null;
        return new CrsAssessment
        {
            AsOf = TimelineBuilder.AsOf,
            Infusion = infusion,
            Eligible = withInfusion,
            PrimarySystem = primary,
            Fever = fever,
            HighestTemperature = highest ?? (fever == FeverStatus.Febrile
                ? new BodyTemperature("Observation/tmax", TimelineBuilder.HoursAgo(2), 38.6m, new RecordedValue(38.6m, "Cel"))
                : null),
            FeverWaived = feverWaived,
            MaskingDrug = maskingDrug,
            Present = present ?? (fever == FeverStatus.Febrile || feverWaived),
            Hypotension = hypotension,
            Vasopressors = vasopressors ?? [],
            Current = new Dictionary<GradingSystem, SystemGrade>
            {
                [GradingSystem.Astct2019] = g,
                [GradingSystem.Lee2014] = g,
                [GradingSystem.CtcaeV5] = g,
            },
            Peak = new Dictionary<GradingSystem, int>
            {
                [GradingSystem.Astct2019] = grade,
                [GradingSystem.Lee2014] = grade,
                [GradingSystem.CtcaeV5] = grade,
            },
        };
    }
}
