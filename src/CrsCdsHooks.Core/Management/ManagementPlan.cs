using CrsCdsHooks.Core.CdsHooks;

namespace CrsCdsHooks.Core.Management;

/// <summary>
/// What to do next for the primary grade (CRS-SPEC §6): the CRS card's suggestions (CDS Hooks
/// <c>create</c> actions with draft FHIR resources) and the lines of its "What to do next" section.
/// </summary>
/// <param name="Tocilizumab">Tocilizumab history, limits and dose.</param>
/// <param name="Suggestions">Suggestions for the CRS card, uuids already assigned; empty when none.</param>
/// <param name="DetailLines">Markdown lines (bullets, dose arithmetic, limits, missing weight).</param>
public sealed record ManagementPlan(
    TocilizumabStatus Tocilizumab,
    IReadOnlyList<CdsSuggestion> Suggestions,
    IReadOnlyList<string> DetailLines);
