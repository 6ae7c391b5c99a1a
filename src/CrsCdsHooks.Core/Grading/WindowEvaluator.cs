using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Grading;

/// <summary>The three systems' grades over one window.</summary>
/// <param name="Astct">ASTCT 2019.</param>
/// <param name="Lee">Lee 2014.</param>
/// <param name="Ctcae">CTCAE v5.0.</param>
internal readonly record struct WindowGrades(Severity Astct, Severity Lee, Severity Ctcae)
{
    /// <summary>The grade of one system.</summary>
    public Severity Of(GradingSystem system) => system switch
    {
        GradingSystem.Lee2014 => Lee,
        GradingSystem.CtcaeV5 => Ctcae,
        _ => Astct,
    };
}

/// <summary>Why a drug masks fever, and for how long (CRS-SPEC §3 [operational masking periods]).</summary>
/// <param name="Administration">The masking administration.</param>
/// <param name="ClassName">"anti-cytokine therapy", "corticosteroid", "antipyretic".</param>
/// <param name="Period">Its masking period.</param>
internal sealed record MaskingFact(DrugAdministration Administration, string ClassName, TimeSpan Period);

/// <summary>Everything the current window's grades rest on (filled only for the window at asOf, not for peak windows).</summary>
internal sealed class WindowFacts
{
    public DateTimeOffset AsOf { get; init; }
    public DateTimeOffset From { get; init; }
    public DateTimeOffset DataEnd { get; init; }
    public int? AgeYears { get; set; }
    public FeverStatus Fever { get; set; }
    public int TemperatureCount { get; set; }
    public BodyTemperature? Highest { get; set; }
    public bool Waived { get; set; }
    public MaskingFact? Masking { get; set; }
    public BodyTemperature? FirstFever { get; set; }
    public bool Hypotension { get; set; }
    public int AssessablePressureCount { get; set; }
    public ArterialPressure? LowestSystolic { get; set; }
    public ArterialPressure? LowestMean { get; set; }
    public ArterialPressure? HypotensiveReading { get; set; }
    public int SystolicThreshold { get; set; }
    public int? MeanThreshold { get; set; }
    public List<ClippedAdministration> Vasopressors { get; } = [];
    public (DrugAdministration First, DrugAdministration Second)? NonVasopressinPair { get; set; }
    public (DrugAdministration First, DrugAdministration Second)? AnyPair { get; set; }
    public HighDoseResult HighDose { get; set; } = HighDoseResult.NotHigh;
    public BodyWeight? Weight { get; set; }
    public List<DrugAdministration> Inotropes { get; } = [];
    public List<(OxygenSupport Support, OxygenGrade Grade)> Oxygen { get; } = [];
    public List<(LabResult Lab, OrganGrade? Grade)> OrganLabs { get; } = [];
    public OxygenSaturation? LowestSaturation { get; set; }
    public Severity AstctCirculation { get; set; }
    public Severity LeeCirculation { get; set; }
    public Severity CtcaeCirculation { get; set; }
    public Severity AstctOxygen { get; set; }
    public Severity Fio2Oxygen { get; set; }
    public Severity LeeOrgan { get; set; }
    public WindowGrades Grades { get; set; }
    public bool Present => Fever == FeverStatus.Febrile || Waived;
}

