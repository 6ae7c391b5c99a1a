using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Fhir;

/// <summary>One resource's oxygen information before merging (device, flow and/or FiO2 at a time or over a period).</summary>
/// <param name="Source">The resource.</param>
/// <param name="Start">When it was recorded, or the period start.</param>
/// <param name="End">The period end; equal to <paramref name="Start"/> for a point; null for an open period.</param>
/// <param name="Device">The device, if recorded.</param>
/// <param name="FlowLitresPerMinute">Flow, rounded.</param>
/// <param name="FiO2Percent">FiO2, rounded.</param>
/// <param name="DeviceText">The device text as recorded.</param>
internal sealed record OxygenFact(
    string Source,
    DateTimeOffset Start,
    DateTimeOffset? End,
    OxygenDevice? Device,
    decimal? FlowLitresPerMinute,
    int? FiO2Percent,
    string? DeviceText)
{
    /// <summary>True for a point in time.</summary>
    public bool IsPoint => End == Start;
}

/// <summary>
/// Merges oxygen facts into oxygen-support events (CRS-SPEC §9.9).
/// </summary>
/// <remarks>
/// [operational] Clustering rule: facts are sorted by start time (then source); each fact joins the most
/// recent event when it starts no more than 10 minutes after that event's first fact and does not
/// contradict it (a different device, flow or FiO2 already in the event); otherwise it starts a new event.
/// So a device Observation, a pulse-oximetry Observation with flow and FiO2 components, and a separate FiO2
/// Observation recorded within 10 minutes become one event, while a change of device or flow inside 10
/// minutes stays visible as two events. The event's time is the point of its facts when they share one,
/// else the span from the first to the last fact; a period fact (CRS-SPEC §9.34) widens it to the whole
/// period, open when any period is open.
/// </remarks>
internal static class OxygenEvents
{
    /// <summary>The merge window of CRS-SPEC §9.9.</summary>
    public static readonly TimeSpan MergeWindow = TimeSpan.FromMinutes(10);

    /// <summary>Merges <paramref name="facts"/> into events in time order.</summary>
    public static List<OxygenSupport> Merge(IEnumerable<OxygenFact> facts)
    {
        var sorted = facts.OrderBy(f => f.Start).ThenBy(f => f.Source, StringComparer.Ordinal).ToList();
        var clusters = new List<List<OxygenFact>>();
        foreach (var fact in sorted)
        {
            var last = clusters.Count > 0 ? clusters[^1] : null;
            if (last is not null && fact.Start - last[0].Start <= MergeWindow && !Contradicts(last, fact))
                last.Add(fact);
            else
                clusters.Add([fact]);
        }
        return clusters.Select(ToEvent).ToList();
    }

    private static bool Contradicts(List<OxygenFact> cluster, OxygenFact fact) =>
        cluster.Any(c =>
            (c.Device is { } d && fact.Device is { } fd && d != fd)
            || (c.FlowLitresPerMinute is { } f && fact.FlowLitresPerMinute is { } ff && f != ff)
            || (c.FiO2Percent is { } o && fact.FiO2Percent is { } fo && o != fo));

    private static OxygenSupport ToEvent(List<OxygenFact> cluster)
    {
        var start = cluster.Min(f => f.Start);
        DateTimeOffset? end;
        if (cluster.Any(f => f.End is null)) end = null;
        else end = cluster.Max(f => f.End!.Value);
        var when = end == start ? TimeInterval.At(start) : new TimeInterval(start, end);
        var deviceFact = cluster.FirstOrDefault(f => f.Device is not null);
        return new OxygenSupport(
            cluster.Select(f => f.Source).Distinct(StringComparer.Ordinal).ToList(),
            when,
            deviceFact?.Device,
            cluster.Select(f => f.FlowLitresPerMinute).FirstOrDefault(v => v is not null),
            cluster.Select(f => f.FiO2Percent).FirstOrDefault(v => v is not null),
            deviceFact?.DeviceText ?? cluster.Select(f => f.DeviceText).FirstOrDefault(t => t is not null));
    }
}
