using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Terminology;

/// <summary>
/// Oxygen devices and modes of support (CRS-SPEC §8.3) by SNOMED CT code and by text, with their ASTCT tier.
/// </summary>
/// <remarks>
/// Text fallback (CRS-SPEC §8.3, §9.8): whole-word, case-insensitive; the highest and most specific tier
/// wins, so the rules are tried in this order — positive pressure (BiPAP, CPAP, NIV, then intubation /
/// ventilator), then tracheostomy mask/collar, the specific masks (non-rebreather before partial before
/// rebreathing, Venturi, aerosol, face tent, simple), high-flow nasal cannula, an unspecified "mask",
/// blow-by, nasal cannula, a tracheostomy alone (tube: a review note, never a grade), and room air last.
/// "CPAP mask" → CPAP; "high flow nasal cannula" → HFNC; "non-rebreather" never reads as "rebreather".
/// A phrase right after "off", "no", "not", "without", "discontinued", "stopped" or "removed" is skipped
/// ("off CPAP, on nasal cannula" → nasal cannula) [operational].
/// </remarks>
public static class OxygenDeviceCodes
{
    private static readonly Dictionary<string, OxygenDevice> BySnomed = new(StringComparer.Ordinal)
    {
        [Snomed.RoomAir] = OxygenDevice.RoomAir,
        [Snomed.NasalCannula] = OxygenDevice.NasalCannula,
        [Snomed.OxygenByNasalCannula] = OxygenDevice.NasalCannula,
        [Snomed.BlowBy] = OxygenDevice.BlowBy,
        [Snomed.HighFlowNasalCannula] = OxygenDevice.HighFlowNasalCannula,
        [Snomed.SimpleMask] = OxygenDevice.SimpleMask,
        [Snomed.NonRebreatherMask] = OxygenDevice.NonRebreatherMask,
        [Snomed.PartialRebreatherMask] = OxygenDevice.PartialRebreatherMask,
        [Snomed.PartialRebreatherMaskDevice] = OxygenDevice.PartialRebreatherMask,
        [Snomed.RebreathingMask] = OxygenDevice.RebreathingMask,
        [Snomed.VenturiMask] = OxygenDevice.VenturiMask,
        [Snomed.VenturiMaskAlternative] = OxygenDevice.VenturiMask,
        [Snomed.AerosolMask] = OxygenDevice.AerosolMask,
        [Snomed.FaceTent] = OxygenDevice.FaceTent,
        [Snomed.TracheostomyMask] = OxygenDevice.TracheostomyMask,
        [Snomed.Cpap] = OxygenDevice.Cpap,
        [Snomed.CpapMask] = OxygenDevice.Cpap,
        [Snomed.Bipap] = OxygenDevice.Bipap,
        [Snomed.PositivePressureTherapy] = OxygenDevice.NonInvasiveVentilation,
        [Snomed.NonInvasiveVentilation] = OxygenDevice.NonInvasiveVentilation,
        [Snomed.NonInvasiveVentilationAlternative] = OxygenDevice.NonInvasiveVentilation,
        [Snomed.AssistedVentilation] = OxygenDevice.MechanicalVentilation,
        [Snomed.MechanicalVentilation] = OxygenDevice.MechanicalVentilation,
        [Snomed.EndotrachealTube] = OxygenDevice.MechanicalVentilation,
    };