/// <summary>
/// Grades one evaluation window (asOf − WindowHours, asOf] in the three systems (CRS-SPEC §3, §4, §9). Built once
/// per assessment over time-indexed copies of the timeline so that each window touches only its own entries: the
/// peak grade evaluates one window per data point time (CRS-SPEC §1, §9.25).
/// </summary>
/// <remarks>
/// Readings of the spec made here, each [operational] unless the spec says it:
/// <list type="bullet">
/// <item>Fever waiver (§3, §9.10): the first fever at or after T0 and at or before the window end starts it; a masking
/// drug counts when it started at or after that fever (a dose charted at the same minute as the fever was given for
/// it) and at most its masking period before asOf (the boundary is inside: "within the 12 h before asOf").</item>
/// <item>Hypotension (§3, §9.4): age at the window end; a reading counts as blood pressure when it has a systolic, or a
/// MAP from 18 years (a MAP alone says nothing under 18). Missing blood pressure with no vasopressor bounds the
/// circulation criterion at <see cref="NoBloodPressureUpperBound"/> (§9.7).</item>
/// <item>Vasopressors (§3, §9.14): counted spans from <see cref="AdministrationTiming.CountedSpan"/>; two agents
/// "overlap in time" when both run during an interval of positive length inside the window (a hand-over at one
/// instant is not an overlap).</item>
/// <item>The window also holds data up to <see cref="GradingCriteria.ClockSkewTolerance"/> after asOf (§9.2); data
/// before T0 inside the window counts (the window is (asOf − WindowHours, asOf], §1).</item>
/// </list>
/// </remarks>
internal sealed class WindowEvaluator
{
    private readonly CrsOptions _options;
    private readonly PatientFacts _patient;
    private readonly long _window;
    private readonly PointIndex<BodyTemperature> _temperatures;
    private readonly int[] _febrilePrefix;
    private readonly long? _firstFeverAfterT0;
    private readonly BodyTemperature? _firstFever;
    private readonly PointIndex<ArterialPressure> _pressures;
    private readonly Dictionary<int, (int[] Hypotensive, int[] Assessable)> _pressurePrefixByAge = [];
    private readonly IntervalIndex<DrugAdministration> _vasopressors;
    private readonly int _vasopressorAgents;
    private readonly IntervalIndex<DrugAdministration> _inotropes;
    private readonly (PointIndex<DrugAdministration> Index, string ClassName, long Period)[] _masking;
    private readonly OxygenSupport[] _oxygenEvents;
    private readonly OxygenGrade[] _oxygenGrades;
    private readonly PointIndex<int> _oxygenPoints;
    private readonly RangeMaximum[] _oxygenPointMaxima;
    private readonly IntervalIndex<int> _oxygenPeriods;
    private readonly PointIndex<LabResult> _organLabs;
    private readonly OrganGrade?[] _organGrades;
    private readonly PointIndex<BodyWeight> _weights;
    private readonly PointIndex<OxygenSaturation> _saturations;
    private readonly List<DrugAdministration> _drugBuffer = [];
    private readonly List<(DrugAdministration Item, long Start, long End)> _spanBuffer = [];
    private readonly List<ClippedAdministration> _clippedBuffer = [];
    private readonly List<int> _oxygenBuffer = [];

    /// <summary>No blood pressure in the window and no vasopressor: hypotension cannot be excluded, so the upper bound is at least 2.</summary>
    /// <remarks>CRS-SPEC §9.7, §9.27 (only when CRS is present or fever unknown: <see cref="Combine"/> zeroes it otherwise).</remarks>
    internal const int NoBloodPressureUpperBound = 2;

    /// <summary>Indexes the timeline for one assessment.</summary>
    public WindowEvaluator(ClinicalTimeline timeline, DateTimeOffset t0, CrsOptions options)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _patient = timeline.Patient;
        _window = TimeSpan.FromHours(options.WindowHours).Ticks;

        _temperatures = new PointIndex<BodyTemperature>(timeline.Temperatures, t => t.Time);
        _febrilePrefix = Prefix(_temperatures.Items, IsFever);
        var firstFever = Array.FindIndex(_temperatures.Items, t => t.Time >= t0 && IsFever(t));
        _firstFever = firstFever >= 0 ? _temperatures.Items[firstFever] : null;
        _firstFeverAfterT0 = _firstFever?.Time.UtcTicks;

        _pressures = new PointIndex<ArterialPressure>(timeline.Pressures, p => p.Time);

