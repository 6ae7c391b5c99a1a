using System.Globalization;

using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Grading;

/// <summary>What one oxygen-support event means in each system (independent of the window).</summary>
/// <param name="Astct">ASTCT 2019 hypoxia grade and upper bound (CRS-SPEC §3, §9.12).</param>
/// <param name="AstctWhy">Why, for the ASTCT "Why" lines.</param>
/// <param name="AstctBoundWhy">Why the ASTCT upper bound is above the grade (a short phrase), or null.</param>
/// <param name="AstctGap">The gap code behind the ASTCT upper bound, or null.</param>
/// <param name="Fio2">Lee 2014 / CTCAE v5.0 grade by FiO2 (the same table in both; CRS-SPEC §4, §9.13, §9.28).</param>
/// <param name="Fio2Why">Why, for the Lee/CTCAE "Why" lines.</param>
/// <param name="Fio2BoundWhy">Why the Lee/CTCAE upper bound is above the grade (a short phrase), or null.</param>
/// <param name="Fio2Gap">The gap code behind the Lee/CTCAE upper bound, or null.</param>
/// <param name="FiO2Percent">The FiO2 used by Lee/CTCAE (recorded or estimated), or null.</param>
/// <param name="FiO2Estimated">True when <paramref name="FiO2Percent"/> is an estimate.</param>
/// <param name="TracheostomyTubeAlone">A tracheostomy tube with no flow and no FiO2 (review note).</param>
/// <param name="Description">The event as the card shows it ("nasal cannula, 4 L/min").</param>
internal sealed record OxygenGrade(
    Severity Astct,
    string AstctWhy,
    string? AstctBoundWhy,
    string? AstctGap,
    Severity Fio2,
    string Fio2Why,
    string? Fio2BoundWhy,
    string? Fio2Gap,
    int? FiO2Percent,
    bool FiO2Estimated,
    bool TracheostomyTubeAlone,
    string Description);

/// <summary>
/// Grades one oxygen-support event: the ASTCT 2019 tier of the device (CRS-SPEC §3, §8.3, §9.12) and the FiO2
/// tier of Lee 2014 / CTCAE v5.0 (CRS-SPEC §4, §9.13, §9.28, §9.29).
/// </summary>
internal static class OxygenGrading
{
    /// <summary>Grades one event.</summary>
    /// <remarks>
    /// [operational] choices beyond the spec's text: a recorded flow of 0 L/min is no supplemental oxygen (grade 0);
    /// a recorded FiO2 of 21 % or less with a supplemental device still counts as "O2 with FiO2 &lt; 40 %" (Lee/CTCAE 2)
    /// because the device proves oxygen is given; a face mask of unrecorded type is ASTCT 3 (every mask is 3) and
    /// FiO2-indeterminate for Lee/CTCAE (it may be a Venturi); a tracheostomy tube with flow or FiO2 is graded as if no
    /// device were recorded, with upper bound 4 (it may be ventilated); room air is grade 0 whatever else is recorded.
    /// </remarks>
    public static OxygenGrade Grade(OxygenSupport support)
    {
        ArgumentNullException.ThrowIfNull(support);
        var description = Describe(support);
        var flow = support.FlowLitresPerMinute;
        var fio2 = support.FiO2Percent;

        switch (support.Device)
        {
            case OxygenDevice.RoomAir:
                return NoOxygen(description, $"{description} → no supplemental oxygen");
            case OxygenDevice.Cpap or OxygenDevice.Bipap or OxygenDevice.NonInvasiveVentilation or OxygenDevice.MechanicalVentilation:
                return new OxygenGrade(
                    Severity.Exactly(4), $"{description}: positive pressure → 4", null, null,
                    Severity.Exactly(4), $"{description}: positive pressure → 4", null, null,
                    fio2, false, false, description);
            case OxygenDevice.TracheostomyTube when flow is null && fio2 is null:
                return new OxygenGrade(
                    new Severity(0, 4), $"{description} without oxygen settings → 0",
                    "tracheostomy tube, oxygen support not recorded", DataGapCodes.TracheostomyTube,
                    new Severity(0, 4), $"{description} without oxygen settings → 0",
                    "tracheostomy tube, oxygen support not recorded", DataGapCodes.TracheostomyTube,
                    null, false, true, description);
            case OxygenDevice.TracheostomyTube:
                return WithoutDevice(support, description, upperBound: 4);
            case null:
                return WithoutDevice(support, description, upperBound: null);
            default:
                return WithDevice(support.Device.Value, flow, fio2, description);
        }
    }

    private static OxygenGrade NoOxygen(string description, string why) =>
        new(Severity.None, why, null, null, Severity.None, why, null, null, null, false, false, description);

