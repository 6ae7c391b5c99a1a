using CrsCdsHooks.Core.Differential;
using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Timeline;

using static CrsCdsHooks.Core.Tests.Differential.TimelineBuilder;

namespace CrsCdsHooks.Core.Tests.Differential;

public sealed class AnaphylaxisScreenTests
{
    private static readonly CrsOptions Options = new();

    private static DifferentialFinding Screen(TimelineBuilder b, CrsAssessment? crs = null, CrsOptions? options = null) =>
        AnaphylaxisScreen.Screen(b.Build(), crs ?? Assessments.Crs(FeverStatus.Afebrile, grade: 0), options ?? Options);

    [Fact]
    public void Screen_NothingRecorded_IsNoneFound()
    {
        Assert.Same(DifferentialFinding.None, Screen(new TimelineBuilder().Infusion(DaysAgo(2))));
    }

    // ---- the 6 h attribution window ----

    [Theory]
    [InlineData(0, true)]            // at the same minute as the exposure
    [InlineData(5 * 60 + 50, true)]  // 5 h 50 min after
    [InlineData(6 * 60, true)]       // 6 h exactly
    [InlineData(6 * 60 + 10, false)] // 6 h 10 min after
    public void Screen_UrticariaAfterCarT_CountsWithin6Hours(int minutesAfter, bool counts)
    {
        var exposure = HoursAgo(10);
        var f = Screen(new TimelineBuilder().Infusion(exposure).Finding(FindingKind.Urticaria, exposure + TimeSpan.FromMinutes(minutesAfter)));
        Assert.Equal(counts ? FindingLevel.Possible : FindingLevel.NoneFound, f.Level);
        if (counts) Assert.Equal([AnaphylaxisReasons.SkinSignAfterExposure], f.Reasons);
    }

    [Fact]
    public void Screen_SignBeforeExposure_IsNotAttributedToIt()
    {
        var f = Screen(new TimelineBuilder().Infusion(HoursAgo(3)).Finding(FindingKind.Urticaria, HoursAgo(4)));
        Assert.Equal(FindingLevel.NoneFound, f.Level);
    }

    [Fact]
    public void Screen_ExposureBeforeWindow_SignInWindow_Counts()
    {
        // exposure 27 h ago (before the 24 h window), urticaria 22 h ago (in the window, 5 h later)
        var f = Screen(new TimelineBuilder().Infusion(HoursAgo(27)).Finding(FindingKind.Urticaria, HoursAgo(22)));
        Assert.Equal(FindingLevel.Possible, f.Level);
    }

    [Fact]
    public void Screen_SignBeforeWindow_DoesNotCount()
    {
        var f = Screen(new TimelineBuilder().Infusion(HoursAgo(28)).Finding(FindingKind.Urticaria, HoursAgo(25)));
        Assert.Equal(FindingLevel.NoneFound, f.Level);
    }

    [Fact]
    public void Screen_LongInfusion_SignWithin6HoursOfItsEnd_Counts()
    {
        // rituximab ran from 9 h to 5 h ago; urticaria 1 h ago is 8 h after its start but 4 h after its end
        var f = Screen(new TimelineBuilder()
            .Drug("rituximab", HoursAgo(9), monoclonal: true, end: HoursAgo(5))
            .Finding(FindingKind.Urticaria, HoursAgo(1)));
        Assert.Equal(FindingLevel.Possible, f.Level);
    }

    // ---- exposures ----

    [Fact]
    public void Screen_SignAfterNonAntibodyDrugWithoutAllergy_IsNotAnExposure()
    {
        var f = Screen(new TimelineBuilder().Drug("vancomycin 1 g", HoursAgo(3)).Finding(FindingKind.Flushing, HoursAgo(2)));
        Assert.Equal(FindingLevel.NoneFound, f.Level);
    }

