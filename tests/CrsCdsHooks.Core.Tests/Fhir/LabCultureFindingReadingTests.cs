using CrsCdsHooks.Core.Cards;
using CrsCdsHooks.Core.Differential;
using CrsCdsHooks.Core.Terminology;
using CrsCdsHooks.Core.Timeline;

using Hl7.Fhir.Model;

namespace CrsCdsHooks.Core.Tests.Fhir;

public sealed class LabReadingTests
{
    private static Observation Lab(string loinc, decimal value, string? unit, decimal? high = null, string? highUnit = null)
    {
        var observation = Fx.Obs("l", Fx.Loinc(loinc), Fx.Q(value, unit));
        if (high is { } h) observation.ReferenceRange.Add(new Observation.ReferenceRangeComponent { High = Fx.Q(h, highUnit ?? unit) });
        return observation;
    }

    [Theory]
    [InlineData(1.2, "10*9/L")]
    [InlineData(1.2, "10*3/uL")]
    [InlineData(1200, "/uL")]
    [InlineData(1.2, "K/uL")]
    [InlineData(1200, "{cells}/uL")]
    [InlineData(1.2, "x10E3/uL")]
    public void Read_NeutrophilCountInAnyUnit_IsTenToTheNinePerLitre(double value, string unit)
    {
        var lab = Assert.Single(Fx.Read(Lab(Loinc.AbsoluteNeutrophilCount, (decimal)value, unit)).Labs);
        Assert.Equal((LabAnalyte.AbsoluteNeutrophilCount, 1.2m, "10*9/L"), (lab.Analyte, lab.Value, lab.Unit));
    }

    [Fact]
    public void Read_LactateInMgPerDl_IsDividedBy9Point01()
    {
        var lab = Assert.Single(Fx.Read(Lab(Loinc.Lactate, 36.04m, "mg/dL")).Labs);
        Assert.Equal(4.0m, Math.Round(lab.Value, 3));
        Assert.Equal("mmol/L", lab.Unit);
    }

    [Theory]
    [InlineData(2, "ng/mL", 2)]
    [InlineData(2, "ug/L", 2)]
    [InlineData(2000, "pg/mL", 2)]
    public void Read_Procalcitonin_IsNanogramsPerMillilitre(double value, string unit, double expected) =>
        Assert.Equal((decimal)expected, Assert.Single(Fx.Read(Lab(Loinc.Procalcitonin, (decimal)value, unit)).Labs).Value);

    [Fact]
    public void Read_CreatinineInMicromoles_WithItsUpperLimitConvertedTheSameWay()
    {
        var lab = Assert.Single(Fx.Read(Lab(Loinc.Creatinine, 353.6m, "umol/L", 88.4m)).Labs);
        Assert.Equal((4.0m, 1.0m), (lab.Value, lab.UpperLimitOfNormal));
    }

    [Fact]
    public void Read_CrpInMgPerDl_IsMgPerLitre_AndUlnTakesTheValueUnitWhenItHasNone()
    {
        var observation = Lab(Loinc.CReactiveProtein, 5m, "mg/dL");
        observation.ReferenceRange.Add(new Observation.ReferenceRangeComponent { High = new Quantity { Value = 0.5m } });
        var lab = Assert.Single(Fx.Read(observation).Labs);
        Assert.Equal((50m, 5m), (lab.Value, lab.UpperLimitOfNormal));
        Assert.Equal(new RecordedValue(5m, "mg/dL"), lab.Recorded);
    }

    [Theory]
    [InlineData("U/L")]
    [InlineData("IU/L")]
    [InlineData("[IU]/L")]
    public void Read_TransaminaseUnits_AreUnitsPerLitre(string unit)
    {
        var lab = Assert.Single(Fx.Read(Lab(Loinc.AlanineAminotransferase, 120, unit, 40)).Labs);
        Assert.Equal((120m, 40m), (lab.Value, lab.UpperLimitOfNormal));
    }

    [Fact]
    public void Read_LabWithoutReferenceRange_HasNoUpperLimit() =>
        Assert.Null(Assert.Single(Fx.Read(Lab(Loinc.Bilirubin, 1.1m, "mg/dL")).Labs).UpperLimitOfNormal);

