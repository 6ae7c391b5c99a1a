using System.Globalization;

using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Grading;

/// <summary>A vasopressor administration as the window sees it: its counted span clipped to the window.</summary>
/// <param name="Administration">The administration.</param>
/// <param name="Start">Clipped start (UTC ticks).</param>
/// <param name="End">Clipped end (UTC ticks).</param>
internal readonly record struct ClippedAdministration(DrugAdministration Administration, long Start, long End);

/// <summary>The outcome of the Lee 2014 high-dose test in one window.</summary>
/// <param name="High">A high-dose rule held for the sustained time (Lee 2014 grade 3).</param>
/// <param name="PossiblyHigh">A rule might have held had every unknown rate been known (upper bound 3).</param>
/// <param name="Rule">The rule that held (or might have held), for the card, e.g. "norepinephrine ≥ 20 µg/min for 3 h 10 min".</param>
/// <param name="UnknownRates">Administrations whose rate was unknown during a run long enough to be high-dose.</param>
/// <param name="WeightMissing">True when an unknown rate was unknown because no weight was available.</param>
internal sealed record HighDoseResult(bool High, bool PossiblyHigh, string? Rule, IReadOnlyList<DrugAdministration> UnknownRates, bool WeightMissing)
{
    /// <summary>No high dose, nothing unknown.</summary>
    public static HighDoseResult NotHigh { get; } = new(false, false, null, [], false);

    /// <summary>A proven high dose without its description (the peak's fast path).</summary>
    public static HighDoseResult ProvenHigh { get; } = new(true, true, null, [], false);
}

/// <summary>
/// Lee 2014 Table 2 high-dose vasopressors (CRS-SPEC §4, §9.15, §9.30): each agent alone at or above its threshold, or
/// the norepinephrine-equivalent (computed at each instant from every agent running then) at or above the
/// combination threshold, sustained for a contiguous time inside the window across consecutive administrations.
/// </summary>
internal static class LeeHighDose
{
    private enum Indicator { NotMet, Unknown, Met }

    private static readonly Drug[] Agents = [Drug.Norepinephrine, Drug.Epinephrine, Drug.Phenylephrine, Drug.Dopamine];