    private static OxygenGrade WithDevice(OxygenDevice device, decimal? flow, int? fio2, string description)
    {
        if (flow == 0m) return NoOxygen(description, $"{description}: flow 0 L/min → no supplemental oxygen");

        Severity astct;
        string astctWhy;
        string? astctBound = null;
        string? astctGap = null;
        switch (device)
        {
            case OxygenDevice.NasalCannula when flow is { } litres:
                astct = Severity.Exactly(litres <= GradingCriteria.LowFlowMaxLitresPerMinute ? 2 : 3);
                astctWhy = litres <= GradingCriteria.LowFlowMaxLitresPerMinute
                    ? $"{description}: low-flow nasal cannula (≤ 6 L/min) → 2"
                    : $"{description}: nasal cannula > 6 L/min → 3";
                break;
            case OxygenDevice.NasalCannula:
                astct = new Severity(2, 3);
                astctWhy = $"{description}: flow not recorded → 2";
                astctBound = "nasal cannula flow not recorded";
                astctGap = DataGapCodes.OxygenDeviceIncomplete;
                break;
            case OxygenDevice.BlowBy:
                astct = Severity.Exactly(2);
                astctWhy = $"{description} → 2";
                break;
            default:
                astct = Severity.Exactly(3);
                astctWhy = device == OxygenDevice.HighFlowNasalCannula
                    ? $"{description} → 3"
                    : $"{description}: any face mask → 3";
                break;
        }

        if (fio2 is { } recorded)
        {
            var grade = recorded >= GradingCriteria.HighFiO2Percent ? 3 : 2;
            return new OxygenGrade(astct, astctWhy, astctBound, astctGap,
                Severity.Exactly(grade), $"{description}: FiO2 {Pct(recorded)} recorded → {grade}", null, null,
                recorded, false, false, description);
        }

        switch (device)
        {
            case OxygenDevice.NasalCannula when flow is { } litres:
                var estimate = EstimateNasalCannula(litres);
                var estimatedGrade = estimate >= GradingCriteria.HighFiO2Percent ? 3 : 2;
                return new OxygenGrade(astct, astctWhy, astctBound, astctGap,
                    Severity.Exactly(estimatedGrade), $"{description}: FiO2 estimated {Pct(estimate)} (21 + 4 × L/min) → {estimatedGrade}", null, null,
                    estimate, true, false, description);
            case OxygenDevice.BlowBy:
                return new OxygenGrade(astct, astctWhy, astctBound, astctGap,
                    Severity.Exactly(2), $"{description}: blow-by, FiO2 < 40 % → 2", null, null,
                    null, true, false, description);
            case OxygenDevice.SimpleMask or OxygenDevice.PartialRebreatherMask or OxygenDevice.NonRebreatherMask or OxygenDevice.RebreathingMask:
                return new OxygenGrade(astct, astctWhy, astctBound, astctGap,
                    Severity.Exactly(3), $"{description}: FiO2 ≥ 40 % by mask type → 3", null, null,
                    null, true, false, description);
            default:
                // Nasal cannula without flow; Venturi, aerosol mask, face tent, tracheostomy mask, HFNC, unspecified mask.
                return new OxygenGrade(astct, astctWhy, astctBound, astctGap,
                    new Severity(2, 3), $"{description}: FiO2 not recorded, cannot be estimated → 2",
                    $"FiO2 not recorded ({DeviceName(device)})", DataGapCodes.FiO2Indeterminate,
                    null, false, false, description);
        }
    }