    [Theory]
    [InlineData(1.2, "mg/dL", DataIssueReasons.UnitNotConvertible)]
    [InlineData(1.2, null, DataIssueReasons.UnitNotConvertible)]
    [InlineData(-1, "10*9/L", DataIssueReasons.ImplausibleValue)]
    public void Read_BadLab_IsReported(double value, string? unit, string reason)
    {
        var timeline = Fx.Read(Lab(Loinc.AbsoluteNeutrophilCount, (decimal)value, unit));
        Assert.Empty(timeline.Labs);
        Assert.Equal(reason, Fx.Single(timeline).Reason);
    }

    [Fact]
    public void Read_LabOutsideTheCodeSets_IsCodeNotRecognised()
    {
        var timeline = Fx.Read(Fx.Obs("g", Fx.Loinc("2345-7", "Glucose"), Fx.Q(5.5m, "mmol/L")));
        Assert.Equal(("Observation/g", DataIssueReasons.CodeNotRecognised), (Fx.Single(timeline).Resource, Fx.Single(timeline).Reason));
    }
}

public sealed class CultureReadingTests
{
    private static Observation Culture(DataType? value, string status = "final", string? interpretation = null)
    {
        var observation = Fx.Obs("bc", Fx.Loinc(Loinc.BloodCulture), value);
        observation.StatusElement = new Code<ObservationStatus> { JsonValue = status };
        if (interpretation is not null)
            observation.Interpretation.Add(new CodeableConcept(CodeSystems.ObservationInterpretation, interpretation));
        return observation;
    }

    public static TheoryData<string, Observation, CultureResult> Cultures => new()
    {
        { "interpretation POS", Culture(null, interpretation: "POS"), CultureResult.Positive },
        { "interpretation AA", Culture(null, interpretation: "AA"), CultureResult.Positive },
        { "coded organism", Culture(Fx.Sct("3092008", "Staphylococcus aureus")), CultureResult.Positive },
        { "organism string", Culture(new FhirString("Gram-negative rods")), CultureResult.Positive },
        { "preliminary with organism", Culture(new FhirString("Gram-positive cocci in clusters"), "preliminary"), CultureResult.Positive },
        { "no growth string", Culture(new FhirString("No growth at 5 days")), CultureResult.Negative },
        { "negative string", Culture(new FhirString("Negative")), CultureResult.Negative },
        { "no-growth concept", Culture(Fx.Sct(Snomed.NoGrowth, "No growth")), CultureResult.Negative },
        { "interpretation NEG", Culture(null, interpretation: "NEG"), CultureResult.Negative },
        { "no growth to date", Culture(new FhirString("No growth to date")), CultureResult.Pending },
        { "pending string", Culture(new FhirString("Pending")), CultureResult.Pending },
        { "in progress", Culture(new FhirString("In progress")), CultureResult.Pending },
        { "preliminary without organism", Culture(null, "preliminary"), CultureResult.Pending },
        { "registered", Culture(null, "registered"), CultureResult.Pending },
        { "preliminary no growth", Culture(new FhirString("No growth"), "preliminary"), CultureResult.Pending },
    };

    [Theory]
    [MemberData(nameof(Cultures))]
    public void Read_BloodCulture_PositiveNegativeOrPending(string shape, Observation culture, CultureResult expected)
    {
        var timeline = Fx.Read(culture);
        Assert.True(expected == Assert.Single(timeline.Cultures).Result, shape);
        Assert.Empty(timeline.Issues);
    }

    [Theory]
    [InlineData("Staphylococcus aureus; susceptibilities to follow", "final", CultureResult.Positive)]
    [InlineData("Preliminary report: Gram-positive cocci in clusters", "preliminary", CultureResult.Positive)]
    [InlineData("Escherichia coli, identification in progress", "final", CultureResult.Positive)]
    [InlineData("No growth in aerobic bottle; Bacteroides fragilis in anaerobic bottle", "final", CultureResult.Positive)]
    [InlineData("Gram-negative rods", "final", CultureResult.Positive)]
    [InlineData("Candida albicans in 1 of 2 sets", "final", CultureResult.Positive)]
    [InlineData("No growth at 5 days", "final", CultureResult.Negative)]
    [InlineData("Negative", "final", CultureResult.Negative)]
    [InlineData("Final report: no growth after 5 days", "final", CultureResult.Negative)]
    [InlineData("No growth to date", "final", CultureResult.Pending)]
    [InlineData("Pending", "final", CultureResult.Pending)]
    [InlineData("In progress", "final", CultureResult.Pending)]
    [InlineData("Culture in progress, results to follow", "final", CultureResult.Pending)]
    [InlineData("No growth at 48 hours; incubation continues", "final", CultureResult.Pending)]
    public void Read_CultureValueString_AnyOrganismNamedIsPositive_ElsePendingOrNegative(string text, string status, CultureResult expected)
    {
        var timeline = Fx.Read(Culture(new FhirString(text), status));
        var culture = Assert.Single(timeline.Cultures);
        Assert.Equal(expected, culture.Result);
        Assert.Equal(expected == CultureResult.Positive ? text : null, culture.Organism);
    }