    /// <summary>Evaluates the window's vasopressors.</summary>
    /// <param name="administrations">Vasopressor administrations overlapping the window, clipped to it.</param>
    /// <param name="weightKg">The latest weight in the 30 days before the window end, or null.</param>
    /// <param name="options">The thresholds.</param>
    /// <remarks>
    /// [operational] Two administrations of one agent running at the same instant count by the higher known rate
    /// (overlapping records are usually a rate change charted twice, not two lines). A rate is compared after rounding
    /// to the decimals of its threshold (CRS-SPEC §9.31). A run shorter than the sustained time is never high-dose,
    /// whatever its rate (CRS-SPEC §9.15, §9.30). Vasopressin's own rate is never needed.
    /// </remarks>
    public static HighDoseResult Evaluate(IReadOnlyList<ClippedAdministration> administrations, decimal? weightKg, HighDoseVasopressorOptions options)
    {
        ArgumentNullException.ThrowIfNull(administrations);
        ArgumentNullException.ThrowIfNull(options);
        // Cheap exits first (the peak asks this for every window with a vasopressor).
        var sustained = (long)(options.SustainedHours * TimeSpan.TicksPerHour);
        if (LongestNonVasopressinCoverage(administrations) < sustained) return HighDoseResult.NotHigh;
        if (CannotReachAnyThreshold(administrations, weightKg, options)) return HighDoseResult.NotHigh;
        var rates = new (decimal? Value, bool WeightMissing)[administrations.Count];
        var points = new long[2 * administrations.Count];
        for (var i = 0; i < administrations.Count; i++)
        {
            rates[i] = Convert(administrations[i].Administration, weightKg);
            points[2 * i] = administrations[i].Start;
            points[(2 * i) + 1] = administrations[i].End;
        }

        Array.Sort(points);
        var breakpoints = new List<long>(points.Length);
        foreach (var p in points)
        {
            if (breakpoints.Count == 0 || breakpoints[^1] != p) breakpoints.Add(p);
        }

        var cutoffs = new decimal[Agents.Length];
        for (var k = 0; k < Agents.Length; k++) cutoffs[k] = ClinicalRounding.AtOrAboveCutoff(Threshold(Agents[k], options));

        // Five indicators: the four agents alone (0–3), and the combination rule (4).
        const int combination = 4;
        const int indicatorCount = 5;
        var metRun = new long[indicatorCount];
        var possibleRun = new long[indicatorCount];
        var bestMet = new long[indicatorCount];
        var bestPossible = new long[indicatorCount];
        var vasopressinInRun = new bool[indicatorCount];
        var vasopressinInBest = new bool[indicatorCount];
        var unknownInRun = new List<int>[indicatorCount];
        for (var i = 0; i < indicatorCount; i++) unknownInRun[i] = [];
        var unknownLong = new SortedSet<int>();

        var knownMax = new decimal?[Agents.Length];
        var unknown = new bool[Agents.Length];
        var running = new bool[Agents.Length];
        var states = new Indicator[indicatorCount];

        // Administrations arrive sorted by start: an active list grows from a pointer and drops what has ended.
        var order = new int[administrations.Count];
        var starts = new long[administrations.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
            starts[i] = administrations[i].Start;
        }

        Array.Sort(starts, order);
        var next = 0;
        var active = new List<int>();
        for (var b = 0; b + 1 < breakpoints.Count; b++)
        {
            long from = breakpoints[b], to = breakpoints[b + 1], length = to - from;
            while (next < order.Length && administrations[order[next]].Start <= from) active.Add(order[next++]);
            for (var i = active.Count - 1; i >= 0; i--)
            {
                if (administrations[active[i]].End <= from) active.RemoveAt(i);
            }
            Array.Clear(knownMax);
            Array.Clear(unknown);
            Array.Clear(running);
            var vasopressin = false;
            foreach (var i in active)
            {
                var a = administrations[i];
                if (a.Start > from || a.End < to) continue;
                var drug = a.Administration.Drug;
                if (drug == Drug.Vasopressin)
                {
                    vasopressin = true;
                    continue;
                }

                var k = Array.IndexOf(Agents, drug);
                if (k < 0) continue;
                running[k] = true;
                if (rates[i].Value is { } v) knownMax[k] = knownMax[k] is { } m ? Math.Max(m, v) : v;
                else unknown[k] = true;
            }

            // Each agent alone.
            for (var k = 0; k < Agents.Length; k++)
            {
                states[k] = !running[k] ? Indicator.NotMet
                    : knownMax[k] is { } v && v >= cutoffs[k] ? Indicator.Met
                    : unknown[k] ? Indicator.Unknown
                    : Indicator.NotMet;
            }

            // The combination: vasopressin + NE-eq, or two or more agents without vasopressin.
            var agentsRunning = running.Count(r => r);
            states[combination] = Indicator.NotMet;
            if ((vasopressin && agentsRunning >= 1) || agentsRunning >= 2)
            {
                var threshold = vasopressin ? options.WithVasopressinNorepinephrineEquivalent : options.CombinationNorepinephrineEquivalent;
                var lower = 0m;
                var anyUnknown = false;
                for (var k = 0; k < Agents.Length; k++)
                {
                    if (!running[k]) continue;
                    if (knownMax[k] is { } v) lower += NorepinephrineEquivalent(Agents[k], v);
                    if (unknown[k]) anyUnknown = true;
                }

                states[combination] = ClinicalRounding.AtOrAbove(lower, threshold) ? Indicator.Met
                    : anyUnknown ? Indicator.Unknown
                    : Indicator.NotMet;
            }

            for (var s = 0; s < indicatorCount; s++)
            {
                if (states[s] == Indicator.NotMet)
                {
                    metRun[s] = 0;
                    possibleRun[s] = 0;
                    vasopressinInRun[s] = false;
                    unknownInRun[s].Clear();
                    continue;
                }

                metRun[s] = states[s] == Indicator.Met ? metRun[s] + length : 0;
                possibleRun[s] += length;
                vasopressinInRun[s] |= vasopressin;
                if (states[s] == Indicator.Unknown)
                {
                    foreach (var i in active)
                    {
                        var a = administrations[i];
                        if (a.Start > from || a.End < to || rates[i].Value is not null) continue;
                        if (a.Administration.Drug is { } d && (s == combination ? d != Drug.Vasopressin : d == Agents[s]))
                            unknownInRun[s].Add(i);
                    }
                }

                if (metRun[s] > bestMet[s])
                {
                    bestMet[s] = metRun[s];
                    vasopressinInBest[s] = vasopressinInRun[s];
                }

                bestPossible[s] = Math.Max(bestPossible[s], possibleRun[s]);
                if (possibleRun[s] >= sustained) unknownLong.UnionWith(unknownInRun[s]);
            }
        }

        for (var s = 0; s < indicatorCount; s++)
        {
            if (bestMet[s] >= sustained)
                return new HighDoseResult(true, true, RuleText(s, vasopressinInBest[s], options, bestMet[s]), [], false);
        }

        if (unknownLong.Count == 0) return HighDoseResult.NotHigh;
        var possible = Enumerable.Range(0, indicatorCount).First(s => bestPossible[s] >= sustained);
        var unknownAdministrations = unknownLong.Select(i => administrations[i].Administration).Distinct().ToList();
        return new HighDoseResult(false, true, RuleText(possible, vasopressinInRun[possible], options, bestPossible[possible]),
            unknownAdministrations, unknownLong.Any(i => rates[i].WeightMissing));
    }

