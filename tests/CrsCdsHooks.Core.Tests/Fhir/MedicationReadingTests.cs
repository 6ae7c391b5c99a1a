using CrsCdsHooks.Core.Terminology;
using CrsCdsHooks.Core.Timeline;

using Hl7.Fhir.Model;

namespace CrsCdsHooks.Core.Tests.Fhir;

public sealed class MedicationReadingTests
{
    private static Medication Norepinephrine(string id) => new()
    {
        Id = id,
        Code = Fx.RxNorm("1743938", "norepinephrine bitartrate 4 MG in 250 ML Injection"),
    };

    public static TheoryData<string, Resource[]> NorepinephrineShapes => new()
    {
        { "RxNorm ingredient code only", [Fx.Admin("a", Fx.RxNorm(RxNorm.Norepinephrine))] },
        { "product-level code with display", [Fx.Admin("a", Fx.RxNorm("1743938", "norepinephrine bitartrate 4 MG in 250 ML Injection"))] },
        { "text only, brand name", [Fx.Admin("a", Fx.Text("Levophed drip"))] },
        { "text only, INN", [Fx.Admin("a", Fx.Text("Noradrenaline 8 mg in 50 mL"))] },
        { "contained Medication", [WithContained(Fx.Admin("a", new ResourceReference("#med")), Norepinephrine("med"))] },
        { "referenced Medication", [Fx.Admin("a", new ResourceReference("Medication/m1")), Norepinephrine("m1")] },
        { "absolute versioned reference", [Fx.Admin("a", new ResourceReference("https://ehr.example/fhir/Medication/m1/_history/2")), Norepinephrine("m1")] },
        { "ingredient of a referenced Medication", [Fx.Admin("a", new ResourceReference("Medication/m2")), new Medication
            {
                Id = "m2",
                Code = Fx.Text("Pressor drip (pharmacy compounded)"),
                Ingredient = [new Medication.IngredientComponent { Item = Fx.RxNorm(RxNorm.Norepinephrine, "norepinephrine") }],
            }] },
        { "urn:uuid in a Bundle", [new Bundle
            {
                Type = Bundle.BundleType.Searchset,
                Entry =
                [
                    new Bundle.EntryComponent { FullUrl = "urn:uuid:5f1c", Resource = Norepinephrine("m3") },
                    new Bundle.EntryComponent { Resource = Fx.Admin("a", new ResourceReference("urn:uuid:5f1c")) },
                ],
            }] },
        { "urn:uuid naming a Medication without id", [new Bundle
            {
                Type = Bundle.BundleType.Transaction,
                Entry =
                [
                    new Bundle.EntryComponent { FullUrl = "urn:uuid:9a0e", Resource = new Medication { Code = Fx.Text("Levophed 4 mg/4 mL") } },
                    new Bundle.EntryComponent { Resource = Fx.Admin("a", new ResourceReference("urn:uuid:9a0e")) },
                ],
            }] },
    };

    private static MedicationAdministration WithContained(MedicationAdministration administration, Medication medication)
    {
        administration.Contained.Add(medication);
        return administration;
    }

    [Theory]
    [MemberData(nameof(NorepinephrineShapes))]
    public void Read_NorepinephrineInAnyShape_IsNorepinephrine(string shape, Resource[] resources)
    {
        var timeline = Fx.Read(resources);
        var drug = Assert.Single(timeline.Drugs);
        Assert.True(drug.Drug == Drug.Norepinephrine, shape);
        Assert.Empty(timeline.Issues);
    }

    [Fact]
    public void Read_NotReferencedMedication_IsReported()
    {
        var timeline = Fx.Read(Fx.Admin("a", Fx.Text("acetaminophen")), Norepinephrine("m9"));
        Fx.HasIssue(timeline, "Medication/m9", DataIssueReasons.NotReferenced);
    }