        var drugs = timeline.Drugs.Where(d => d.Drug is not null).ToList();
        _vasopressors = new IntervalIndex<DrugAdministration>(drugs.Where(d => d.Drug!.Value.IsVasopressor()), DrugSpan);
        var vasopressors = drugs.Where(d => d.Drug!.Value.IsVasopressor()).ToList();
        _vasopressorAgents = vasopressors.Select(d => d.Drug).Distinct().Count();
        LeeHighDosePossible = LeeHighDose.CouldEverBeHigh(vasopressors, timeline.Weights.Select(w => w.Kilograms).ToList(), options.Lee2014HighDose);
        _inotropes = new IntervalIndex<DrugAdministration>(drugs.Where(d => d.Drug!.Value.IsInotrope()), DrugSpan);
        _masking =
        [
            (new PointIndex<DrugAdministration>(drugs.Where(d => d.Drug!.Value.IsAntiCytokine()), d => d.When.Start),
                "anti-cytokine therapy", TimeSpan.FromHours(options.Masking.AntiCytokineHours).Ticks),
            (new PointIndex<DrugAdministration>(drugs.Where(d => d.Drug!.Value.IsCorticosteroid()), d => d.When.Start),
                "corticosteroid", TimeSpan.FromHours(options.Masking.CorticosteroidHours).Ticks),
            (new PointIndex<DrugAdministration>(drugs.Where(d => d.Drug!.Value.IsAntipyretic()), d => d.When.Start),
                "antipyretic", TimeSpan.FromHours(options.Masking.AntipyreticHours).Ticks),
        ];

        _oxygenEvents = timeline.Oxygen.ToArray();
        // Heavy records repeat the same settings every 15 minutes: grade each distinct setting once.
        var gradedSettings = new Dictionary<(OxygenDevice?, decimal?, int?), OxygenGrade>();
        _oxygenGrades = _oxygenEvents.Select(e =>
        {
            var key = (e.Device, e.FlowLitresPerMinute, e.FiO2Percent);
            if (!gradedSettings.TryGetValue(key, out var grade)) gradedSettings[key] = grade = OxygenGrading.Grade(e);
            return grade;
        }).ToArray();
        // Point events (most of them) answer "highest support in the window" by range maximum; periods are few and scanned.
        _oxygenPoints = new PointIndex<int>(Enumerable.Range(0, _oxygenEvents.Length).Where(i => _oxygenEvents[i].When.IsPoint), i => _oxygenEvents[i].When.Start);
        _oxygenPointMaxima =
        [
            new RangeMaximum(_oxygenPoints.Items.Select(i => _oxygenGrades[i].Astct.Grade).ToArray()),
            new RangeMaximum(_oxygenPoints.Items.Select(i => _oxygenGrades[i].Astct.UpperBound).ToArray()),
            new RangeMaximum(_oxygenPoints.Items.Select(i => _oxygenGrades[i].Fio2.Grade).ToArray()),
            new RangeMaximum(_oxygenPoints.Items.Select(i => _oxygenGrades[i].Fio2.UpperBound).ToArray()),
        ];
        _oxygenPeriods = new IntervalIndex<int>(Enumerable.Range(0, _oxygenEvents.Length).Where(i => !_oxygenEvents[i].When.IsPoint),
            i => (_oxygenEvents[i].When.Start, _oxygenEvents[i].When.End));