    /// <summary>
    /// Only whether a high dose is proven (the peak's question; unknown rates never prove one). With one agent and no
    /// vasopressin in the window the answer is the longest contiguous run of that agent's administrations at or above
    /// its threshold; otherwise the full instant-by-instant test of <see cref="Evaluate"/>.
    /// </summary>
    /// <param name="administrations">Sorted by start, clipped to the window.</param>
    /// <param name="weightKg">The latest weight in the 30 days before the window end, or null.</param>
    /// <param name="options">The thresholds.</param>
    public static bool IsHigh(IReadOnlyList<ClippedAdministration> administrations, decimal? weightKg, HighDoseVasopressorOptions options)
    {
        ArgumentNullException.ThrowIfNull(administrations);
        ArgumentNullException.ThrowIfNull(options);
        Drug? agent = null;
        for (var i = 0; i < administrations.Count; i++)
        {
            var drug = administrations[i].Administration.Drug;
            if (drug == Drug.Vasopressin || (agent is not null && drug != agent)) return Evaluate(administrations, weightKg, options).High;
            agent = drug;
        }

        if (agent is not { } single || Array.IndexOf(Agents, single) < 0) return false;
        var cutoff = ClinicalRounding.AtOrAboveCutoff(Threshold(single, options));
        var sustained = (long)(options.SustainedHours * TimeSpan.TicksPerHour);
        long runStart = 0, runEnd = long.MinValue;
        for (var i = 0; i < administrations.Count; i++)
        {
            var a = administrations[i];
            if (Convert(a.Administration, weightKg).Value is not { } v || v < cutoff) continue;
            if (a.Start > runEnd)
            {
                runStart = a.Start;
                runEnd = a.End;
            }
            else
            {
                runEnd = Math.Max(runEnd, a.End);
            }

            if (runEnd - runStart >= sustained) return true;
        }

        return false;
    }

    /// <summary>
    /// False when no window of this record can be high-dose: even the highest known rate of each agent (converted with
    /// the most favourable weight on record), alone or added up, meets no threshold. Lets the peak skip the test.
    /// Unknown rates never make a proven high dose, so they are left out here.
    /// </summary>
    public static bool CouldEverBeHigh(IEnumerable<DrugAdministration> vasopressors, IReadOnlyCollection<decimal> weightsKg, HighDoseVasopressorOptions options)
    {
        ArgumentNullException.ThrowIfNull(vasopressors);
        ArgumentNullException.ThrowIfNull(weightsKg);
        ArgumentNullException.ThrowIfNull(options);
        decimal? heaviest = weightsKg.Count == 0 ? null : weightsKg.Max();
        decimal? lightest = weightsKg.Count == 0 ? null : weightsKg.Min();
        var vasopressin = false;
        var maxima = new decimal[Agents.Length];
        var present = new bool[Agents.Length];
        foreach (var d in vasopressors)
        {
            if (d.Drug == Drug.Vasopressin)
            {
                vasopressin = true;
                continue;
            }

            var k = Array.IndexOf(Agents, d.Drug);
            if (k < 0) continue;
            present[k] = true;
            var value = Convert(d, d.Drug == Drug.Dopamine ? lightest : heaviest).Value;
            if (value is { } v) maxima[k] = Math.Max(maxima[k], v);
        }

        var equivalent = 0m;
        var agents = 0;
        for (var k = 0; k < Agents.Length; k++)
        {
            if (!present[k]) continue;
            agents++;
            if (ClinicalRounding.AtOrAbove(maxima[k], Threshold(Agents[k], options))) return true;
            equivalent += NorepinephrineEquivalent(Agents[k], maxima[k]);
        }

        return (vasopressin && ClinicalRounding.AtOrAbove(equivalent, options.WithVasopressinNorepinephrineEquivalent))
            || (agents >= 2 && ClinicalRounding.AtOrAbove(equivalent, options.CombinationNorepinephrineEquivalent));
    }

    /// <summary>The longest contiguous time any non-vasopressin agent runs in the window (nothing shorter can be sustained).</summary>
    /// <param name="administrations">Sorted by start.</param>
    private static long LongestNonVasopressinCoverage(IReadOnlyList<ClippedAdministration> administrations)
    {
        long longest = 0, runStart = 0, runEnd = long.MinValue;
        for (var i = 0; i < administrations.Count; i++)
        {
            var a = administrations[i];
            if (a.Administration.Drug is not { } drug || drug == Drug.Vasopressin || !drug.IsVasopressor()) continue;
            if (a.Start > runEnd)
            {
                runStart = a.Start;
                runEnd = a.End;
            }
            else
            {
                runEnd = Math.Max(runEnd, a.End);
            }

            longest = Math.Max(longest, runEnd - runStart);
        }

        return longest;
    }