    [Fact]
    public void Read_MedicationReferencedOnlyByARejectedAdministration_IsNotReferenced()
    {
        var timeline = Fx.Read(Fx.Admin("a", new ResourceReference("Medication/m1"), status: "not-done"), Norepinephrine("m1"));
        Fx.HasIssue(timeline, "MedicationAdministration/a", DataIssueReasons.StatusNotUsable);
        Fx.HasIssue(timeline, "Medication/m1", DataIssueReasons.NotReferenced);
    }

    [Theory]
    [InlineData("epinephrine", Drug.Epinephrine)]
    [InlineData("norepinephrine", Drug.Norepinephrine)]
    [InlineData("prednisolone", Drug.Prednisolone)]
    [InlineData("methylprednisolone", Drug.Methylprednisolone)]
    [InlineData("Solu-Medrol", Drug.Methylprednisolone)]
    [InlineData("Tylenol", Drug.Acetaminophen)]
    [InlineData("Actemra", Drug.Tocilizumab)]
    public void Read_WholeWordNames_NeverConfuseDrugs(string text, Drug expected) =>
        Assert.Equal(expected, Assert.Single(Fx.Read(Fx.Admin("a", Fx.Text(text))).Drugs).Drug);

    [Theory]
    [InlineData("completed", AdministrationStatus.Completed)]
    [InlineData("in-progress", AdministrationStatus.InProgress)]
    [InlineData("stopped", AdministrationStatus.Stopped)]
    public void Read_AcceptedStatuses(string status, AdministrationStatus expected) =>
        Assert.Equal(expected, Assert.Single(Fx.Read(Fx.Admin("a", Fx.Text("dopamine"), status: status)).Drugs).Status);

    [Theory]
    [InlineData("not-done")]
    [InlineData("entered-in-error")]
    [InlineData("on-hold")]
    [InlineData("unknown")]
    [InlineData("")]
    [InlineData("COMPLETED")]
    public void Read_OtherStatuses_AreIgnoredAndReported(string status)
    {
        var timeline = Fx.Read(Fx.Admin("a", Fx.Text("dopamine"), status: status));
        Assert.Empty(timeline.Drugs);
        Assert.Equal(DataIssueReasons.StatusNotUsable, Fx.Single(timeline).Reason);
    }

    [Theory]
    [InlineData(8, "ug/min", 8, false)]
    [InlineData(8, "mcg/min", 8, false)]
    [InlineData(0.48, "mg/h", 8, false)]
    [InlineData(0.48, "mg/hr", 8, false)]
    [InlineData(0.1, "ug/kg/min", 0.1, true)]
    [InlineData(0.1, "mcg/kg/min", 0.1, true)]
    [InlineData(6, "ug/kg/h", 0.1, true)]
    [InlineData(0.006, "mg/kg/h", 0.1, true)]
    public void Read_RateQuantity_IsMicrogramsPerMinuteOrPerKilogram(double value, string unit, double expected, bool perKg)
    {
        var administration = Fx.Admin("a", Fx.RxNorm(RxNorm.Norepinephrine));
        administration.Dosage = new MedicationAdministration.DosageComponent { Rate = Fx.Q((decimal)value, unit) };
        var rate = Assert.Single(Fx.Read(administration).Drugs).Rate;
        Assert.NotNull(rate);
        Assert.Equal(((decimal)expected, perKg), (rate.Value, rate.PerKilogram));
    }

    [Fact]
    public void Read_RateRatio_IsDividedOut()
    {
        var administration = Fx.Admin("a", Fx.RxNorm(RxNorm.Phenylephrine));
        administration.Dosage = new MedicationAdministration.DosageComponent
        {
            Rate = new Ratio(Fx.Q(1.2m, "mg"), Fx.Q(1, "h")),
        };
        var rate = Assert.Single(Fx.Read(administration).Drugs).Rate;
        Assert.Equal((20m, false), (rate!.Value, rate.PerKilogram));
    }

