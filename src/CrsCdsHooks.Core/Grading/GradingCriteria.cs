namespace CrsCdsHooks.Core.Grading;

/// <summary>
/// The fixed thresholds of CRS grading, each with its source. Institution-policy values (eligibility,
/// window, hypotension by age, masking periods, Lee 2014 high-dose thresholds) live in <see cref="CrsOptions"/>.
/// </summary>
public static class GradingCriteria
{
    /// <summary>Fever: a temperature at or above 38.0 °C (38.0 qualifies; 37.9 does not).</summary>
    /// <remarks>ASTCT 2019 (Lee DW et al., Biol Blood Marrow Transplant 2019;25:625–638, Table 4); CRS-SPEC §3.</remarks>
    public const decimal FeverCelsius = 38.0m;

    /// <summary>Administrations of CAR-T product less than 21 days apart form one course.</summary>
    /// <remarks>[operational] CRS-SPEC §9.1, §9.32: a new course starts only when an administration begins ≥ 21 days
    /// after the previous one (split doses such as obecabtagene autoleucel's stay one course).</remarks>
    public static readonly TimeSpan NewCourseAfter = TimeSpan.FromDays(21);

    /// <summary>Data up to 5 minutes after asOf is kept by the reader (clock skew) and counts in the current window.</summary>
    /// <remarks>[operational] CRS-SPEC §9.2: only data timed more than 5 minutes after asOf is ignored. The reader keeps the
    /// rest, and ignored data must be reported, so the current window includes (asOf, asOf + 5 min]. Peak windows
    /// (evaluated as if asOf were an earlier time) never see later data.</remarks>
    public static readonly TimeSpan ClockSkewTolerance = TimeSpan.FromMinutes(5);

    /// <summary>Low-flow nasal cannula up to and including 6 L/min is ASTCT grade 2; above it, grade 3.</summary>
    /// <remarks>ASTCT 2019 Table 4 footnote ("low-flow nasal cannula is defined as oxygen delivered at ≤ 6 L/minute");
    /// CRS-SPEC §3, §9.12.</remarks>
    public const decimal LowFlowMaxLitresPerMinute = 6.0m;

    /// <summary>FiO2 at or below 21 % is room air: no supplemental oxygen.</summary>
    /// <remarks>CRS-SPEC §9.12.</remarks>
    public const int RoomAirFiO2Percent = 21;

    /// <summary>FiO2 at or above 40 % is Lee 2014 and CTCAE v5.0 grade 3; below it (with oxygen), grade 2.</summary>
    /// <remarks>Lee 2014 Table 1 ("FiO2 &lt; 40 %" grade 2, "FiO2 ≥ 40 %" grade 3); CTCAE v5.0 "Cytokine release
    /// syndrome" (grade 2 "oxygen &lt; 40 % FiO2", grade 3 "≥ 40 %"); CRS-SPEC §4.</remarks>
    public const int HighFiO2Percent = 40;

    /// <summary>Estimated FiO2 of a nasal cannula: 21 % plus 4 % per L/min.</summary>
    /// <remarks>[operational] CRS-SPEC §4, §9.13 (the usual bedside approximation; 4 L/min → 37 %, 5 L/min → 41 %).</remarks>
    public const int NasalCannulaFiO2BasePercent = 21;

    /// <summary>Estimated FiO2 gained per L/min through a nasal cannula (4 %).</summary>
    /// <remarks>[operational] CRS-SPEC §4, §9.13.</remarks>
    public const int NasalCannulaFiO2PercentPerLitre = 4;

    /// <summary>Body weight for rate conversion: the latest weight in the 30 days before asOf.</summary>
    /// <remarks>CRS-SPEC §6, §9.15.</remarks>
    public static readonly TimeSpan WeightLookBack = TimeSpan.FromDays(30);

    /// <summary>Lee 2014 norepinephrine-equivalent: dopamine µg/kg/min is divided by 2.</summary>
    /// <remarks>Lee 2014 Table 2; CRS-SPEC §4: NE-eq = NE µg/min + dopamine µg/kg/min ÷ 2 + epinephrine µg/min +
    /// phenylephrine µg/min ÷ 10.</remarks>
    public const decimal DopamineNorepinephrineDivisor = 2m;

