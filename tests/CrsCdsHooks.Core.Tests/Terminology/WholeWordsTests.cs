using CrsCdsHooks.Core.Terminology;
using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Tests.Terminology;

public sealed class WholeWordsTests
{
    [Theory]
    [InlineData("norepinephrine 4 mg in 250 mL", "epinephrine", false)]
    [InlineData("EPINEPHrine 1 mg/mL", "epinephrine", true)]
    [InlineData("methylprednisolone sodium succinate", "prednisolone", false)]
    [InlineData("prednisolone 5 mg tablet", "prednisolone", true)]
    [InlineData("Solu-Medrol 125 mg", "solu-medrol", true)]
    [InlineData("Solu Medrol", "solu-medrol", true)]
    [InlineData("noradrenaline", "adrenaline", false)]
    [InlineData("tocilizumab-aazg", "tocilizumab", true)]
    [InlineData("", "tocilizumab", false)]
    [InlineData(null, "tocilizumab", false)]
    // allergy substances against drug names (the anaphylaxis screen, CRS-SPEC §9.21)
    [InlineData("Amoxicillin-Clavulanate", "amoxicillin", true)]
    [InlineData("Amoxicillin/Clavulanate", "amoxicillin clavulanate", true)]
    [InlineData("penicillin G potassium", "Penicillin  G", true)]
    [InlineData("abc", "", false)]
    [InlineData("abc", "---", false)]
    public void Contains_IsWholeWordAndCaseInsensitive(string? text, string phrase, bool expected) =>
        Assert.Equal(expected, WholeWords.Contains(text, phrase));

    [Fact]
    public void Normalize_TurnsPunctuationIntoSingleSpaces() =>
        Assert.Equal(" car t cell infusion ", WholeWords.Normalize("  CAR-T  cell / infusion!"));
}

public sealed class DrugCodesTests
{
    [Theory]
    [InlineData("norepinephrine bitartrate 4 mg/250 mL", Drug.Norepinephrine)]
    [InlineData("Noradrenaline infusion", Drug.Norepinephrine)]
    [InlineData("Levophed", Drug.Norepinephrine)]
    [InlineData("nor-epinephrine", Drug.Norepinephrine)]
    [InlineData("epinephrine 0.3 mg auto-injector", Drug.Epinephrine)]
    [InlineData("Adrenaline 1:1000", Drug.Epinephrine)]
    [InlineData("Tylenol 650 mg", Drug.Acetaminophen)]
    [InlineData("paracetamol 1 g IV", Drug.Acetaminophen)]
    [InlineData("Actemra 400 mg/20 mL", Drug.Tocilizumab)]
    [InlineData("Kineret 100 mg", Drug.Anakinra)]
    [InlineData("Sylvant", Drug.Siltuximab)]
    [InlineData("Solu-Medrol 1 g", Drug.Methylprednisolone)]
    [InlineData("methylprednisolone", Drug.Methylprednisolone)]
    [InlineData("prednisolone oral solution", Drug.Prednisolone)]
    [InlineData("vasopressin 20 units/100 mL", Drug.Vasopressin)]
    [InlineData("dobutamine", Drug.Dobutamine)]
    [InlineData("milrinone lactate", Drug.Milrinone)]
    [InlineData("ketorolac tromethamine", Drug.Ketorolac)]
    public void TryMatchName_FindsTheDrugBySynonymOrBrand(string text, Drug expected)
    {
        Assert.True(DrugCodes.TryMatchName(text, out var drug));
        Assert.Equal(expected, drug);
    }

    [Theory]
    [InlineData("ondansetron")]
    [InlineData("cefepime 2 g")]
    [InlineData("dopaminergic agent")]
    [InlineData("")]
    public void TryMatchName_OtherDrugs_AreNotMatched(string text) => Assert.False(DrugCodes.TryMatchName(text, out _));

    [Fact]
    public void MatchNames_NorepinephrineNeverAlsoReadsAsEpinephrine() =>
        Assert.Equal([Drug.Norepinephrine], DrugCodes.MatchNames("norepinephrine (Levophed) 8 mcg/min"));

    [Fact]
    public void RxNorm_IngredientCodesOfTheSpec()
    {
        Assert.True(DrugCodes.TryMatchRxNorm("7512", out var ne));
        Assert.Equal(Drug.Norepinephrine, ne);
        Assert.True(DrugCodes.TryMatchRxNorm("612865", out var toci));
        Assert.Equal(Drug.Tocilizumab, toci);
        Assert.False(DrugCodes.TryMatchRxNorm("1665060", out _));
    }