    private static OxygenGrade WithoutDevice(OxygenSupport support, string description, int? upperBound)
    {
        var flow = support.FlowLitresPerMinute;
        var fio2 = support.FiO2Percent;
        var boundWhy = upperBound is null ? null : "tracheostomy tube, oxygen support not recorded";
        var boundGap = upperBound is null ? null : DataGapCodes.TracheostomyTube;

        if (flow is { } litres)
        {
            if (litres == 0m && (fio2 is null || fio2 <= GradingCriteria.RoomAirFiO2Percent))
                return NoOxygen(description, $"{description}: flow 0 L/min → no supplemental oxygen");

            var low = litres <= GradingCriteria.LowFlowMaxLitresPerMinute;
            var astct = low ? new Severity(2, 3) : Severity.Exactly(3);
            var astctWhy = low ? $"{description}: flow ≤ 6 L/min, device not recorded → 2" : $"{description}: flow > 6 L/min, device not recorded → 3";
            var astctBound = low ? "oxygen flow without a recorded device" : null;
            var astctGap = low ? DataGapCodes.OxygenDeviceIncomplete : null;
            if (upperBound is { } ub)
            {
                astct = new Severity(astct.Grade, ub);
                astctBound = boundWhy;
                astctGap = boundGap;
            }

            Severity lee;
            string leeWhy;
            string? leeBound = null;
            string? leeGap = null;
            int fio2Used;
            bool estimated;
            if (fio2 is { } recorded)
            {
                fio2Used = recorded;
                estimated = false;
                var grade = recorded >= GradingCriteria.HighFiO2Percent ? 3 : 2;
                lee = new Severity(grade, 3);
                leeWhy = $"{description}: FiO2 {Pct(recorded)} recorded → {grade}";
                if (grade < 3)
                {
                    leeBound = "oxygen flow without a recorded device";
                    leeGap = DataGapCodes.OxygenDeviceIncomplete;
                }
            }
            else
            {
                fio2Used = EstimateNasalCannula(litres);
                estimated = true;
                var grade = fio2Used >= GradingCriteria.HighFiO2Percent ? 3 : 2;
                lee = new Severity(grade, 3);
                leeWhy = $"{description}: FiO2 estimated {Pct(fio2Used)} (as nasal cannula: 21 + 4 × L/min) → {grade}";
                if (grade < 3)
                {
                    leeBound = "oxygen flow without a recorded device";
                    leeGap = DataGapCodes.OxygenDeviceIncomplete;
                }
            }

            if (upperBound is { } ub2)
            {
                lee = new Severity(lee.Grade, ub2);
                leeBound = boundWhy;
                leeGap = boundGap;
            }

            return new OxygenGrade(astct, astctWhy, astctBound, astctGap, lee, leeWhy, leeBound, leeGap,
                fio2Used, estimated, false, description);
        }

        if (fio2 is { } onlyFio2)
        {
            if (onlyFio2 <= GradingCriteria.RoomAirFiO2Percent)
                return NoOxygen(description, $"{description}: FiO2 {Pct(onlyFio2)} → no supplemental oxygen");
            var grade = onlyFio2 >= GradingCriteria.HighFiO2Percent ? 3 : 2;
            const string bound = "FiO2 without a recorded device or flow";
            return new OxygenGrade(
                new Severity(2, 4), $"{description}: FiO2 > 21 %, device and flow not recorded → 2",
                boundWhy ?? bound, boundGap ?? DataGapCodes.OxygenDeviceIncomplete,
                new Severity(grade, 4), $"{description}: FiO2 {Pct(onlyFio2)} recorded → {grade}",
                boundWhy ?? bound, boundGap ?? DataGapCodes.OxygenDeviceIncomplete,
                onlyFio2, false, false, description);
        }

        return NoOxygen(description, $"{description}: no oxygen settings → no supplemental oxygen");
    }

    /// <summary>Nasal cannula FiO2 estimate: 21 + 4 × L/min, rounded to 1 % half away from zero (CRS-SPEC §9.13, §9.5).</summary>
    public static int EstimateNasalCannula(decimal litresPerMinute) =>
        (int)Math.Round(GradingCriteria.NasalCannulaFiO2BasePercent + (GradingCriteria.NasalCannulaFiO2PercentPerLitre * litresPerMinute),
            0, MidpointRounding.AwayFromZero);

    /// <summary>The card's name for a device.</summary>
    public static string DeviceName(OxygenDevice device) => device switch
    {
        OxygenDevice.RoomAir => "room air",
        OxygenDevice.NasalCannula => "nasal cannula",
        OxygenDevice.BlowBy => "blow-by oxygen",
        OxygenDevice.HighFlowNasalCannula => "high-flow nasal cannula",
        OxygenDevice.SimpleMask => "simple face mask",
        OxygenDevice.PartialRebreatherMask => "partial rebreather mask",
        OxygenDevice.NonRebreatherMask => "non-rebreather mask",
        OxygenDevice.RebreathingMask => "rebreathing mask",
        OxygenDevice.VenturiMask => "Venturi mask",
        OxygenDevice.AerosolMask => "aerosol mask",
        OxygenDevice.FaceTent => "face tent",
        OxygenDevice.TracheostomyMask => "tracheostomy mask",
        OxygenDevice.UnspecifiedMask => "face mask (type not recorded)",
        OxygenDevice.Cpap => "CPAP",
        OxygenDevice.Bipap => "BiPAP",
        OxygenDevice.NonInvasiveVentilation => "non-invasive ventilation",
        OxygenDevice.MechanicalVentilation => "mechanical ventilation",
        OxygenDevice.TracheostomyTube => "tracheostomy tube",
        _ => device.ToString(),
    };

    /// <summary>"nasal cannula, 4 L/min, FiO2 30 %" (device not recorded → "oxygen (device not recorded)").</summary>
    public static string Describe(OxygenSupport support)
    {
        ArgumentNullException.ThrowIfNull(support);
        var parts = new List<string>(3)
        {
            support.Device is { } device ? DeviceName(device) : "oxygen (device not recorded)",
        };
        if (support.FlowLitresPerMinute is { } flow) parts.Add($"{flow.ToString("0.##", CultureInfo.InvariantCulture)} L/min");
        if (support.FiO2Percent is { } fio2) parts.Add($"FiO2 {Pct(fio2)}");
        return string.Join(", ", parts);
    }

    private static string Pct(int percent) => $"{percent.ToString(CultureInfo.InvariantCulture)} %";
}
