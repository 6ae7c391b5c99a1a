using System.Collections;
using System.Globalization;

using Hl7.Fhir.Model;

namespace CrsCdsHooks.Core.Fhir;

/// <summary>
/// Deep equality of two Firely POCOs as the reader sees them: same types, same elements in the same order, same
/// raw primitive values (same .NET type and value), no overflow. Used to hold <see cref="CleanResourceJson"/> to
/// its contract (it must build exactly what the strict deserializer builds).
/// </summary>
internal static class FirelyEquivalence
{
    /// <summary>True when identical; otherwise <paramref name="difference"/> names the first path that differs.</summary>
    public static bool AreIdentical(Base? expected, Base? actual, out string? difference)
    {
        difference = Compare(expected, actual, expected?.TypeName ?? actual?.TypeName ?? "$");
        return difference is null;
    }

    private static string? Compare(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
            return expected is null && actual is null ? null : $"{path}: {Describe(expected)} vs {Describe(actual)}";
        if (expected.GetType() != actual.GetType()) return $"{path}: type {expected.GetType().Name} vs {actual.GetType().Name}";
        switch (expected)
        {
            case Base b:
                {
                    var a = (Base)actual;
                    if (b.HasOverflow || a.HasOverflow) return $"{path}: overflow";
                    var left = b.EnumerateElements().ToList();
                    var right = a.EnumerateElements().ToList();
                    if (left.Count != right.Count)
                        return $"{path}: elements [{string.Join(",", left.Select(e => e.Key))}] vs [{string.Join(",", right.Select(e => e.Key))}]";
                    for (var i = 0; i < left.Count; i++)
                    {
                        if (left[i].Key != right[i].Key) return $"{path}: element {left[i].Key} vs {right[i].Key}";
                        if (Compare(left[i].Value, right[i].Value, $"{path}.{left[i].Key}") is { } d) return d;
                    }
                    return null;
                }
            case IList list when expected is not string:
                {
                    var other = (IList)actual;
                    if (list.Count != other.Count) return $"{path}: {list.Count} vs {other.Count} items";
                    for (var i = 0; i < list.Count; i++)
                    {
                        if (Compare(list[i], other[i], $"{path}[{i}]") is { } d) return d;
                    }
                    return null;
                }
            case decimal d:
                // decimal equality ignores scale (38.0 == 38): the literal is what is shown, so compare it too.
                return d.ToString(CultureInfo.InvariantCulture) == ((decimal)actual).ToString(CultureInfo.InvariantCulture) ? null : $"{path}: {d} vs {actual}";
            default:
                return expected.Equals(actual) ? null : $"{path}: {Describe(expected)} vs {Describe(actual)}";
        }
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"'{s}'",
        _ => $"{value.GetType().Name} {value}",
    };
}