    /// <summary>True when every rate is known and even the highest of each agent, added together, meets no threshold.</summary>
    private static bool CannotReachAnyThreshold(IReadOnlyList<ClippedAdministration> administrations, decimal? weightKg, HighDoseVasopressorOptions options)
    {
        var vasopressin = false;
        Span<decimal> maxima = stackalloc decimal[Agents.Length];
        Span<bool> present = stackalloc bool[Agents.Length];
        for (var i = 0; i < administrations.Count; i++)
        {
            var drug = administrations[i].Administration.Drug;
            if (drug == Drug.Vasopressin)
            {
                vasopressin = true;
                continue;
            }

            var k = Array.IndexOf(Agents, drug);
            if (k < 0) continue;
            if (Convert(administrations[i].Administration, weightKg).Value is not { } v) return false;
            present[k] = true;
            maxima[k] = Math.Max(maxima[k], v);
        }

        var equivalent = 0m;
        for (var k = 0; k < Agents.Length; k++)
        {
            if (!present[k]) continue;
            if (ClinicalRounding.AtOrAbove(maxima[k], Threshold(Agents[k], options))) return false;
            equivalent += NorepinephrineEquivalent(Agents[k], maxima[k]);
        }

        if (vasopressin) return !ClinicalRounding.AtOrAbove(equivalent, options.WithVasopressinNorepinephrineEquivalent);
        var agents = 0;
        foreach (var p in present) agents += p ? 1 : 0;
        return agents < 2 || !ClinicalRounding.AtOrAbove(equivalent, options.CombinationNorepinephrineEquivalent);
    }

    /// <summary>The single-agent threshold (µg/min; dopamine µg/kg/min).</summary>
    public static decimal Threshold(Drug agent, HighDoseVasopressorOptions options) => agent switch
    {
        Drug.Norepinephrine => options.NorepinephrineMicrogramsPerMinute,
        Drug.Epinephrine => options.EpinephrineMicrogramsPerMinute,
        Drug.Phenylephrine => options.PhenylephrineMicrogramsPerMinute,
        Drug.Dopamine => options.DopamineMicrogramsPerKilogramPerMinute,
        _ => decimal.MaxValue,
    };

    /// <summary>An agent's contribution to the norepinephrine-equivalent (Lee 2014 Table 2).</summary>
    public static decimal NorepinephrineEquivalent(Drug agent, decimal rate) => agent switch
    {
        Drug.Dopamine => rate / GradingCriteria.DopamineNorepinephrineDivisor,
        Drug.Phenylephrine => rate / GradingCriteria.PhenylephrineNorepinephrineDivisor,
        _ => rate,
    };

    /// <summary>The rate in the unit of the agent's threshold (µg/min; dopamine µg/kg/min), or null with why.</summary>
    public static (decimal? Value, bool WeightMissing) Convert(DrugAdministration administration, decimal? weightKg)
    {
        ArgumentNullException.ThrowIfNull(administration);
        if (administration.Rate is not { } rate) return (null, false);
        var perKilogramWanted = administration.Drug == Drug.Dopamine;
        if (rate.PerKilogram == perKilogramWanted) return (rate.Value, false);
        if (weightKg is not { } kg || kg <= 0m) return (null, true);
        return (perKilogramWanted ? rate.Value / kg : rate.Value * kg, false);
    }

    /// <summary>The unit of an agent's threshold.</summary>
    public static string ThresholdUnit(Drug agent) => agent == Drug.Dopamine ? "µg/kg/min" : "µg/min";

    private static string RuleText(int indicator, bool withVasopressin, HighDoseVasopressorOptions options, long ticks)
    {
        var duration = Duration(ticks);
        if (indicator < Agents.Length)
        {
            var agent = Agents[indicator];
            return $"{agent.GenericName()} ≥ {Num(Threshold(agent, options))} {ThresholdUnit(agent)} for {duration}";
        }

        return withVasopressin
            ? $"vasopressin + norepinephrine-equivalent ≥ {Num(options.WithVasopressinNorepinephrineEquivalent)} µg/min for {duration}"
            : $"combination norepinephrine-equivalent ≥ {Num(options.CombinationNorepinephrineEquivalent)} µg/min for {duration}";
    }

    /// <summary>"3 h 10 min".</summary>
    public static string Duration(long ticks)
    {
        var span = TimeSpan.FromTicks(ticks);
        var hours = (int)span.TotalHours;
        return span.Minutes == 0 ? $"{hours} h" : $"{hours} h {span.Minutes} min";
    }

    private static string Num(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