    [Fact]
    public void Read_PositiveCulture_NamesTheOrganism() =>
        Assert.Equal("Staphylococcus aureus", Assert.Single(Fx.Read(Culture(Fx.Sct("3092008", "Staphylococcus aureus"))).Cultures).Organism);

    [Fact]
    public void Read_FinalCultureWithoutResult_IsNoValue() =>
        Assert.Equal(DataIssueReasons.NoValue, Fx.Single(Fx.Read(Culture(null))).Reason);

    [Fact]
    public void Read_CancelledCulture_IsNotUsed() =>
        Assert.Equal(DataIssueReasons.StatusNotUsable, Fx.Single(Fx.Read(Culture(new FhirString("Gram-negative rods"), "cancelled"))).Reason);
}

public sealed class FindingReadingTests
{
    [Theory]
    [InlineData(Snomed.Urticaria, FindingKind.Urticaria)]
    [InlineData(Snomed.Angioedema, FindingKind.Angioedema)]
    [InlineData(Snomed.SepticShock, FindingKind.SepticShock)]
    [InlineData(Snomed.BacterialSepsis, FindingKind.BacterialSepsis)]
    public void Read_CodedCondition_IsAFinding(string code, FindingKind kind)
    {
        var finding = Assert.Single(Fx.Read(Fx.Cond("c", Fx.Sct(code))).Findings);
        Assert.Equal((kind, Fx.T, "Condition/c"), (finding.Kind, finding.Time, finding.Source));
    }

    [Fact]
    public void Read_ConditionByTextOnly_IsAFinding() =>
        Assert.Equal(FindingKind.Urticaria, Assert.Single(Fx.Read(Fx.Cond("c", Fx.Text("Hives"))).Findings).Kind);

    [Fact]
    public void Read_ConditionOutsideTheList_IsCodeNotRecognised() =>
        Assert.Equal(DataIssueReasons.CodeNotRecognised, Fx.Single(Fx.Read(Fx.Cond("c", Fx.Sct("38341003", "Hypertension")))).Reason);

    [Fact]
    public void Read_ObservationValueConcept_IsAFinding()
    {
        var observation = Fx.Obs("o", Fx.Text("Lung sounds"), Fx.Sct(Snomed.Wheezing, "Wheezing"));
        Assert.Equal(FindingKind.Wheezing, Assert.Single(Fx.Read(observation).Findings).Kind);
    }

    [Fact]
    public void Read_ObservationCodedAsAFinding_WithValueAbsent_IsFindingAbsent()
    {
        var observation = Fx.Obs("o", Fx.Sct(Snomed.Stridor, "Stridor"), Fx.Sct(Snomed.Absent, "Absent"));
        var timeline = Fx.Read(observation);
        Assert.Empty(timeline.Findings);
        Assert.Equal(DataIssueReasons.FindingAbsent, Fx.Single(timeline).Reason);
    }

    [Fact]
    public void Read_ObservationCodedAsAFinding_WithValueFalse_IsFindingAbsent() =>
        Assert.Equal(DataIssueReasons.FindingAbsent, Fx.Single(Fx.Read(Fx.Obs("o", Fx.Sct(Snomed.Urticaria), new FhirBoolean(false)))).Reason);

    public static TheoryData<string, Observation> SepsisNamedByAnObservation() => new()
    {
        { "qSOFA sepsis score, value 1", Fx.Obs("o", Fx.Text("qSOFA sepsis score"), Fx.Q(1, "{score}")) },
        { "Sepsis bundle compliance, value 'complete'", Fx.Obs("o", Fx.Text("Sepsis bundle compliance"), new FhirString("complete")) },
        { "Nursing assessment, value 'bacteremia suspected'", Fx.Obs("o", Fx.Text("Nursing assessment"), new FhirString("bacteremia suspected")) },
        { "code SNOMED 91302008 (sepsis)", Fx.Obs("o", Fx.Sct(Snomed.Sepsis, "Sepsis"), new FhirBoolean(true)) },
        { "value SNOMED 76571007 (septic shock)", Fx.Obs("o", Fx.Text("Problem"), Fx.Sct(Snomed.SepticShock, "Septic shock")) },
    };