        _organLabs = new PointIndex<LabResult>(timeline.Labs.Where(l => OrganToxicity.IsOrganLab(l.Analyte)), l => l.Time);
        _organGrades = _organLabs.Items.Select(OrganToxicity.Grade).ToArray();
        _weights = new PointIndex<BodyWeight>(timeline.Weights, w => w.Time);
        _saturations = new PointIndex<OxygenSaturation>(timeline.Saturations, s => s.Time);
    }

    /// <summary>False when no window of this record can hold a Lee 2014 high dose (the peak then skips the test).</summary>
    public bool LeeHighDosePossible { get; }

    /// <summary>Every time at which a window may end for the peak (CRS-SPEC §9.25): data points, and the starts and ends of drug and oxygen periods.</summary>
    public List<long> DataPointTimes()
    {
        var times = new List<long>(_temperatures.Count + _pressures.Count + (2 * _oxygenEvents.Length) + _organLabs.Count + _weights.Count);
        times.AddRange(_temperatures.Ticks);
        times.AddRange(_pressures.Ticks);
        times.AddRange(_organLabs.Ticks);
        times.AddRange(_weights.Ticks);
        foreach (var (index, _, _) in _masking) times.AddRange(index.Ticks);
        times.AddRange(_vasopressors.Starts);
        times.AddRange(_vasopressors.Ends);
        times.AddRange(_oxygenPoints.Ticks);
        times.AddRange(_oxygenPeriods.Starts);
        times.AddRange(_oxygenPeriods.Ends);
        return times;
    }

    /// <summary>Grades only (the peak's fast path: no allocation of explanations).</summary>
    /// <param name="asOf">The window end, as if it were the request time.</param>
    /// <param name="withLeeHighDose">False when Lee's high-dose test cannot change the result (its peak is already ≥ 3).</param>
    public WindowGrades Grades(long asOf, bool withLeeHighDose) => Evaluate(asOf, asOf, withLeeHighDose, null);

    /// <summary>The window at the request time, with everything behind its grades.</summary>
    public WindowFacts Facts(DateTimeOffset asOf)
    {
        var dataEnd = asOf + GradingCriteria.ClockSkewTolerance;
        var facts = new WindowFacts { AsOf = asOf, From = asOf - TimeSpan.FromTicks(_window), DataEnd = dataEnd };
        facts.Grades = Evaluate(asOf.UtcTicks, dataEnd.UtcTicks, true, facts);
        return facts;
    }

    private WindowGrades Evaluate(long asOf, long dataEnd, bool withLeeHighDose, WindowFacts? facts)
    {
        var from = asOf - _window;
        var asOfTime = new DateTimeOffset(asOf, TimeSpan.Zero);
        var age = _patient.AgeInYears(asOfTime);
        if (facts is not null) facts.AgeYears = age;

        // Fever (CRS-SPEC §3, §9.7).
        var (ts, te) = _temperatures.Range(from, dataEnd);
        var fever = te == ts ? FeverStatus.Unknown
            : _febrilePrefix[te] - _febrilePrefix[ts] > 0 ? FeverStatus.Febrile
            : FeverStatus.Afebrile;
        if (facts is not null)
        {
            facts.Fever = fever;
            facts.TemperatureCount = te - ts;
            for (var i = ts; i < te; i++)
            {
                var t = _temperatures.Items[i];
                if (facts.Highest is null || t.Celsius > facts.Highest.Celsius) facts.Highest = t;
            }
        }

        // Fever waiver (CRS-SPEC §3, §9.10): a fever at tf ≥ T0, then a masking drug started at or after tf, within its period before asOf.
        var waived = false;
        if (fever != FeverStatus.Febrile && _firstFeverAfterT0 is { } tf && tf <= dataEnd)
        {
            long bestExpiry = long.MinValue;
            foreach (var (index, className, period) in _masking)
            {
                var last = index.LastAtOrBefore(dataEnd);
                if (last < 0) continue;
                var start = index.Ticks[last];
                if (start < tf || asOf - start > period) continue;
                waived = true;
                if (facts is not null && start + period > bestExpiry)
                {
                    bestExpiry = start + period;
                    facts.Masking = new MaskingFact(index.Items[last], className, TimeSpan.FromTicks(period));
                    facts.FirstFever = _firstFever;
                }
            }
        }

        if (facts is not null) facts.Waived = waived;

        // Hypotension (CRS-SPEC §3; age at asOf, §9.4).
        var (ps, pe) = _pressures.Range(from, dataEnd);
        var (hypotensivePrefix, assessablePrefix) = PressurePrefix(age);
        var hypotension = hypotensivePrefix[pe] - hypotensivePrefix[ps] > 0;
        var assessable = assessablePrefix[pe] - assessablePrefix[ps] > 0;
        if (facts is not null) FillPressures(facts, age, ps, pe, hypotension);

        // Vasopressors overlapping the window (CRS-SPEC §3, §9.14).
        _spanBuffer.Clear();
        var clipped = _clippedBuffer;
        clipped.Clear();
        var multipleNonVasopressin = false;
        var multipleAny = false;
        bool anyVasopressor;
        var inStartOrder = true;
        var onlyPresence = facts is null && !withLeeHighDose && _vasopressorAgents <= 1;
        if (onlyPresence)
        {
            // Peak fast path: one agent in the whole record and no high-dose test: only "is one running?" matters.
            anyVasopressor = _vasopressors.Any(from, dataEnd, asOf);
        }
        else
        {
            // The index holds each administration's counted span (CRS-SPEC §3; AdministrationTiming.CountedSpan).
            inStartOrder = _vasopressors.OverlappingSpans(from, dataEnd, asOf, _spanBuffer);
            anyVasopressor = _spanBuffer.Count > 0;
        }

        if (anyVasopressor && !onlyPresence)
        {
            foreach (var (d, s, e) in _spanBuffer) clipped.Add(new ClippedAdministration(d, Math.Max(s, from), Math.Min(e, dataEnd)));

            if (!inStartOrder || facts is not null)
                clipped.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : string.CompareOrdinal(a.Administration.Source, b.Administration.Source));
            (multipleNonVasopressin, multipleAny) = OverlappingAgents(clipped, facts);
            if (facts is not null) facts.Vasopressors.AddRange(clipped);
        }

        var highDose = HighDoseResult.NotHigh;
        if (facts is not null && anyVasopressor) facts.Weight = LatestWeight(asOf, dataEnd);
        if (anyVasopressor && !multipleNonVasopressin && withLeeHighDose)
        {
            var weight = LatestWeight(asOf, dataEnd);
            if (facts is not null) facts.Weight = weight;
            highDose = facts is not null
                ? LeeHighDose.Evaluate(clipped, weight?.Kilograms, _options.Lee2014HighDose)
                : LeeHighDose.IsHigh(clipped, weight?.Kilograms, _options.Lee2014HighDose) ? HighDoseResult.ProvenHigh : HighDoseResult.NotHigh;
            if (facts is not null) facts.HighDose = highDose;
        }

        if (facts is not null)
        {
            _drugBuffer.Clear();
            _inotropes.Overlapping(from, dataEnd, asOf, _drugBuffer);
            facts.Inotropes.AddRange(_drugBuffer.OrderBy(d => d.When.Start).ThenBy(d => d.Source, StringComparer.Ordinal));
        }

        var noPressure = new Severity(0, NoBloodPressureUpperBound);
        var astctCirculation = anyVasopressor ? Severity.Exactly(multipleNonVasopressin ? 4 : 3)
            : hypotension ? Severity.Exactly(2) : !assessable ? noPressure : Severity.None;
        var leeCirculation = anyVasopressor
            ? (multipleNonVasopressin || highDose.High ? Severity.Exactly(3) : highDose.PossiblyHigh ? new Severity(2, 3) : Severity.Exactly(2))
            : hypotension ? Severity.Exactly(2) : !assessable ? noPressure : Severity.None;
        var ctcaeCirculation = anyVasopressor ? Severity.Exactly(multipleAny ? 4 : 3)
            : hypotension ? Severity.Exactly(2) : !assessable ? noPressure : Severity.None;

        // Oxygen (CRS-SPEC §3, §4, §9.9, §9.12, §9.13, §9.28, §9.34).
        var (os, oe) = _oxygenPoints.Range(from, dataEnd);
        var astctOxygen = new Severity(_oxygenPointMaxima[0].Max(os, oe), _oxygenPointMaxima[1].Max(os, oe));
        var fio2Oxygen = new Severity(_oxygenPointMaxima[2].Max(os, oe), _oxygenPointMaxima[3].Max(os, oe));
        _oxygenBuffer.Clear();
        _oxygenPeriods.Overlapping(from, dataEnd, asOf, _oxygenBuffer);
        foreach (var i in _oxygenBuffer)
        {
            astctOxygen = astctOxygen.Max(_oxygenGrades[i].Astct);
            fio2Oxygen = fio2Oxygen.Max(_oxygenGrades[i].Fio2);
        }

        if (facts is not null)
        {
            for (var p = os; p < oe; p++) _oxygenBuffer.Add(_oxygenPoints.Items[p]);
            _oxygenBuffer.Sort((a, b) => a == b ? 0 : _oxygenEvents[a].When.Start != _oxygenEvents[b].When.Start
                ? _oxygenEvents[a].When.Start.CompareTo(_oxygenEvents[b].When.Start) : a.CompareTo(b));
            foreach (var i in _oxygenBuffer) facts.Oxygen.Add((_oxygenEvents[i], _oxygenGrades[i]));
        }

        // Lee organ toxicity (CRS-SPEC §4, §9.16).
        var (ls, le) = _organLabs.Range(from, dataEnd);
        var organ = 0;
        for (var i = ls; i < le; i++)
        {
            if (_organGrades[i] is { } g) organ = Math.Max(organ, g.LeeGrade);
            facts?.OrganLabs.Add((_organLabs.Items[i], _organGrades[i]));
        }

        var leeOrgan = Severity.Exactly(organ);

        if (facts is not null)
        {
            var (ss, se) = _saturations.Range(from, dataEnd);
            for (var i = ss; i < se; i++)
            {
                var s = _saturations.Items[i];
                if (facts.LowestSaturation is null || s.Percent < facts.LowestSaturation.Percent) facts.LowestSaturation = s;
            }

            facts.AstctCirculation = astctCirculation;
            facts.LeeCirculation = leeCirculation;
            facts.CtcaeCirculation = ctcaeCirculation;
            facts.AstctOxygen = astctOxygen;
            facts.Fio2Oxygen = fio2Oxygen;
            facts.LeeOrgan = leeOrgan;
        }

        return new WindowGrades(
            Combine(astctCirculation.Max(astctOxygen), fever, waived),
            Combine(leeCirculation.Max(fio2Oxygen).Max(leeOrgan), fever, waived),
            Combine(ctcaeCirculation.Max(fio2Oxygen), fever, waived));
    }

    /// <summary>
    /// CRS presence gates every criterion (CRS-SPEC §3, §9.7, §9.10, §9.11, §9.27): fever → at least 1; waiver → the
    /// fever-only 1 becomes 0 with upper bound 1; no temperature → graded afebrile, bounded as febrile; proven afebrile
    /// with no waiver → 0, upper bound 0.
    /// </summary>
    internal static Severity Combine(Severity criteria, FeverStatus fever, bool waived) =>
        fever == FeverStatus.Febrile ? new Severity(Math.Max(1, criteria.Grade), Math.Max(1, criteria.UpperBound))
        : waived ? new Severity(criteria.Grade, Math.Max(1, criteria.UpperBound))
        : fever == FeverStatus.Unknown ? new Severity(0, Math.Max(1, criteria.UpperBound))
        : Severity.None;

    private static bool IsFever(BodyTemperature t) => t.Celsius >= GradingCriteria.FeverCelsius;

    private static (DateTimeOffset Start, DateTimeOffset? End) DrugSpan(DrugAdministration d)
    {
        if (!d.When.IsPoint && d.When.End is null && d.Status == AdministrationStatus.InProgress) return (d.When.Start, null);
        var (s, e) = d.CountedSpan(d.When.Start);
        return (s, e);
    }

    private static int[] Prefix<T>(T[] items, Func<T, bool> predicate)
    {
        var prefix = new int[items.Length + 1];
        for (var i = 0; i < items.Length; i++) prefix[i + 1] = prefix[i] + (predicate(items[i]) ? 1 : 0);
        return prefix;
    }

    private (int[] Hypotensive, int[] Assessable) PressurePrefix(int? age)
    {
        var key = age ?? -1;
        if (_pressurePrefixByAge.TryGetValue(key, out var cached)) return cached;
        var options = _options.Hypotension;
        var meanUsed = HypotensionThreshold.MeanBelow(age, options) is not null;
        var result = (
            Prefix(_pressures.Items, p => HypotensionThreshold.IsHypotensive(p, age, options)),
            Prefix(_pressures.Items, p => p.SystolicMmHg is not null || (meanUsed && p.MeanMmHg is not null)));
        _pressurePrefixByAge[key] = result;
        return result;
    }

    private void FillPressures(WindowFacts facts, int? age, int ps, int pe, bool hypotension)
    {
        var options = _options.Hypotension;
        facts.Hypotension = hypotension;
        facts.SystolicThreshold = HypotensionThreshold.SystolicBelow(age, options);
        facts.MeanThreshold = HypotensionThreshold.MeanBelow(age, options);
        var (_, assessable) = PressurePrefix(age);
        facts.AssessablePressureCount = assessable[pe] - assessable[ps];
        for (var i = ps; i < pe; i++)
        {
            var p = _pressures.Items[i];
            if (p.SystolicMmHg is { } sbp && (facts.LowestSystolic?.SystolicMmHg is not { } low || sbp < low)) facts.LowestSystolic = p;
            if (facts.MeanThreshold is not null && p.MeanMmHg is { } map && (facts.LowestMean?.MeanMmHg is not { } lowMap || map < lowMap)) facts.LowestMean = p;
        }

        if (!hypotension) return;
        facts.HypotensiveReading =
            facts.LowestSystolic is { SystolicMmHg: { } s } && s < facts.SystolicThreshold ? facts.LowestSystolic : facts.LowestMean;
    }

    /// <summary>
    /// Whether two different non-vasopressin agents run at the same instant in the window (ASTCT 4, Lee "multiple"),
    /// and whether any two different agents do, vasopressin included (CTCAE 4) (CRS-SPEC §3, §9.14).
    /// </summary>
    private static (bool NonVasopressin, bool Any) OverlappingAgents(List<ClippedAdministration> clipped, WindowFacts? facts)
    {
        var nonVasopressin = false;
        var any = false;
        for (var i = 0; i < clipped.Count && !(nonVasopressin && any); i++)
        {
            for (var j = i + 1; j < clipped.Count; j++)
            {
                var a = clipped[i];
                var b = clipped[j];
                if (b.Start >= a.End) break; // sorted by start: no later one overlaps a
                if (a.Administration.Drug == b.Administration.Drug) continue;
                if (Math.Max(a.Start, b.Start) >= Math.Min(a.End, b.End)) continue;
                if (!any)
                {
                    any = true;
                    if (facts is not null) facts.AnyPair = (a.Administration, b.Administration);
                }

                if (!nonVasopressin && a.Administration.Drug != Drug.Vasopressin && b.Administration.Drug != Drug.Vasopressin)
                {
                    nonVasopressin = true;
                    if (facts is not null) facts.NonVasopressinPair = (a.Administration, b.Administration);
                }

                if (nonVasopressin && any) break;
            }
        }

        return (nonVasopressin, any);
    }

    private BodyWeight? LatestWeight(long asOf, long dataEnd)
    {
        var last = _weights.LastAtOrBefore(dataEnd);
        if (last < 0) return null;
        return _weights.Ticks[last] >= asOf - GradingCriteria.WeightLookBack.Ticks ? _weights.Items[last] : null;
    }
}
