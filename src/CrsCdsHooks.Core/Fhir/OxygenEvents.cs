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
/// <para>CRS-SPEC §9.9: device, flow and FiO2 recorded within 10 minutes of each other are one event. Facts are
/// sorted by start time (then source); each fact joins the most recent event when it is recorded no more than 10
/// minutes after that event's latest record (a chain: NC at 0 min, flow at 4, FiO2 at 11 is one event) and does
/// not contradict it (a different device, flow or FiO2 already in the event); otherwise it starts a new event.
/// So a device Observation, a pulse-oximetry Observation with flow and FiO2 components, and a separate FiO2
/// Observation become one event, while a change of device or flow inside 10 minutes stays visible as two events.
/// The event's time is the point of its facts when they share one, else the span from the first to the last
/// fact; a period fact (CRS-SPEC §9.34) widens it to the whole period, open when any period is open.</para>
/// <para>[operational] Carried device: an event with no device of its own (typically a flow or FiO2 change that
/// started a new event) takes the device recorded within 10 minutes of one of its records — measured from the
/// device's own record, or 0 while a device period runs — when exactly one device is so recorded. Two different
/// devices within 10 minutes are ambiguous and nothing is carried (the upper bound stays). Only the device is
/// carried, never a flow or FiO2 (a changed setting is not inferred). The carried device's resource is listed
/// among the event's sources; it does not change the event's time. The spec's words ("within 10 minutes of each
/// other") do not say which record the 10 minutes are measured from; this reading is ours.</para>
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
            // Sorted by start, so the cluster's last fact is its latest record: the chain is measured from it.
            if (last is not null && fact.Start - last[^1].Start <= MergeWindow && !Contradicts(last, fact))
                last.Add(fact);
            else
                clusters.Add([fact]);
        }

        var devices = sorted.Where(f => f.Device is not null).ToList();
        return clusters.Select(c => ToEvent(c, c.Any(f => f.Device is not null) ? null : CarriedDevice(c, devices))).ToList();
    }

    private static bool Contradicts(List<OxygenFact> cluster, OxygenFact fact) =>
        cluster.Any(c =>
            (c.Device is { } d && fact.Device is { } fd && d != fd)
            || (c.FlowLitresPerMinute is { } f && fact.FlowLitresPerMinute is { } ff && f != ff)
            || (c.FiO2Percent is { } o && fact.FiO2Percent is { } fo && o != fo));

    /// <summary>The one device recorded within 10 minutes of a record of <paramref name="cluster"/>, nearest first; null when none or ambiguous.</summary>
    private static OxygenFact? CarriedDevice(List<OxygenFact> cluster, List<OxygenFact> devices)
    {
        var near = devices
            .Select(d => (Fact: d, Distance: cluster.Min(f => Distance(d, f.Start))))
            .Where(d => d.Distance <= MergeWindow)
            .ToList();
        if (near.Count == 0 || near.Select(d => d.Fact.Device).Distinct().Count() > 1) return null;
        return near.OrderBy(d => d.Distance).ThenByDescending(d => d.Fact.Start).First().Fact;
    }

    /// <summary>How far <paramref name="time"/> lies from the device record: 0 inside a period (an open one runs on).</summary>
    private static TimeSpan Distance(OxygenFact device, DateTimeOffset time)
    {
        if (time < device.Start) return device.Start - time;
        if (device.End is not { } end || time <= end) return TimeSpan.Zero;
        return time - end;
    }

    private static OxygenSupport ToEvent(List<OxygenFact> cluster, OxygenFact? carried)
    {
        var start = cluster.Min(f => f.Start);
        DateTimeOffset? end;
        if (cluster.Any(f => f.End is null)) end = null;
        else end = cluster.Max(f => f.End!.Value);
        var when = end == start ? TimeInterval.At(start) : new TimeInterval(start, end);
        var deviceFact = cluster.FirstOrDefault(f => f.Device is not null) ?? carried;
        var sources = cluster.Select(f => f.Source);
        if (carried is not null) sources = sources.Append(carried.Source);
        return new OxygenSupport(
            sources.Distinct(StringComparer.Ordinal).ToList(),
            when,
            deviceFact?.Device,
            cluster.Select(f => f.FlowLitresPerMinute).FirstOrDefault(v => v is not null),
            cluster.Select(f => f.FiO2Percent).FirstOrDefault(v => v is not null),
            deviceFact?.DeviceText ?? cluster.Select(f => f.DeviceText).FirstOrDefault(t => t is not null));
    }
}
