namespace CrsCdsHooks.Core.Timeline;

/// <summary>
/// A span of clinical time. <see cref="End"/> equal to <see cref="Start"/> is a point in time; a null
/// <see cref="End"/> is open (still running).
/// </summary>
/// <param name="Start">When it began.</param>
/// <param name="End">When it ended; null when open.</param>
public readonly record struct TimeInterval(DateTimeOffset Start, DateTimeOffset? End)
{
    /// <summary>A point in time.</summary>
    public static TimeInterval At(DateTimeOffset time) => new(time, time);

    /// <summary>True when this is a point in time rather than a period.</summary>
    public bool IsPoint => End == Start;

    /// <summary>True when the period has no end.</summary>
    public bool IsOpen => End is null;

    /// <summary>The end, closing an open period at <paramref name="openEnd"/>.</summary>
    public DateTimeOffset EndOr(DateTimeOffset openEnd) => End ?? openEnd;

    /// <summary>True when [Start, End] (an open end taken as <paramref name="openEnd"/>) meets (from, to].</summary>
    public bool Overlaps(DateTimeOffset from, DateTimeOffset to, DateTimeOffset openEnd) =>
        Start <= to && EndOr(openEnd) > from;
}