    [Fact]
    public void Read_VolumeRateOfAVasopressor_IsReportedButStillCounts()
    {
        var administration = Fx.Admin("a", Fx.Text("norepinephrine 16 mg/250 mL"));
        administration.Dosage = new MedicationAdministration.DosageComponent { Rate = Fx.Q(7.5m, "mL/h") };
        var timeline = Fx.Read(administration);
        var drug = Assert.Single(timeline.Drugs);
        Assert.Equal(Drug.Norepinephrine, drug.Drug);
        Assert.Null(drug.Rate);
        Assert.Equal(DataIssueReasons.RateNotConvertible, Fx.Single(timeline).Reason);
    }

    [Theory]
    [InlineData("vasopressin", "U/min", 0.04)]
    [InlineData("tocilizumab 640 mg in 100 mL", "mL/h", 100)]
    [InlineData("dobutamine", "mL/h", 5)]
    public void Read_RatesNoCriterionNeeds_AreNotReported(string text, string unit, double value)
    {
        var administration = Fx.Admin("a", Fx.Text(text));
        administration.Dosage = new MedicationAdministration.DosageComponent { Rate = Fx.Q((decimal)value, unit) };
        var timeline = Fx.Read(administration);
        Assert.Single(timeline.Drugs);
        Assert.Empty(timeline.Issues);
    }

    [Fact]
    public void Read_PeriodAdministration_KeepsStartAndEnd()
    {
        var administration = Fx.Admin("a", Fx.Text("norepinephrine"));
        administration.Effective = new Period { Start = Fx.Iso(Fx.T), End = Fx.Iso(Fx.T.AddHours(3)) };
        Assert.Equal(new TimeInterval(Fx.T, Fx.T.AddHours(3)), Assert.Single(Fx.Read(administration).Drugs).When);
    }

    [Fact]
    public void Read_RunningInfusionWithoutEnd_IsOpen()
    {
        var administration = Fx.Admin("a", Fx.Text("norepinephrine"), status: "in-progress");
        administration.Effective = new Period { Start = Fx.Iso(Fx.T) };
        Assert.True(Assert.Single(Fx.Read(administration).Drugs).When.IsOpen);
    }

    [Fact]
    public void Read_OtherDrug_IsKeptWithoutADrugAndWithItsNames()
    {
        var administration = Fx.Admin("a", Fx.RxNorm("26225", "ondansetron 4 MG Injection"));
        administration.Dosage = new MedicationAdministration.DosageComponent { Dose = Fx.Q(4, "mg") };
        var drug = Assert.Single(Fx.Read(administration).Drugs);
        Assert.Null(drug.Drug);
        Assert.Equal("ondansetron 4 MG Injection", drug.Name);
        Assert.Equal(["26225"], drug.RxNormCodes);
        Assert.Equal(new RecordedValue(4, "mg"), drug.Dose);
        Assert.False(drug.IsMonoclonalAntibody);
    }

    [Theory]
    [InlineData("rituximab-abbs 500 mg", true)]
    [InlineData("Actemra", true)]
    [InlineData("cefepime", false)]
    public void Read_MonoclonalAntibodies_AreMarked(string text, bool expected) =>
        Assert.Equal(expected, Assert.Single(Fx.Read(Fx.Admin("a", Fx.Text(text))).Drugs).IsMonoclonalAntibody);

    [Theory]
    [InlineData("hydrocortisone 1% cream")]
    [InlineData("dexamethasone 0.1% ophthalmic suspension")]
    [InlineData("lidocaine 1% with epinephrine 1:100,000")]
    [InlineData("ibuprofen 5% gel")]
    public void Read_LocalFormsOfSpecDrugs_AreNotTheSystemicDrug(string text)
    {
        var drug = Assert.Single(Fx.Read(Fx.Admin("a", Fx.Text(text))).Drugs);
        Assert.Null(drug.Drug);
        Assert.Contains(text, drug.Names);
    }

