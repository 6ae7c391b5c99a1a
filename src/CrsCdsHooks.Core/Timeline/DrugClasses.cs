namespace CrsCdsHooks.Core.Timeline;

/// <summary>How CRS-SPEC §3 groups the drugs of §8.2.</summary>
public static class DrugClasses
{
    /// <summary>Norepinephrine, epinephrine, phenylephrine, dopamine, vasopressin (CRS-SPEC §3).</summary>
    public static bool IsVasopressor(this Drug drug) =>
        drug is Drug.Norepinephrine or Drug.Epinephrine or Drug.Phenylephrine or Drug.Dopamine or Drug.Vasopressin;

    /// <summary>Dobutamine, milrinone: named in the card for review, never counted (CRS-SPEC §3).</summary>
    public static bool IsInotrope(this Drug drug) => drug is Drug.Dobutamine or Drug.Milrinone;

    /// <summary>Tocilizumab, siltuximab, anakinra: mask fever for 7 days [operational] (CRS-SPEC §3).</summary>
    public static bool IsAntiCytokine(this Drug drug) => drug is Drug.Tocilizumab or Drug.Siltuximab or Drug.Anakinra;

    /// <summary>Systemic corticosteroids: mask fever for 72 h [operational] (CRS-SPEC §3).</summary>
    public static bool IsCorticosteroid(this Drug drug) =>
        drug is Drug.Dexamethasone or Drug.Methylprednisolone or Drug.Hydrocortisone or Drug.Prednisone or Drug.Prednisolone;

    /// <summary>Acetaminophen and NSAIDs: mask fever for 12 h [operational] (CRS-SPEC §3).</summary>
    public static bool IsAntipyretic(this Drug drug) =>
        drug is Drug.Acetaminophen or Drug.Ibuprofen or Drug.Ketorolac or Drug.Naproxen;

    /// <summary>The generic name as the card shows it ("norepinephrine").</summary>
    public static string GenericName(this Drug drug) => drug.ToString().ToLowerInvariant();

    /// <summary>The generic name of a CAR-T product ("axicabtagene ciloleucel"); "CAR-T product (unspecified)" when unnamed.</summary>
    public static string GenericName(this CarTProduct product) => product switch
    {
        CarTProduct.AxicabtageneCiloleucel => "axicabtagene ciloleucel",
        CarTProduct.Tisagenlecleucel => "tisagenlecleucel",
        CarTProduct.LisocabtageneMaraleucel => "lisocabtagene maraleucel",
        CarTProduct.BrexucabtageneAutoleucel => "brexucabtagene autoleucel",
        CarTProduct.IdecabtageneVicleucel => "idecabtagene vicleucel",
        CarTProduct.CiltacabtageneAutoleucel => "ciltacabtagene autoleucel",
        CarTProduct.ObecabtageneAutoleucel => "obecabtagene autoleucel",
        _ => "CAR-T product (unspecified)",
    };

    /// <summary>Median day of CRS onset from labels/pivotal trials (CRS-SPEC §8.1), null when unknown.</summary>
    public static decimal? MedianCrsOnsetDay(this CarTProduct product) => product switch
    {
        CarTProduct.AxicabtageneCiloleucel => 2,
        CarTProduct.Tisagenlecleucel => 3,
        CarTProduct.BrexucabtageneAutoleucel => 3,
        CarTProduct.IdecabtageneVicleucel => 1,
        CarTProduct.LisocabtageneMaraleucel => 4,
        CarTProduct.CiltacabtageneAutoleucel => 7,
        CarTProduct.ObecabtageneAutoleucel => 8,
        _ => null,
    };
}

/// <summary>When an administration counts as running (CRS-SPEC §3).</summary>
public static class AdministrationTiming
{
    /// <summary>How long a point-in-time administration, or a finished one with no end, counts: 1 h.</summary>
    public static readonly TimeSpan PointDuration = TimeSpan.FromHours(1);

    /// <summary>
    /// The span an administration counts over: a period runs from start to end; with no end, to
    /// <paramref name="asOf"/> if in-progress, else start + 1 h; a point in time counts as [t, t + 1 h].
    /// </summary>
    public static (DateTimeOffset Start, DateTimeOffset End) CountedSpan(this DrugAdministration administration, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(administration);
        var start = administration.When.Start;
        if (administration.When.IsPoint) return (start, start + PointDuration);
        if (administration.When.End is { } end) return (start, end);
        var openEnd = administration.Status == AdministrationStatus.InProgress ? asOf : start + PointDuration;
        return (start, openEnd < start ? start : openEnd);
    }
}
