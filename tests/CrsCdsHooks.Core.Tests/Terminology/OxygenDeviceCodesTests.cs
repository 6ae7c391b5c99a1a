using CrsCdsHooks.Core.Terminology;
using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Tests.Terminology;

public sealed class OxygenDeviceCodesTests
{
    [Theory]
    [InlineData("CPAP mask", OxygenDevice.Cpap)]
    [InlineData("CPAP/BiPAP mask", OxygenDevice.Bipap)]
    [InlineData("BiPAP", OxygenDevice.Bipap)]
    [InlineData("high flow nasal cannula", OxygenDevice.HighFlowNasalCannula)]
    [InlineData("High-flow nasal cannula (HFNC)", OxygenDevice.HighFlowNasalCannula)]
    [InlineData("non-rebreather mask", OxygenDevice.NonRebreatherMask)]
    [InlineData("Non rebreather", OxygenDevice.NonRebreatherMask)]
    [InlineData("partial rebreather mask", OxygenDevice.PartialRebreatherMask)]
    [InlineData("rebreather", OxygenDevice.RebreathingMask)]
    [InlineData("Venturi 28%", OxygenDevice.VenturiMask)]
    [InlineData("simple face mask", OxygenDevice.SimpleMask)]
    [InlineData("mask", OxygenDevice.UnspecifiedMask)]
    [InlineData("Ventilator", OxygenDevice.MechanicalVentilation)]
    [InlineData("intubated", OxygenDevice.MechanicalVentilation)]
    [InlineData("nasal cannula", OxygenDevice.NasalCannula)]
    [InlineData("blow-by", OxygenDevice.BlowBy)]
    [InlineData("Room air", OxygenDevice.RoomAir)]
    [InlineData("RA", OxygenDevice.RoomAir)]
    [InlineData("tracheostomy mask", OxygenDevice.TracheostomyMask)]
    [InlineData("trach collar", OxygenDevice.TracheostomyMask)]
    [InlineData("tracheostomy", OxygenDevice.TracheostomyTube)]
    [InlineData("Tracheostomy tube", OxygenDevice.TracheostomyTube)]
    [InlineData("tracheostomy on ventilator", OxygenDevice.MechanicalVentilation)]
    [InlineData("off CPAP, on nasal cannula", OxygenDevice.NasalCannula)]
    [InlineData("aerosol mask", OxygenDevice.AerosolMask)]
    [InlineData("face tent", OxygenDevice.FaceTent)]
    public void TryFromText_HighestAndMostSpecificTierWins(string text, OxygenDevice expected)
    {
        Assert.True(OxygenDeviceCodes.TryFromText(text, out var device));
        Assert.Equal(expected, device);
    }

    [Theory]
    [InlineData("")]
    [InlineData("oxygen")]
    [InlineData("masked fever")]
    [InlineData("rheumatoid arthritis (RA) flare")]
    public void TryFromText_NoDevice(string text) => Assert.False(OxygenDeviceCodes.TryFromText(text, out _));

    [Theory]
    [InlineData("15158005", OxygenDevice.RoomAir, 0)]
    [InlineData("371907003", OxygenDevice.NasalCannula, 2)]
    [InlineData("425478008", OxygenDevice.BlowBy, 2)]
    [InlineData("426854004", OxygenDevice.HighFlowNasalCannula, 3)]
    [InlineData("463587004", OxygenDevice.RebreathingMask, 3)]
    [InlineData("428285009", OxygenDevice.VenturiMask, 3)]
    [InlineData("465839001", OxygenDevice.TracheostomyMask, 3)]
    [InlineData("704718009", OxygenDevice.Cpap, 4)]
    [InlineData("229306004", OxygenDevice.NonInvasiveVentilation, 4)]
    [InlineData("26412008", OxygenDevice.MechanicalVentilation, 4)]
    public void TryFromSnomed_CodesOfSection8_3_WithTheirTier(string code, OxygenDevice expected, int tier)
    {
        Assert.True(OxygenDeviceCodes.TryFromSnomed(code, out var device));
        Assert.Equal(expected, device);
        Assert.Equal(tier, OxygenDeviceCodes.AstctTier(device));
    }
}
