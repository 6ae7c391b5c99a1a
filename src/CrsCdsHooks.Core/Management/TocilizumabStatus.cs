namespace CrsCdsHooks.Core.Management;

/// <summary>
/// Tocilizumab history and what may be given now (CRS-SPEC §6, §9.24, §9.36): the <c>tocilizumab</c>
/// member of the assessment extension.
/// </summary>
/// <param name="DosesLast24h">Accepted administrations started in the 24 h before asOf.</param>
/// <param name="DosesTotal">Accepted administrations in the current course.</param>
/// <param name="SuggestedDoseMg">Present only when a tocilizumab MedicationRequest is suggested.</param>
/// <param name="NextAllowedAt">When a limit applies and lifts with time, the earliest next dose.</param>
/// <param name="LimitReason">Why no dose is suggested, when a limit or a missing weight prevents it.</param>
public sealed record TocilizumabStatus(
    int DosesLast24h,
    int DosesTotal,
    int? SuggestedDoseMg,
    DateTimeOffset? NextAllowedAt,
    string? LimitReason);
