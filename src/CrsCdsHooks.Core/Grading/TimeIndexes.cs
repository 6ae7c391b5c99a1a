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
        ArgumentNullException.ThrowIfNull(time);
        Items = items.ToArray();
        Ticks = new long[Items.Length];
        var sorted = true;
        for (var i = 0; i < Items.Length; i++)
        {
            Ticks[i] = time(Items[i]).UtcTicks;
            if (i > 0 && Ticks[i] < Ticks[i - 1]) sorted = false;
        }

        if (sorted) return; // the reader delivers time order; otherwise sort, keeping the order of equal times
        var order = Enumerable.Range(0, Items.Length).OrderBy(i => Ticks[i]).ThenBy(i => i).ToArray();
        Items = order.Select(i => Items[i]).ToArray();
        Ticks = order.Select(i => Ticks[i]).ToArray();
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

    /// <summary>
    /// Adds to <paramref name="found"/> every entry overlapping (from, to]; an open end is taken as <paramref name="openEnd"/>.
    /// Returns true when the entries were added in start order (false when long or open entries were mixed in).
    /// </summary>
    public bool Overlapping(long fromExclusive, long toInclusive, long openEnd, List<T> found)
    {
        ArgumentNullException.ThrowIfNull(found);
        var hi = PointIndex<T>.UpperBound(_shortStart, toInclusive);
        var lo = hi;
        while (lo > 0 && _shortStart[lo - 1] + _maxShortDuration > fromExclusive) lo--;
        var shortAdded = 0;
        for (var i = lo; i < hi; i++)
        {
            if (!Overlaps(_shortStart[i], _shortEnd[i], fromExclusive, toInclusive)) continue;
            found.Add(_short[i]);
            shortAdded++;
        }

        var longAdded = 0;
        var longHi = PointIndex<T>.UpperBound(_longStart, toInclusive);
        for (var i = 0; i < longHi; i++)
        {
            var end = _longEnd[i] ?? Math.Max(openEnd, _longStart[i]);
            if (!Overlaps(_longStart[i], end, fromExclusive, toInclusive)) continue;
            found.Add(_long[i]);
            longAdded++;
        }

        return shortAdded == 0 || longAdded == 0;
    }

    /// <summary>
    /// Like <see cref="Overlapping"/>, with each entry's span (an open end resolved to <paramref name="openEnd"/>, never
    /// before its start).
    /// </summary>
    public bool OverlappingSpans(long fromExclusive, long toInclusive, long openEnd, List<(T Item, long Start, long End)> found)
    {
        ArgumentNullException.ThrowIfNull(found);
        var hi = PointIndex<T>.UpperBound(_shortStart, toInclusive);
        var lo = hi;
        while (lo > 0 && _shortStart[lo - 1] + _maxShortDuration > fromExclusive) lo--;
        var shortAdded = 0;
        for (var i = lo; i < hi; i++)
        {
            if (!Overlaps(_shortStart[i], _shortEnd[i], fromExclusive, toInclusive)) continue;
            found.Add((_short[i], _shortStart[i], _shortEnd[i]));
            shortAdded++;
        }

        var longAdded = 0;
        var longHi = PointIndex<T>.UpperBound(_longStart, toInclusive);
        for (var i = 0; i < longHi; i++)
        {
            var end = _longEnd[i] ?? Math.Max(openEnd, _longStart[i]);
            if (!Overlaps(_longStart[i], end, fromExclusive, toInclusive)) continue;
            found.Add((_long[i], _longStart[i], end));
            longAdded++;
        }

        return shortAdded == 0 || longAdded == 0;
    }

    /// <summary>True when any entry overlaps (from, to] (no list: the peak's fast path).</summary>
    public bool Any(long fromExclusive, long toInclusive, long openEnd)
    {
        var hi = PointIndex<T>.UpperBound(_shortStart, toInclusive);
        for (var i = hi - 1; i >= 0 && _shortStart[i] + _maxShortDuration > fromExclusive; i--)
        {
            if (Overlaps(_shortStart[i], _shortEnd[i], fromExclusive, toInclusive)) return true;
        }

        var longHi = PointIndex<T>.UpperBound(_longStart, toInclusive);
        for (var i = 0; i < longHi; i++)
        {
            if (Overlaps(_longStart[i], _longEnd[i] ?? Math.Max(openEnd, _longStart[i]), fromExclusive, toInclusive)) return true;
        }

        return false;
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

/// <summary>Range maximum over a fixed array of small non-negative values (a sparse table: O(1) per query).</summary>
internal sealed class RangeMaximum
{
    private readonly int[][] _levels;

    /// <summary>Builds the table.</summary>
    public RangeMaximum(int[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var levels = new List<int[]> { values };
        for (var width = 2; width <= values.Length; width *= 2)
        {
            var previous = levels[^1];
            var half = width / 2;
            var level = new int[values.Length - width + 1];
            for (var i = 0; i < level.Length; i++) level[i] = Math.Max(previous[i], previous[i + half]);
            levels.Add(level);
        }

        _levels = [.. levels];
    }

    /// <summary>The maximum over [start, end); 0 when empty.</summary>
    public int Max(int start, int end)
    {
        if (end <= start) return 0;
        var level = 31 - int.LeadingZeroCount(end - start);
        var width = 1 << level;
        return Math.Max(_levels[level][start], _levels[level][end - width]);
    }
}