    [Fact]
    public void Read_PhenylephrineByOphthalmicRoute_IsNotAVasopressor()
    {
        var administration = Fx.Admin("a", Fx.RxNorm(RxNorm.Phenylephrine, "phenylephrine"));
        administration.Dosage = new MedicationAdministration.DosageComponent { Route = Fx.Sct("54485002", "Ophthalmic route") };
        Assert.Null(Assert.Single(Fx.Read(administration).Drugs).Drug);
    }

    [Fact]
    public void Read_UnidentifiedMedication_IsNoValue()
    {
        var timeline = Fx.Read(Fx.Admin("a", new ResourceReference("Medication/missing")));
        Assert.Empty(timeline.Drugs);
        Assert.Equal(DataIssueReasons.NoValue, Fx.Single(timeline).Reason);
    }
}

public sealed class CarTInfusionReadingTests
{
    [Theory]
    [InlineData("Yescarta", CarTProduct.AxicabtageneCiloleucel)]
    [InlineData("tisagenlecleucel suspension for IV infusion", CarTProduct.Tisagenlecleucel)]
    [InlineData("cilta-cel", CarTProduct.CiltacabtageneAutoleucel)]
    [InlineData("CAR-T cells (investigational)", CarTProduct.Unspecified)]
    public void Read_CarTAdministration_IsAnInfusionNotADrug(string text, CarTProduct expected)
    {
        var timeline = Fx.Read(Fx.Admin("car", Fx.Text(text)));
        Assert.Empty(timeline.Drugs);
        var infusion = Assert.Single(timeline.Infusions);
        Assert.Equal((expected, Fx.T, "MedicationAdministration/car"), (infusion.Product, infusion.Start, infusion.Source));
    }

    [Fact]
    public void Read_CarTByNdc_IsTheProduct()
    {
        var timeline = Fx.Read(Fx.Admin("car", new CodeableConcept(CodeSystems.Ndc, "71287-219-01")));
        Assert.Equal(CarTProduct.BrexucabtageneAutoleucel, Assert.Single(timeline.Infusions).Product);
    }

    [Fact]
    public void Read_StoppedCarTInfusion_Counts() =>
        Assert.Equal(AdministrationStatus.Stopped, Assert.Single(Fx.Read(Fx.Admin("car", Fx.Text("Kymriah"), status: "stopped")).Infusions).Status);

    [Fact]
    public void Read_TocilizumabGivenForCarTCrs_IsTocilizumab()
    {
        var timeline = Fx.Read(Fx.Admin("t", Fx.RxNorm(RxNorm.Tocilizumab, "tocilizumab (for CAR-T CRS)")));
        Assert.Equal(Drug.Tocilizumab, Assert.Single(timeline.Drugs).Drug);
        Assert.Empty(timeline.Infusions);
    }

    [Theory]
    [InlineData("Axicabtagene ciloleucel infusion", true)]
    [InlineData("CAR T cell infusion", true)]
    [InlineData("Chimeric antigen receptor T-cell therapy administration", true)]
    [InlineData("Leukapheresis for axicabtagene ciloleucel", false)]
    [InlineData("Yescarta education", false)]
    public void Read_CarTProcedure_NeedsInfusionAndAProduct(string text, bool infusion)
    {
        var timeline = Fx.Read(Fx.Proc("p", Fx.Text(text)));
        Assert.Equal(infusion, timeline.Infusions.Count == 1);
        if (!infusion) Assert.Equal(DataIssueReasons.CodeNotRecognised, Fx.Single(timeline).Reason);
    }

    [Fact]
    public void Read_CarTInfusionWithADateOnly_TakesTheStartOfThatDayWithANote()
    {
        var administration = Fx.Admin("car", Fx.Text("Yescarta"));
        administration.Effective = new FhirDateTime("2026-03-07");
        var timeline = Fx.Read(administration);
        Assert.Equal(new DateTimeOffset(2026, 3, 7, 0, 0, 0, TimeSpan.Zero), Assert.Single(timeline.Infusions).Start);
        Assert.Single(timeline.ReviewNotes);
        Assert.Empty(timeline.Issues);
    }
}