    // Precedence order: the first rule with a (non-negated) phrase in the text wins.
    private static readonly (OxygenDevice Device, string[] Phrases)[] TextRules =
    [
        (OxygenDevice.Bipap, ["bipap", "bi-pap", "bpap", "bilevel", "bi-level"]),
        (OxygenDevice.Cpap, ["cpap"]),
        (OxygenDevice.NonInvasiveVentilation, ["niv", "nippv", "non-invasive ventilation", "noninvasive ventilation", "non invasive ventilation",
            "non-invasive positive pressure", "noninvasive positive pressure", "positive pressure"]),
        (OxygenDevice.MechanicalVentilation, ["intubated", "intubation", "endotracheal", "ett", "mechanical ventilation",
            "mechanically ventilated", "ventilator", "ventilated", "vent", "assisted ventilation"]),
        (OxygenDevice.TracheostomyMask, ["tracheostomy mask", "trach mask", "tracheostomy collar", "trach collar", "trach shield"]),
        (OxygenDevice.NonRebreatherMask, ["non-rebreather", "nonrebreather", "non-rebreathing", "nonrebreathing", "nrb", "nrbm"]),
        (OxygenDevice.PartialRebreatherMask, ["partial rebreather", "partial-rebreather", "partial rebreathing"]),
        (OxygenDevice.RebreathingMask, ["rebreather", "rebreathing mask"]),
        (OxygenDevice.VenturiMask, ["venturi", "venti mask", "venturi mask"]),
        (OxygenDevice.AerosolMask, ["aerosol mask", "aerosol"]),
        (OxygenDevice.FaceTent, ["face tent"]),
        (OxygenDevice.SimpleMask, ["simple mask", "simple face mask", "face mask", "simple oxygen mask"]),
        (OxygenDevice.HighFlowNasalCannula, ["high flow", "high-flow", "hfnc", "hfnco", "optiflow", "airvo", "heated humidified high flow"]),
        (OxygenDevice.UnspecifiedMask, ["mask"]),
        (OxygenDevice.BlowBy, ["blow-by", "blow by", "blowby"]),
        (OxygenDevice.NasalCannula, ["nasal cannula", "nasal canula", "nasal prongs", "cannula", "nc", "lfnc", "low flow nasal cannula"]),
        (OxygenDevice.TracheostomyTube, ["tracheostomy", "trach", "tracheostomy tube", "trach tube"]),
        (OxygenDevice.RoomAir, ["room air", "ra", "none (room air)"]),
    ];

    private static readonly (OxygenDevice Device, string[] Phrases)[] NormalizedRules =
        TextRules.Select(r => (r.Device, r.Phrases.Select(WholeWords.Normalize).ToArray())).ToArray();

    private static readonly HashSet<string> Negators = new(StringComparer.Ordinal)
    {
        "off", "no", "not", "without", "discontinued", "stopped", "removed", "dc", "d c",
    };

    /// <summary>The device for a SNOMED CT code of CRS-SPEC §8.3.</summary>
    public static bool TryFromSnomed(string? code, out OxygenDevice device)
    {
        device = default;
        return code is not null && BySnomed.TryGetValue(code.Trim(), out device);
    }

    /// <summary>True when <paramref name="code"/> is one of the §8.3 SNOMED CT concepts.</summary>
    public static bool IsDeviceCode(string? code) => code is not null && BySnomed.ContainsKey(code.Trim());

    /// <summary>
    /// The device named in free text (the text fallback of CRS-SPEC §8.3): highest and most specific tier
    /// first (see the remarks on <see cref="OxygenDeviceCodes"/>).
    /// </summary>
    public static bool TryFromText(string? text, out OxygenDevice device)
    {
        device = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var n = WholeWords.Normalize(text);
        var words = WholeWords.Words(n);
        foreach (var (candidate, phrases) in NormalizedRules)
        {
            foreach (var phrase in phrases)
            {
                var from = 0;
                while (true)
                {
                    var at = n.IndexOf(phrase, from, StringComparison.Ordinal);
                    if (at < 0) break;
                    from = at + 1;
                    if (candidate == OxygenDevice.RoomAir && phrase == " ra " && words.Length > 2) continue; // "RA" only alone
                    if (IsNegated(n, at)) continue;
                    device = candidate;
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>The ASTCT 2019 hypoxia tier of a device (CRS-SPEC §3, §8.3); nasal cannula is 2 here and 3 above 6 L/min.</summary>
    public static int AstctTier(OxygenDevice device) => device switch
    {
        OxygenDevice.RoomAir or OxygenDevice.TracheostomyTube => 0,
        OxygenDevice.NasalCannula or OxygenDevice.BlowBy => 2,
        OxygenDevice.Cpap or OxygenDevice.Bipap or OxygenDevice.NonInvasiveVentilation or OxygenDevice.MechanicalVentilation => 4,
        _ => 3,
    };

    private static bool IsNegated(string normalized, int phraseStart)
    {
        // The one or two words right before the phrase.
        var before = normalized[..phraseStart].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var i = before.Length - 1; i >= 0 && i >= before.Length - 2; i--)
        {
            if (Negators.Contains(before[i])) return true;
        }
        return false;
    }
}
