namespace CrsCdsHooks.Core.Terminology;

/// <summary>SNOMED CT concepts of CRS-SPEC §5, §8.3 and §9.20 (source: SNOMED CT International, as listed in the spec).</summary>
public static class Snomed
{
    /// <summary>Room air.</summary>
    public const string RoomAir = "15158005";
    /// <summary>Nasal cannula.</summary>
    public const string NasalCannula = "336623009";
    /// <summary>Oxygen therapy by nasal cannula.</summary>
    public const string OxygenByNasalCannula = "371907003";
    /// <summary>Blow-by oxygen.</summary>
    public const string BlowBy = "425478008";
    /// <summary>High-flow nasal cannula.</summary>
    public const string HighFlowNasalCannula = "426854004";
    /// <summary>Simple face mask.</summary>
    public const string SimpleMask = "336602003";
    /// <summary>Non-rebreather mask.</summary>
    public const string NonRebreatherMask = "427591007";
    /// <summary>Partial rebreather mask.</summary>
    public const string PartialRebreatherMask = "425926003";
    /// <summary>Partial rebreather mask (device concept).</summary>
    public const string PartialRebreatherMaskDevice = "464233000";
    /// <summary>Rebreathing mask.</summary>
    public const string RebreathingMask = "463587004";
    /// <summary>Venturi mask.</summary>
    public const string VenturiMask = "465433006";
    /// <summary>Venturi mask (alternative concept).</summary>
    public const string VenturiMaskAlternative = "428285009";
    /// <summary>Aerosol mask.</summary>
    public const string AerosolMask = "426851007";
    /// <summary>Face tent.</summary>
    public const string FaceTent = "426294006";
    /// <summary>Tracheostomy mask.</summary>
    public const string TracheostomyMask = "465839001";
    /// <summary>Continuous positive airway pressure.</summary>
    public const string Cpap = "47545007";
    /// <summary>CPAP/BPAP mask.</summary>
    public const string CpapMask = "704718009";
    /// <summary>Bilevel positive airway pressure.</summary>
    public const string Bipap = "243142003";
    /// <summary>Positive pressure therapy.</summary>
    public const string PositivePressureTherapy = "229306004";
    /// <summary>Non-invasive ventilation.</summary>
    public const string NonInvasiveVentilation = "428311008";
    /// <summary>Non-invasive ventilation (alternative concept).</summary>
    public const string NonInvasiveVentilationAlternative = "447837008";
    /// <summary>Assisted ventilation.</summary>
    public const string AssistedVentilation = "243141005";
    /// <summary>Mechanical ventilation.</summary>
    public const string MechanicalVentilation = "40617009";
    /// <summary>Endotracheal tube.</summary>
    public const string EndotrachealTube = "26412008";

    /// <summary>Sepsis.</summary>
    public const string Sepsis = "91302008";
    /// <summary>Septic shock.</summary>
    public const string SepticShock = "76571007";
    /// <summary>Bacterial sepsis.</summary>
    public const string BacterialSepsis = "10001005";
    /// <summary>Bacteremia.</summary>
    public const string Bacteremia = "5758002";
    /// <summary>Urticaria.</summary>
    public const string Urticaria = "126485001";
    /// <summary>Weal.</summary>
    public const string Weal = "247472004";
    /// <summary>Angioedema.</summary>
    public const string Angioedema = "41291007";
    /// <summary>Bronchospasm.</summary>
    public const string Bronchospasm = "4386001";
    /// <summary>Wheezing.</summary>
    public const string Wheezing = "56018004";
    /// <summary>Stridor.</summary>
    public const string Stridor = "70407001";

    /// <summary>No growth (a negative culture, CRS-SPEC §9.20).</summary>
    public const string NoGrowth = "264868006";
    /// <summary>Negative (a negative culture result; operational addition to §9.20's "such as").</summary>
    public const string Negative = "260385009";
    /// <summary>Absent (a finding recorded as absent).</summary>
    public const string Absent = "2667000";
    /// <summary>No (a finding answered "no").</summary>
    public const string No = "373067005";
    /// <summary>No known drug allergy (a statement, not an allergy).</summary>
    public const string NoKnownDrugAllergy = "409137002";
    /// <summary>No known allergy (a statement, not an allergy).</summary>
    public const string NoKnownAllergy = "716186003";

    /// <summary>Intramuscular route (qualifier value); flags an epinephrine dose counted as a vasopressor for review (CRS-SPEC §3).</summary>
    public const string IntramuscularRoute = "78421000";
    /// <summary>Subcutaneous route (qualifier value); flags an epinephrine dose counted as a vasopressor for review (CRS-SPEC §3).</summary>
    public const string SubcutaneousRoute = "34206005";
}
