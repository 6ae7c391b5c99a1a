namespace CrsCdsHooks.Core.Timeline;

/// <summary>
/// A value exactly as the source recorded it (before conversion), kept so that every card can show the
/// clinician the original number and unit next to the converted one.
/// </summary>
/// <param name="Value">The recorded number.</param>
/// <param name="Unit">The recorded unit (UCUM code, else the unit text), or null when none was given.</param>
public sealed record RecordedValue(decimal Value, string? Unit)
{
    /// <inheritdoc />
    public override string ToString() =>
        Unit is null ? Value.ToString(System.Globalization.CultureInfo.InvariantCulture)
                     : $"{Value.ToString(System.Globalization.CultureInfo.InvariantCulture)} {Unit}";
}