    [Theory]
    [InlineData("rituximab", true)]
    [InlineData("tocilizumab-bavi 200 mg", true)]
    [InlineData("mab", false)]
    [InlineData("acetaminophen", false)]
    public void NamesMonoclonalAntibody_WordEndingInMab(string text, bool expected) =>
        Assert.Equal(expected, DrugCodes.NamesMonoclonalAntibody(text));
}

public sealed class CarTProductCodesTests
{
    [Theory]
    [InlineData("axicabtagene ciloleucel suspension", CarTProduct.AxicabtageneCiloleucel)]
    [InlineData("YESCARTA", CarTProduct.AxicabtageneCiloleucel)]
    [InlineData("Kymriah", CarTProduct.Tisagenlecleucel)]
    [InlineData("liso-cel", CarTProduct.LisocabtageneMaraleucel)]
    [InlineData("Tecartus", CarTProduct.BrexucabtageneAutoleucel)]
    [InlineData("Abecma", CarTProduct.IdecabtageneVicleucel)]
    [InlineData("Carvykti", CarTProduct.CiltacabtageneAutoleucel)]
    [InlineData("Aucatzyl", CarTProduct.ObecabtageneAutoleucel)]
    public void TryMatchName_GenericBrandOrShortName(string text, CarTProduct expected)
    {
        Assert.True(CarTProductCodes.TryMatchName(text, out var product));
        Assert.Equal(expected, product);
    }

    [Theory]
    [InlineData("71287-119-01", CarTProduct.AxicabtageneCiloleucel)]
    [InlineData("71287011901", CarTProduct.AxicabtageneCiloleucel)]
    [InlineData("0078-0846-19", CarTProduct.Tisagenlecleucel)]
    [InlineData("00078084619", CarTProduct.Tisagenlecleucel)]
    [InlineData("71287-219-01", CarTProduct.BrexucabtageneAutoleucel)]
    [InlineData("57894-111-01", CarTProduct.CiltacabtageneAutoleucel)]
    public void TryMatchNdc_ByLabelerProductPrefix(string ndc, CarTProduct expected)
    {
        Assert.True(CarTProductCodes.TryMatchNdc(ndc, out var product));
        Assert.Equal(expected, product);
    }

    [Theory]
    [InlineData("71287-1190-01")]
    [InlineData("12345-678-90")]
    [InlineData("")]
    public void TryMatchNdc_OtherCodes_AreNotProducts(string ndc) => Assert.False(CarTProductCodes.TryMatchNdc(ndc, out _));

    [Theory]
    [InlineData("CAR-T cell infusion", true)]
    [InlineData("Chimeric antigen receptor T-cell administration", true)]
    [InlineData("Leukapheresis for CAR-T manufacturing", false)]
    [InlineData("CAR-T consult", false)]
    public void Procedure_InfusionWordsAndNoCollection(string text, bool expected) =>
        Assert.Equal(expected, CarTProductCodes.MentionsCarT(text) && CarTProductCodes.SaysInfusion(text));
}

public sealed class FindingCodesTests
{
    [Theory]
    [InlineData("Urticaria", FindingKind.Urticaria)]
    [InlineData("hives on trunk", FindingKind.Urticaria)]
    [InlineData("Expiratory wheezes", FindingKind.Wheezing)]
    [InlineData("wheezing", FindingKind.Wheezing)]
    [InlineData("Facial flushing", FindingKind.Flushing)]
    [InlineData("Stridor", FindingKind.Stridor)]
    [InlineData("Septic shock", FindingKind.SepticShock)]
    [InlineData("Bacteraemia", FindingKind.Bacteremia)]
    public void FromText_FindsTheSign(string text, FindingKind expected) => Assert.Equal([expected], FindingCodes.FromText(text));

    [Theory]
    [InlineData("No wheezing")]
    [InlineData("wheezing absent")]
    [InlineData("Rule out sepsis")]
    [InlineData("Sepsis screening")]
    [InlineData("History of urticaria")]
    [InlineData("At risk for sepsis")]
    [InlineData("IV line flushing")]
    public void FromText_NegatedOrQualified_IsNoFinding(string text) => Assert.Empty(FindingCodes.FromText(text));

    [Fact]
    public void FromText_SepsisWithoutSepticShock_IsSepsisOnly() =>
        Assert.Equal([FindingKind.Sepsis], FindingCodes.FromText("Severe sepsis without septic shock"));
}
