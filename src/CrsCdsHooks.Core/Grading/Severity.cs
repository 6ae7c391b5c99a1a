namespace CrsCdsHooks.Core.Grading;

/// <summary>A grade and the highest grade the missing or ambiguous data allows (UpperBound ≥ Grade).</summary>
/// <param name="Grade">What the data proves.</param>
/// <param name="UpperBound">What it allows.</param>
internal readonly record struct Severity(int Grade, int UpperBound)
{
    /// <summary>Nothing found, nothing missing.</summary>
    public static Severity None => default;

    /// <summary>A proven grade with nothing missing.</summary>
    public static Severity Exactly(int grade) => new(grade, grade);

    /// <summary>Component-wise maximum (the highest support or the worst circulation wins).</summary>
    public Severity Max(Severity other) => new(Math.Max(Grade, other.Grade), Math.Max(UpperBound, other.UpperBound));
}