    [Fact]
    public void Screen_SignAfterBloodProduct_IsNotAnExposure()
    {
        var f = Screen(new TimelineBuilder().Drug("Platelets, apheresis", HoursAgo(3)).Finding(FindingKind.Urticaria, HoursAgo(2)));
        Assert.Equal(FindingLevel.NoneFound, f.Level);
    }

    [Fact]
    public void Screen_UrticariaAfterMonoclonalAntibody_IsPossible()
    {
        var f = Screen(new TimelineBuilder().Drug("rituximab", HoursAgo(3), monoclonal: true).Finding(FindingKind.Urticaria, HoursAgo(2)));
        Assert.Equal(FindingLevel.Possible, f.Level);
        Assert.Contains(f.Evidence, e => e.Criterion == "exposure" && e.Finding.Contains("rituximab", StringComparison.Ordinal) && e.Time == HoursAgo(3));
        Assert.Contains(f.Evidence, e => e.Criterion == "skin-sign" && e.Finding == "Urticaria" && e.Time == HoursAgo(2));
    }

    [Fact]
    public void Screen_AllergyMatchedByRxNorm_DrugGivenIn6Hours_IsPossibleWithoutSigns()
    {
        var f = Screen(new TimelineBuilder()
            .Allergy("Penicillin G", rxNorm: ["7980"])
            .Drug("Pfizerpen 5 MU injection", HoursAgo(2), rxNorm: ["7980"]));
        Assert.Equal(FindingLevel.Possible, f.Level);
        Assert.Equal([AnaphylaxisReasons.AllergyMatchedDrug], f.Reasons);
        Assert.Contains(f.Evidence, e => e.Criterion == "allergy" && e.Sources[0].StartsWith("AllergyIntolerance/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(5.9, true)]
    [InlineData(6.2, false)]
    public void Screen_AllergyMatchedDrug_OnlyInTheLast6Hours(double hoursAgo, bool possible)
    {
        var f = Screen(new TimelineBuilder().Allergy("cefazolin").Drug("Cefazolin 2 g IV", HoursAgo(hoursAgo)));
        Assert.Equal(possible ? FindingLevel.Possible : FindingLevel.NoneFound, f.Level);
    }

    [Theory]
    [InlineData("penicillin", "Penicillin G potassium 5 MU", true)]
    [InlineData("amoxicillin", "Amoxicillin-clavulanate 875 mg", true)]
    [InlineData("AMOXICILLIN", "amoxicillin 500 mg capsule", true)]
    [InlineData("epinephrine", "norepinephrine 4 mg/250 mL", false)]
    [InlineData("prednisolone", "methylprednisolone sodium succinate", false)]
    [InlineData("Penicillins", "amoxicillin 500 mg capsule", false)] // class allergies are not expanded
    [InlineData("sulfa drugs", "sulfamethoxazole-trimethoprim", false)]
    [InlineData("drug", "drug X 10 mg", false)]                       // non-specific allergy text never matches
    public void Screen_AllergyNameMatch_IsWholeWordAndNotExpanded(string allergy, string drug, bool matches)
    {
        var f = Screen(new TimelineBuilder().Allergy(allergy).Drug(drug, HoursAgo(1)));
        Assert.Equal(matches ? FindingLevel.Possible : FindingLevel.NoneFound, f.Level);
    }

    [Fact]
    public void Screen_AllergyMatchedByBrandName_Matches()
    {
        var f = Screen(new TimelineBuilder()
            .Allergy("Rocephin", names: ["Rocephin", "ceftriaxone"])
            .Drug("ceftriaxone 2 g IV", HoursAgo(1), names: ["ceftriaxone 2 g IV", "Rocephin"]));
        Assert.Equal(FindingLevel.Possible, f.Level);
    }

    private static readonly Dictionary<string, (Func<TimelineBuilder> Timeline, bool Matches)> BrandAndSynonymCases = new(StringComparer.Ordinal)
    {
        ["allergy 'Actemra', tocilizumab coded RxNorm 612865"] = (() => new TimelineBuilder().Allergy("Actemra").Tocilizumab(HoursAgo(1)), true),
        ["allergy 'tocilizumab', administration text only 'Actemra 400 mg IV'"] =
            (() => new TimelineBuilder().Allergy("tocilizumab").Drug("Actemra 400 mg IV", HoursAgo(1), Drug.Tocilizumab, monoclonal: true), true),
        ["allergy 'adrenaline', epinephrine 0.3 mg"] = (() => new TimelineBuilder().Allergy("adrenaline").Drug("epinephrine 0.3 mg", HoursAgo(1), Drug.Epinephrine), true),
        ["allergy coded RxNorm 612865 only, administration 'Tyenne 560 mg'"] =
            (() => new TimelineBuilder().Allergy("RxNorm 612865", rxNorm: ["612865"], names: []).Drug("Tyenne 560 mg", HoursAgo(1), Drug.Tocilizumab, monoclonal: true), true),
        ["allergy 'epinephrine', Levophed (norepinephrine): whole words"] =
            (() => new TimelineBuilder().Allergy("epinephrine").Drug("Levophed 4 mg/250 mL", HoursAgo(1), Drug.Norepinephrine), false),
        ["allergy 'adrenaline', noradrenaline: whole words"] =
            (() => new TimelineBuilder().Allergy("adrenaline").Drug("noradrenaline", HoursAgo(1), Drug.Norepinephrine), false),
        ["allergy 'Solu-Medrol', prednisolone"] = (() => new TimelineBuilder().Allergy("Solu-Medrol").Drug("prednisolone 20 mg", HoursAgo(1), Drug.Prednisolone), false),
    };

    public static TheoryData<string> BrandAndSynonymMatches() => [.. BrandAndSynonymCases.Keys];

    [Theory]
    [MemberData(nameof(BrandAndSynonymMatches))]
    public void Screen_AllergyMatchedByBrandOrSynonymInEitherDirection_IsAllergyMatchedDrug(string shape)
    {
        var (timeline, matches) = BrandAndSynonymCases[shape];
        var f = Screen(timeline());
        Assert.True((matches ? FindingLevel.Possible : FindingLevel.NoneFound) == f.Level, shape);
        if (matches) Assert.Contains(AnaphylaxisReasons.AllergyMatchedDrug, f.Reasons);
    }

    [Fact]
    public void Screen_ClassAllergyMatchingNoDrug_NothingFound_StillSaysClassAllergiesAreNotExpanded_NamingIt()
    {
        var f = Screen(new TimelineBuilder().Infusion(DaysAgo(3)).Allergy("Penicillins").Drug("amoxicillin 500 mg capsule", HoursAgo(1)));

        Assert.Equal(FindingLevel.NoneFound, f.Level);
        Assert.Empty(f.Reasons);
        var note = Assert.Single(f.Notes);
        Assert.Contains("\"Penicillins\" (AllergyIntolerance/", note, StringComparison.Ordinal);
        Assert.Contains("class allergies are not expanded", note, StringComparison.Ordinal);
    }

    [Fact]
    public void Screen_IngredientAllergy_NothingFound_HasNoClassNote() =>
        Assert.Same(DifferentialFinding.None, Screen(new TimelineBuilder().Infusion(DaysAgo(3)).Allergy("Penicillin", rxNorm: ["7980"])));

    [Fact]
    public void Screen_WithAllergies_NotesThatClassAllergiesAreNotExpanded()
    {
        var f = Screen(new TimelineBuilder().Allergy("Penicillins").Infusion(HoursAgo(3)).Finding(FindingKind.Urticaria, HoursAgo(2)));
        Assert.Contains(f.Notes, n => n.Contains("class allergies", StringComparison.Ordinal) && n.Contains("not expanded", StringComparison.Ordinal));
    }

    // ---- likely: two organ systems after the same exposure ----

    [Fact]
    public void Screen_UrticariaAndWheezingAfterCarT_IsLikely()
    {
        var f = Screen(new TimelineBuilder().Infusion(HoursAgo(3)).Finding(FindingKind.Urticaria, HoursAgo(2)).Finding(FindingKind.Wheezing, HoursAgo(1.5), "Observation"));
        Assert.Equal(FindingLevel.Likely, f.Level);
        Assert.Equal(AnaphylaxisReasons.SkinAndRespiratorySigns, f.Reasons[0]);
    }

    [Fact]
    public void Screen_AngioedemaAndLowBloodPressureAfterCarT_IsLikely()
    {
        var f = Screen(new TimelineBuilder().Infusion(HoursAgo(3)).Finding(FindingKind.Angioedema, HoursAgo(2)).Pressure(82, HoursAgo(1.5), 45));
        Assert.Equal(FindingLevel.Likely, f.Level);
        Assert.Contains(AnaphylaxisReasons.SkinSignAndHypotension, f.Reasons);
        Assert.Contains(f.Evidence, e => e.Criterion == "hypotension" && e.Finding.Contains("82/45 mmHg", StringComparison.Ordinal));
    }

    [Fact]
    public void Screen_SkinAndRespiratorySignsAfterDifferentExposures_IsOnlyPossible()
    {
        // wheezing 15 h ago follows the CAR-T product (20 h ago) but precedes rituximab (12 h ago);
        // urticaria 11 h ago follows rituximab but is 9 h after the CAR-T product
        var f = Screen(new TimelineBuilder()
            .Infusion(HoursAgo(20))
            .Finding(FindingKind.Wheezing, HoursAgo(15))
            .Drug("rituximab", HoursAgo(12), monoclonal: true)
            .Finding(FindingKind.Urticaria, HoursAgo(11)));
        Assert.Equal(FindingLevel.Possible, f.Level);
        Assert.Contains(AnaphylaxisReasons.SkinSignAfterExposure, f.Reasons);
        Assert.Contains(AnaphylaxisReasons.RespiratorySignAfterExposure, f.Reasons);
        Assert.DoesNotContain(AnaphylaxisReasons.SkinAndRespiratorySigns, f.Reasons);
    }

    [Fact]
    public void Screen_TwoSkinSigns_AreStillOnlyPossible()
    {
        var f = Screen(new TimelineBuilder().Infusion(HoursAgo(3)).Finding(FindingKind.Urticaria, HoursAgo(2)).Finding(FindingKind.Angioedema, HoursAgo(1)));
        Assert.Equal(FindingLevel.Possible, f.Level);
    }

    // ---- hypotension as a sign (§9.22, §9.38, §9.40) ----

    [Theory]
    [InlineData(89, true)]
    [InlineData(90, false)]
    public void Screen_LowSystolicAfterCarT_IsHypotensionSign(int systolic, bool sign)
    {
        var f = Screen(new TimelineBuilder().Infusion(HoursAgo(3)).Pressure(systolic, HoursAgo(2)));
        Assert.Equal(sign ? FindingLevel.Possible : FindingLevel.NoneFound, f.Level);
        if (sign) Assert.Equal([AnaphylaxisReasons.HypotensionAfterExposure], f.Reasons);
    }

    [Theory]
    [InlineData(79, true)]
    [InlineData(80, false)]
    public void Screen_ChildOf5_UsesAgeThreshold(int systolic, bool sign)
    {
        // 5 years: hypotension below 70 + 2 × 5 = 80 mmHg
        var f = Screen(new TimelineBuilder().Born(new DateOnly(2020, 1, 1)).Infusion(HoursAgo(3)).Pressure(systolic, HoursAgo(2)));
        Assert.Equal(sign ? FindingLevel.Possible : FindingLevel.NoneFound, f.Level);
    }

    [Fact]
    public void Screen_VasopressorStartedWithin6HoursOfCarT_IsHypotensionSign()
    {
        var f = Screen(new TimelineBuilder().Infusion(HoursAgo(5)).Norepinephrine(HoursAgo(1)).Finding(FindingKind.Urticaria, HoursAgo(4)));
        Assert.Equal(FindingLevel.Likely, f.Level);
        Assert.Contains(AnaphylaxisReasons.SkinSignAndHypotension, f.Reasons);
        Assert.Contains(f.Evidence, e => e.Criterion == "vasopressor");
    }

    [Fact]
    public void Screen_VasopressorStartedMoreThan6HoursAfterCarT_IsNotASign()
    {
        var f = Screen(new TimelineBuilder().Infusion(HoursAgo(10)).Norepinephrine(HoursAgo(3.5)));
        Assert.Equal(FindingLevel.NoneFound, f.Level);
    }

    [Fact]
    public void Screen_HypotensionAfterTocilizumab_IsNotASign()
    {
        // §9.38: hypotension after an anti-cytokine antibody given for CRS is expected in CRS
        var f = Screen(new TimelineBuilder().Tocilizumab(HoursAgo(3)).Pressure(78, HoursAgo(2)).Norepinephrine(HoursAgo(1.5)));
        Assert.Equal(FindingLevel.NoneFound, f.Level);
    }

    [Fact]
    public void Screen_UrticariaAndHypotensionAfterTocilizumab_IsPossibleFromSkinOnly_AndSaysWhy()
    {
        var f = Screen(new TimelineBuilder().Tocilizumab(HoursAgo(3)).Finding(FindingKind.Urticaria, HoursAgo(2.5)).Pressure(78, HoursAgo(2)));
        Assert.Equal(FindingLevel.Possible, f.Level);
        Assert.Equal([AnaphylaxisReasons.SkinSignAfterExposure], f.Reasons);
        Assert.Contains(f.Notes, n => n.Contains("tocilizumab is not counted", StringComparison.Ordinal));
    }

    [Fact]
    public void Screen_BronchospasmAfterTocilizumab_Counts()
    {
        var f = Screen(new TimelineBuilder().Tocilizumab(HoursAgo(3)).Finding(FindingKind.Bronchospasm, HoursAgo(2)).Finding(FindingKind.Urticaria, HoursAgo(2)));
        Assert.Equal(FindingLevel.Likely, f.Level);
        Assert.Contains(AnaphylaxisReasons.SkinAndRespiratorySigns, f.Reasons);
    }

    [Fact]
    public void Screen_HypotensionAfterTocilizumabThePatientIsAllergicTo_Counts()
    {
        // §9.40: an allergy match wins over §9.38
        var f = Screen(new TimelineBuilder().Allergy("tocilizumab", rxNorm: ["612865"])
            .Tocilizumab(HoursAgo(7)).Finding(FindingKind.Urticaria, HoursAgo(6.5)).Pressure(78, HoursAgo(6)));
        Assert.Equal(FindingLevel.Likely, f.Level);
        Assert.Contains(AnaphylaxisReasons.SkinSignAndHypotension, f.Reasons);
        Assert.Contains(f.Evidence, e => e.Criterion == "allergy");
    }

    [Fact]
    public void Screen_HypotensionAfterOtherAntibodyWithoutAllergy_IsNotASign()
    {
        var f = Screen(new TimelineBuilder().Drug("rituximab", HoursAgo(3), monoclonal: true).Pressure(70, HoursAgo(2)));
        Assert.Equal(FindingLevel.NoneFound, f.Level);
    }

    [Fact]
    public void Screen_HypotensionAfterCarTAndTocilizumab_CountsForCarTWithoutTheTocilizumabNote()
    {
        var f = Screen(new TimelineBuilder().Infusion(HoursAgo(4)).Tocilizumab(HoursAgo(3)).Pressure(80, HoursAgo(2)));
        Assert.Equal(FindingLevel.Possible, f.Level);
        Assert.DoesNotContain(f.Notes, n => n.Contains("is not counted", StringComparison.Ordinal));
    }

    // ---- tryptase (§9.23, Valent 2019) ----

    [Theory]
    [InlineData("14.0", false)] // 1.2 × 10 + 2 = 14.0: not above
    [InlineData("14.04", false)]
    [InlineData("14.05", true)] // rounds to 14.1
    [InlineData("14.1", true)]
    public void Screen_HypotensionWithTryptaseAboveBaselineRule_IsLikely(string acute, bool likely)
    {
        var exposure = HoursAgo(10);
        var f = Screen(new TimelineBuilder()
            .Lab(LabAnalyte.Tryptase, 10m, exposure - TimeSpan.FromHours(48))
            .Infusion(exposure)
            .Pressure(80, HoursAgo(8))
            .Lab(LabAnalyte.Tryptase, decimal.Parse(acute, System.Globalization.CultureInfo.InvariantCulture), HoursAgo(7)));
        Assert.Equal(likely ? FindingLevel.Likely : FindingLevel.Possible, f.Level);
        Assert.Equal(likely, f.Reasons.Contains(AnaphylaxisReasons.TryptaseRise));
        Assert.Contains(f.Evidence, e => e.Criterion == "tryptase-baseline");
        Assert.Contains(f.Evidence, e => e.Criterion == "tryptase-acute");
    }

    [Theory]
    [InlineData("11.4", false)]
    [InlineData("11.44", false)]
    [InlineData("11.45", true)]
    [InlineData("11.5", true)]
    public void Screen_TryptaseWithoutBaseline_Above11Point4(string acute, bool likely)
    {
        var f = Screen(new TimelineBuilder()
            .Infusion(HoursAgo(10))
            .Pressure(80, HoursAgo(8))
            .Lab(LabAnalyte.Tryptase, decimal.Parse(acute, System.Globalization.CultureInfo.InvariantCulture), HoursAgo(7)));
        Assert.Equal(likely ? FindingLevel.Likely : FindingLevel.Possible, f.Level);
    }

    [Fact]
    public void Screen_TryptaseLessThan24HoursBeforeExposure_IsNoBaseline()
    {
        // the 23 h sample is not a baseline, so 12.0 is judged against 11.4 (positive); with a baseline of 10 it would not be (14.0)
        var exposure = HoursAgo(10);
        var f = Screen(new TimelineBuilder()
            .Lab(LabAnalyte.Tryptase, 10m, exposure - TimeSpan.FromHours(23))
            .Infusion(exposure)
            .Pressure(80, HoursAgo(8))
            .Lab(LabAnalyte.Tryptase, 12.0m, HoursAgo(7)));
        Assert.Equal(FindingLevel.Likely, f.Level);
        Assert.DoesNotContain(f.Evidence, e => e.Criterion == "tryptase-baseline");
    }

    [Fact]
    public void Screen_LatestBaselineWins()
    {
        var exposure = HoursAgo(10);
        var f = Screen(new TimelineBuilder()
            .Lab(LabAnalyte.Tryptase, 3m, exposure - TimeSpan.FromDays(20))
            .Lab(LabAnalyte.Tryptase, 10m, exposure - TimeSpan.FromDays(2))
            .Infusion(exposure)
            .Pressure(80, HoursAgo(8))
            .Lab(LabAnalyte.Tryptase, 13m, HoursAgo(7))); // > 1.2 × 3 + 2 but not > 1.2 × 10 + 2
        Assert.Equal(FindingLevel.Possible, f.Level);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(4 * 60, true)]
    [InlineData(4 * 60 + 10, false)]
    [InlineData(-10, false)]
    public void Screen_AcuteTryptase_FromSignTo4HoursAfter(int minutesAfterSign, bool acute)
    {
        var sign = HoursAgo(8);
        var f = Screen(new TimelineBuilder()
            .Infusion(HoursAgo(10))
            .Pressure(80, sign)
            .Lab(LabAnalyte.Tryptase, 30m, sign + TimeSpan.FromMinutes(minutesAfterSign)));
        Assert.Equal(acute ? FindingLevel.Likely : FindingLevel.Possible, f.Level);
    }

    [Fact]
    public void Screen_BronchospasmWithPositiveTryptaseAfterAntibody_IsLikely()
    {
        var f = Screen(new TimelineBuilder()
            .Drug("rituximab", HoursAgo(5), monoclonal: true)
            .Finding(FindingKind.Bronchospasm, HoursAgo(4))
            .Lab(LabAnalyte.Tryptase, 25m, HoursAgo(3)));
        Assert.Equal(FindingLevel.Likely, f.Level);
        Assert.Contains(AnaphylaxisReasons.TryptaseRise, f.Reasons);
    }

    [Fact]
    public void Screen_WheezingWithPositiveTryptase_IsPossible()
    {
        // §5 names hypotension or bronchospasm for the tryptase rule
        var f = Screen(new TimelineBuilder()
            .Drug("rituximab", HoursAgo(5), monoclonal: true)
            .Finding(FindingKind.Wheezing, HoursAgo(4))
            .Lab(LabAnalyte.Tryptase, 25m, HoursAgo(3)));
        Assert.Equal(FindingLevel.Possible, f.Level);
    }

    [Fact]
    public void Screen_HypotensionAfterTocilizumabWithPositiveTryptase_StillNotASign()
    {
        var f = Screen(new TimelineBuilder().Tocilizumab(HoursAgo(5)).Pressure(75, HoursAgo(4)).Lab(LabAnalyte.Tryptase, 40m, HoursAgo(3)));
        Assert.Equal(FindingLevel.NoneFound, f.Level);
    }

    // ---- notes ----

    [Fact]
    public void Screen_SignWithoutTryptase_AsksForATryptaseDraw()
    {
        var f = Screen(new TimelineBuilder().Infusion(HoursAgo(3)).Finding(FindingKind.Urticaria, HoursAgo(1)));
        Assert.Contains(f.Notes, n => n.Contains("draw serum tryptase now, within 2 h of onset (by 2025-06-15 13:00 UTC)", StringComparison.Ordinal));
    }

    [Fact]
    public void Screen_SignWithAcuteTryptase_DoesNotAskForOne()
    {
        var f = Screen(new TimelineBuilder().Infusion(HoursAgo(3)).Finding(FindingKind.Urticaria, HoursAgo(2)).Lab(LabAnalyte.Tryptase, 5m, HoursAgo(1)));
        Assert.DoesNotContain(f.Notes, n => n.Contains("draw serum tryptase", StringComparison.Ordinal));
    }

    [Fact]
    public void Screen_Fever_SaysFeverArguesForCrs()
    {
        var f = Screen(new TimelineBuilder().Infusion(HoursAgo(3)).Finding(FindingKind.Urticaria, HoursAgo(1)), Assessments.Crs(FeverStatus.Febrile));
        Assert.Contains(f.Notes, n => n.Contains("Fever argues for CRS", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Screen_NoFever_DoesNotMentionFever()
    {
        var f = Screen(new TimelineBuilder().Infusion(HoursAgo(3)).Finding(FindingKind.Urticaria, HoursAgo(1)));
        Assert.DoesNotContain(f.Notes, n => n.Contains("Fever", StringComparison.Ordinal));
    }

    [Fact]
    public void Screen_LongerConfiguredWindow_ReachesOlderSigns()
    {
        var b = new TimelineBuilder().Infusion(HoursAgo(40)).Finding(FindingKind.Urticaria, HoursAgo(36));
        Assert.Equal(FindingLevel.NoneFound, Screen(b).Level);
        Assert.Equal(FindingLevel.Possible, Screen(b, options: new CrsOptions { WindowHours = 48 }).Level);
    }
}
