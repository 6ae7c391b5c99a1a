namespace CrsCdsHooks.Core.Grading;

// Time indexes so that each window touches only its own entries (a heavy record has ~15,000 entries over
// 30 days, and the peak grade evaluates one window per data point time). Times are UTC ticks.

/// <summary>Entries at points in time, sorted; ranges by binary search.</summary>
/// <typeparam name="T">The entry type.</typeparam>
internal sealed class PointIndex<T>
{
    /// <summary>Builds the index (stable sort by time).</summary>
    public PointIndex(IEnumerable<T> items, Func<T, DateTimeOffset> time)
    {
        var sorted = items.Select((item, order) => (item, order, ticks: time(item).UtcTicks))
            .OrderBy(x => x.ticks).ThenBy(x => x.order).ToArray();
        Items = sorted.Select(x => x.item).ToArray();
        Ticks = sorted.Select(x => x.ticks).ToArray();
    }

    /// <summary>The entries, oldest first.</summary>
    public T[] Items { get; }

    /// <summary>Their times (UTC ticks), ascending.</summary>
    public long[] Ticks { get; }

    /// <summary>The number of entries.</summary>
    public int Count => Items.Length;

    /// <summary>Index range [Start, End) of the entries with from &lt; time ≤ to.</summary>
    public (int Start, int End) Range(long fromExclusive, long toInclusive)
    {
        var start = UpperBound(Ticks, fromExclusive);
        var end = UpperBound(Ticks, toInclusive);
        return (start, Math.Max(start, end));
    }

    /// <summary>The index of the last entry with time ≤ <paramref name="toInclusive"/>, or −1.</summary>
    public int LastAtOrBefore(long toInclusive) => UpperBound(Ticks, toInclusive) - 1;

    /// <summary>The first index whose value is greater than <paramref name="value"/>.</summary>
    public static int UpperBound(long[] sorted, long value)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] <= value) lo = mid + 1;
            else hi = mid;
        }

        return lo;
    }
}

/// <summary>
/// Entries over a span of time: [Start, End] with End fixed, or open (running: its end is the evaluation time).
/// A point (Start == End) overlaps (from, to] when from &lt; Start ≤ to; a span when Start ≤ to and End &gt; from.
/// Short closed spans are searched by binary search; long or open ones (few) are scanned.
/// </summary>
/// <typeparam name="T">The entry type.</typeparam>
internal sealed class IntervalIndex<T>
{
    private static readonly long ShortLimit = TimeSpan.FromHours(48).Ticks;

    private readonly T[] _short;
    private readonly long[] _shortStart;
    private readonly long[] _shortEnd;
    private readonly long _maxShortDuration;
    private readonly T[] _long;
    private readonly long[] _longStart;
    private readonly long?[] _longEnd;

    /// <summary>Builds the index; <paramref name="span"/> gives start and end (null = open).</summary>
    public IntervalIndex(IEnumerable<T> items, Func<T, (DateTimeOffset Start, DateTimeOffset? End)> span)
    {
        var all = items.Select((item, order) =>
        {
            var (s, e) = span(item);
            var end = e?.UtcTicks;
            if (end < s.UtcTicks) end = s.UtcTicks;
            return (item, order, start: s.UtcTicks, end);
        }).OrderBy(x => x.start).ThenBy(x => x.order).ToArray();

        var shortOnes = all.Where(x => x.end is { } e && e - x.start <= ShortLimit).ToArray();
        var longOnes = all.Where(x => x.end is null || x.end.Value - x.start > ShortLimit).ToArray();
        _short = shortOnes.Select(x => x.item).ToArray();
        _shortStart = shortOnes.Select(x => x.start).ToArray();
        _shortEnd = shortOnes.Select(x => x.end!.Value).ToArray();
        _maxShortDuration = shortOnes.Length == 0 ? 0 : shortOnes.Max(x => x.end!.Value - x.start);
        _long = longOnes.Select(x => x.item).ToArray();
        _longStart = longOnes.Select(x => x.start).ToArray();
        _longEnd = longOnes.Select(x => x.end).ToArray();
    }

    /// <summary>True when there are no entries.</summary>
    public bool IsEmpty => _short.Length == 0 && _long.Length == 0;

    /// <summary>Adds to <paramref name="found"/> every entry overlapping (from, to]; an open end is taken as <paramref name="openEnd"/>.</summary>
    public void Overlapping(long fromExclusive, long toInclusive, long openEnd, List<T> found)
    {
        ArgumentNullException.ThrowIfNull(found);
        var hi = PointIndex<T>.UpperBound(_shortStart, toInclusive);
        for (var i = hi - 1; i >= 0; i--)
        {
            if (_shortStart[i] + _maxShortDuration <= fromExclusive) break;
            if (Overlaps(_shortStart[i], _shortEnd[i], fromExclusive, toInclusive)) found.Add(_short[i]);
        }

        var longHi = PointIndex<T>.UpperBound(_longStart, toInclusive);
        for (var i = 0; i < longHi; i++)
        {
            var end = _longEnd[i] ?? Math.Max(openEnd, _longStart[i]);
            if (Overlaps(_longStart[i], end, fromExclusive, toInclusive)) found.Add(_long[i]);
        }
    }

    /// <summary>The start times of every entry (for the peak's candidate times).</summary>
    public IEnumerable<long> Starts => _shortStart.Concat(_longStart);

    /// <summary>The fixed end times of every closed entry.</summary>
    public IEnumerable<long> Ends => _shortEnd.Concat(_longEnd.Where(e => e.HasValue).Select(e => e!.Value));

    private static bool Overlaps(long start, long end, long fromExclusive, long toInclusive) =>
        start == end
            ? start > fromExclusive && start <= toInclusive
            : start <= toInclusive && end > fromExclusive;
}