    /// <summary>Lee 2014 norepinephrine-equivalent: phenylephrine µg/min is divided by 10.</summary>
    /// <remarks>Lee 2014 Table 2; CRS-SPEC §4.</remarks>
    public const decimal PhenylephrineNorepinephrineDivisor = 10m;

    /// <summary>The CTCAE v5.0 organ-toxicity bands Lee 2014 uses, as multiples of the upper limit of normal (exclusive lower edges).</summary>
    /// <remarks>CTCAE v5.0: "AST/ALT increased" G2 &gt; 3.0–5.0 × ULN, G3 &gt; 5.0–20.0 ×, G4 &gt; 20.0 ×; "Blood bilirubin
    /// increased" G2 &gt; 1.5–3.0 ×, G3 &gt; 3.0–10.0 ×, G4 &gt; 10.0 ×; "Creatinine increased" G2 &gt; 1.5–3.0 ×,
    /// G3 &gt; 3.0–6.0 ×, G4 &gt; 6.0 ×. CRS-SPEC §4.</remarks>
    public static class OrganToxicityUln
    {
        /// <summary>AST/ALT grade 2 above 3 × ULN.</summary>
        public const decimal TransaminaseGrade2 = 3.0m;
        /// <summary>AST/ALT grade 3 above 5 × ULN.</summary>
        public const decimal TransaminaseGrade3 = 5.0m;
        /// <summary>AST/ALT grade 4 above 20 × ULN.</summary>
        public const decimal TransaminaseGrade4 = 20.0m;
        /// <summary>Total bilirubin grade 2 above 1.5 × ULN.</summary>
        public const decimal BilirubinGrade2 = 1.5m;
        /// <summary>Total bilirubin grade 3 above 3 × ULN.</summary>
        public const decimal BilirubinGrade3 = 3.0m;
        /// <summary>Total bilirubin grade 4 above 10 × ULN.</summary>
        public const decimal BilirubinGrade4 = 10.0m;
        /// <summary>Creatinine grade 2 above 1.5 × ULN.</summary>
        public const decimal CreatinineGrade2 = 1.5m;
        /// <summary>Creatinine grade 3 above 3 × ULN.</summary>
        public const decimal CreatinineGrade3 = 3.0m;
        /// <summary>Creatinine grade 4 above 6 × ULN.</summary>
        public const decimal CreatinineGrade4 = 6.0m;
    }
}

/// <summary>The codes of <see cref="DataGap.Code"/> the grader emits (kebab-case; the card names each gap).</summary>
public static class DataGapCodes
{
    /// <summary>No temperature in the window: graded as afebrile, upper bound as febrile (CRS-SPEC §9.7).</summary>
    public const string NoTemperature = "no-temperature";
    /// <summary>No blood pressure in the window and no vasopressor (CRS-SPEC §9.7, §9.27).</summary>
    public const string NoBloodPressure = "no-blood-pressure";
    /// <summary>No birth date: adult hypotension thresholds used (CRS-SPEC §3).</summary>
    public const string NoBirthDate = "no-birth-date";
    /// <summary>No body weight in the 30 days before asOf, and a vasopressor rate needed one (CRS-SPEC §9.15).</summary>
    public const string NoWeight = "no-weight";
    /// <summary>A vasopressor rate is unknown for a run long enough to be high-dose (Lee 2014; CRS-SPEC §4, §9.15).</summary>
    public const string RateUnknown = "rate-unknown";
    /// <summary>FiO2 neither recorded nor estimable for the device (Lee 2014/CTCAE v5.0; CRS-SPEC §9.13).</summary>
    public const string FiO2Indeterminate = "fio2-indeterminate";
    /// <summary>Oxygen flow or FiO2 recorded without a device, or a nasal cannula without a flow (CRS-SPEC §3, §9.12).</summary>
    public const string OxygenDeviceIncomplete = "oxygen-device-incomplete";
    /// <summary>A tracheostomy tube recorded without oxygen settings (CRS-SPEC §9.9).</summary>
    public const string TracheostomyTube = "tracheostomy-tube";
    /// <summary>An organ-toxicity lab without an upper limit of normal: not graded (CRS-SPEC §9.16).</summary>
    public const string NoUpperLimitOfNormal = "no-uln";
}