    [Theory]
    [MemberData(nameof(SepsisNamedByAnObservation))]
    public void Read_ObservationNamingSepsis_IsNoSepsisDiagnosis(string shape, Observation observation)
    {
        var timeline = Fx.Read(observation);
        Assert.True(timeline.Findings.Count == 0, shape);
        Assert.Equal(DataIssueReasons.CodeNotRecognised, Fx.Single(timeline).Reason);
    }

    [Fact]
    public void Screen_SepsisBundleObservationWithFever_LeavesInfectionNoneFound()
    {
        var view = new CrsPatientView(new CrsOptions());
        Resource[] resources =
        [
            new Patient { Id = Fx.PatientId, BirthDate = "1970-05-01" },
            Fx.Admin("cart", new CodeableConcept { Text = "Yescarta (axicabtagene ciloleucel)" }, Fx.AsOf.AddDays(-3)),
            Fx.Temp("fever", 38.5m, "Cel", Fx.AsOf.AddHours(-3)),
            Fx.Obs("bundle", Fx.Text("Sepsis bundle compliance"), new FhirString("complete")),
            Fx.Obs("qsofa", Fx.Text("qSOFA sepsis score"), Fx.Q(1, "{score}")),
        ];
        var evaluation = view.Evaluate(new PatientViewInput(Fx.PatientId, Fx.AsOf, resources, []), new SequentialCardIdSource());
        Assert.Equal(FindingLevel.NoneFound, evaluation.Infection.Level);
        Assert.DoesNotContain(SepsisReasons.SepsisDiagnosis, evaluation.Infection.Reasons);
    }

    [Fact]
    public void Read_ObservationTextUrticaria_IsStillAnAnaphylaxisSign() =>
        Assert.Equal(FindingKind.Urticaria, Assert.Single(Fx.Read(Fx.Obs("o", Fx.Text("Skin assessment"), new FhirString("urticaria on the trunk"))).Findings).Kind);

    [Fact]
    public void Read_ObservationTextNoWheezing_IsNoFinding()
    {
        var timeline = Fx.Read(Fx.Obs("o", Fx.Text("Lung sounds"), new FhirString("No wheezing")));
        Assert.Empty(timeline.Findings);
    }

    [Fact]
    public void Read_ActiveDrugAllergy_IsAnAllergyAndItsReactionsAreNoFindings()
    {
        var allergy = new AllergyIntolerance
        {
            Id = "a",
            Patient = Fx.Subject(),
            Code = Fx.RxNorm("612865", "tocilizumab"),
            Reaction = [new AllergyIntolerance.ReactionComponent { Manifestation = [Fx.Sct(Snomed.Urticaria, "Urticaria")] }],
        };
        var timeline = Fx.Read(allergy);
        var drugAllergy = Assert.Single(timeline.Allergies);
        Assert.Equal(("AllergyIntolerance/a", "tocilizumab"), (drugAllergy.Source, drugAllergy.Substance));
        Assert.Equal(["612865"], drugAllergy.RxNormCodes);
        Assert.Empty(timeline.Findings);
        Assert.Empty(timeline.Issues);
    }

    [Fact]
    public void Read_FoodAllergy_IsNotADrugAllergy()
    {
        var allergy = new AllergyIntolerance { Id = "a", Patient = Fx.Subject(), Code = Fx.Text("peanut") };
        allergy.CategoryElement.Add(new Code<AllergyIntolerance.AllergyIntoleranceCategory>(AllergyIntolerance.AllergyIntoleranceCategory.Food));
        Assert.Equal(DataIssueReasons.NotDrugAllergy, Fx.Single(Fx.Read(allergy)).Reason);
    }

    [Fact]
    public void Read_NoKnownDrugAllergies_IsNoAllergy()
    {
        var allergy = new AllergyIntolerance { Id = "a", Patient = Fx.Subject(), Code = Fx.Sct(Snomed.NoKnownDrugAllergy, "No known drug allergy") };
        var timeline = Fx.Read(allergy);
        Assert.Empty(timeline.Allergies);
        Assert.Equal(DataIssueReasons.CodeNotRecognised, Fx.Single(timeline).Reason);
    }
}
