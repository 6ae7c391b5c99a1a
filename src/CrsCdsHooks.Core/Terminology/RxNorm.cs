namespace CrsCdsHooks.Core.Terminology;

/// <summary>
/// RxNorm ingredient codes (RxCUI) of CRS-SPEC §8.2 (source: NLM RxNorm, as listed in the spec). Siltuximab,
/// ketorolac and naproxen have no code in the spec and are matched by name only.
/// </summary>
public static class RxNorm
{
    /// <summary>Tocilizumab.</summary>
    public const string Tocilizumab = "612865";
    /// <summary>Anakinra.</summary>
    public const string Anakinra = "72435";
    /// <summary>Dexamethasone.</summary>
    public const string Dexamethasone = "3264";
    /// <summary>Methylprednisolone.</summary>
    public const string Methylprednisolone = "6902";
    /// <summary>Hydrocortisone.</summary>
    public const string Hydrocortisone = "5492";
    /// <summary>Prednisone.</summary>
    public const string Prednisone = "8640";
    /// <summary>Prednisolone.</summary>
    public const string Prednisolone = "8638";
    /// <summary>Acetaminophen.</summary>
    public const string Acetaminophen = "161";
    /// <summary>Ibuprofen.</summary>
    public const string Ibuprofen = "5640";
    /// <summary>Norepinephrine.</summary>
    public const string Norepinephrine = "7512";
    /// <summary>Epinephrine.</summary>
    public const string Epinephrine = "3992";
    /// <summary>Phenylephrine.</summary>
    public const string Phenylephrine = "8163";
    /// <summary>Dopamine.</summary>
    public const string Dopamine = "3628";
    /// <summary>Vasopressin.</summary>
    public const string Vasopressin = "11149";
    /// <summary>Dobutamine.</summary>
    public const string Dobutamine = "3616";
    /// <summary>Milrinone.</summary>
    public const string Milrinone = "52769";
}
