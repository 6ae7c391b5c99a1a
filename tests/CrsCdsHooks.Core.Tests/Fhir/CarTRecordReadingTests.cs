using System.Text.Json;

using CrsCdsHooks.Core.Fhir;
using CrsCdsHooks.Core.Timeline;

using Hl7.Fhir.Model;

namespace CrsCdsHooks.Core.Tests.Fhir;

/// <summary>
/// An unusable CAR-T infusion record says so on its issue (<see cref="DataIssue.CarTRecord"/>) when the reason leaves
/// open whether the product was given — not valid FHIR, no usable time, a status that cannot be interpreted — and does
/// not when the record shows it was not given, not yet given, or is another patient's.
/// </summary>
public sealed class CarTRecordReadingTests
{
    private static readonly DateTimeOffset Infused = Fx.AsOf.AddDays(-3);

    private const string Kymriah = """
        {"resourceType":"MedicationAdministration","id":"cart","status":"completed",
         "medicationCodeableConcept":{"coding":[{"system":"http://hl7.org/fhir/sid/ndc","code":"0078-0846-19","display":"KYMRIAH (tisagenlecleucel)"}],"text":"tisagenlecleucel (Kymriah)"},
         "subject":{"reference":"Patient/p1"},"effectivePeriod":{"start":"2026-03-07T12:00:00Z","end":"2026-03-07T12:20:00Z"},
         "dosage":{"text":"CAR-T cell product, single dose"}}
        """;

    private const string CarTProcedure = """
        {"resourceType":"Procedure","id":"proc","status":"completed",
         "code":{"coding":[{"system":"http://snomed.info/sct","code":"0","display":"Chimeric antigen receptor T-cell infusion"}]},
         "subject":{"reference":"Patient/p1"},"performedDateTime":"2026-03-07T12:00:00Z"}
        """;

    private static DataIssue ReadRefused(string json)
    {
        using var document = JsonDocument.Parse(json);
        Assert.Null(FhirResourceJson.TryRead(document.RootElement, "prefetch/medicationAdministrations/entry[3]", out var issue));
        Assert.Equal(DataIssueReasons.NotValidFhir, issue!.Reason);
        return issue;
    }

    [Fact]
    public void TryRead_CarTAdministrationWithAnEmptyDisplay_IsRefusedAndNamedACarTRecordWithItsStart()
    {
        var issue = ReadRefused(Kymriah.Replace("\"display\":\"KYMRIAH (tisagenlecleucel)\"", "\"display\":\"\"", StringComparison.Ordinal));

        Assert.Equal("MedicationAdministration/cart", issue.Resource);
        Assert.Equal(new UnusableCarTRecord("MedicationAdministration", Infused), issue.CarTRecord);
    }

    [Theory]
    [InlineData("the NDC alone", "\"medicationCodeableConcept\":{\"coding\":[{\"system\":\"http://hl7.org/fhir/sid/ndc\",\"code\":\"0078-0846-19\"}],\"text\":\"\"}")]
    [InlineData("a brand in a contained Medication",
        "\"contained\":[{\"resourceType\":\"Medication\",\"id\":\"m\",\"code\":{\"text\":\"Yescarta\"}}],\"medicationReference\":{\"reference\":\"#m\",\"display\":5}")]
    [InlineData("CAR-T in a misspelt medication element", "\"medicationCodableConcept\":{\"text\":\"CAR-T cells\"}")]
    public void TryRead_CarTAdministrationRefused_IsNamedACarTRecord(string what, string medication)
    {
        var json = $$"""
            {"resourceType":"MedicationAdministration","id":"cart","status":"completed",{{medication}},
             "subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-03-07T12:00:00Z"}
            """;

        Assert.True(ReadRefused(json).CarTRecord is { ResourceType: "MedicationAdministration" }, what);
    }

    [Fact]
    public void TryRead_RefusedAdministrationThatNamesCarTOnlyInItsDosageText_IsNoCarTRecord()
    {
        var acetaminophen = Kymriah
            .Replace("\"coding\":[{\"system\":\"http://hl7.org/fhir/sid/ndc\",\"code\":\"0078-0846-19\",\"display\":\"KYMRIAH (tisagenlecleucel)\"}]", "\"coding\":[{\"display\":\"\"}]", StringComparison.Ordinal)
            .Replace("tisagenlecleucel (Kymriah)", "acetaminophen", StringComparison.Ordinal)
            .Replace("CAR-T cell product, single dose", "premedication before CAR-T infusion", StringComparison.Ordinal);

        Assert.Null(ReadRefused(acetaminophen).CarTRecord);
    }

    [Theory]
    [InlineData("2026-03-07", "2026-03-07T00:00:00Z")]
    [InlineData("2026-03", null)]
    [InlineData("yesterday", null)]
    public void TryRead_RefusedCarTRecord_CarriesTheStartItCanRead(string performed, string? start)
    {
        var issue = ReadRefused(CarTProcedure.Replace("\"status\":\"completed\"", "\"status\":\"finished\"", StringComparison.Ordinal)
            .Replace("2026-03-07T12:00:00Z", performed, StringComparison.Ordinal));

        Assert.Equal(new UnusableCarTRecord("Procedure", start is null ? null : DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture)), issue.CarTRecord);
    }

    [Theory]
    [InlineData("Chimeric antigen receptor T-cell infusion", true)]
    [InlineData("Yescarta administration", true)]
    [InlineData("CAR-T leukapheresis", false)]
    [InlineData("Chimeric antigen receptor T-cell therapy consult", false)]
    public void TryRead_RefusedProcedure_IsACarTRecordOnlyWithTheInfusionWording(string display, bool carT)
    {
        var issue = ReadRefused(CarTProcedure.Replace("Chimeric antigen receptor T-cell infusion", display, StringComparison.Ordinal)
            .Replace("\"code\":\"0\"", "\"code\":0", StringComparison.Ordinal));

        Assert.Equal(carT, issue.CarTRecord is not null);
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData("given")]
    [InlineData(null)]
    public void Read_CarTAdministrationWithAStatusThatCannotBeInterpreted_IsACarTRecord(string? status)
    {
        var ma = CarT("cart", status ?? "completed");
        if (status is null) ma.StatusElement = null!;

        var issue = Fx.Single(Fx.Read(ma));
        Assert.Equal(DataIssueReasons.StatusNotUsable, issue.Reason);
        Assert.Equal(new UnusableCarTRecord("MedicationAdministration", Infused), issue.CarTRecord);
    }

    [Theory]
    [InlineData("not-done")]
    [InlineData("entered-in-error")]
    [InlineData("on-hold")]
    public void Read_CarTAdministrationNotGiven_IsNoCarTRecord(string status)
    {
        var issue = Fx.Single(Fx.Read(CarT("cart", status)));
        Assert.Equal(DataIssueReasons.StatusNotUsable, issue.Reason);
        Assert.Null(issue.CarTRecord);
    }

    [Fact]
    public void Read_CarTAdministrationWithoutATime_IsACarTRecordWithNoStart()
    {
        var ma = CarT("cart");
        ma.Effective = null!;

        var issue = Fx.Single(Fx.Read(ma));
        Assert.Equal(DataIssueReasons.NoUsableTime, issue.Reason);
        Assert.Equal(new UnusableCarTRecord("MedicationAdministration", null), issue.CarTRecord);
    }

    [Fact]
    public void Read_OtherDrugsWithoutATimeOrWithAnUnknownStatus_AreNoCarTRecords()
    {
        var untimed = Fx.Admin("apap", Fx.RxNorm("161", "acetaminophen"));
        untimed.Effective = null!;
        var timeline = Fx.Read(untimed, Fx.Admin("apap2", Fx.RxNorm("161", "acetaminophen"), status: "unknown"));

        Assert.Equal(2, timeline.Issues.Count);
        Assert.All(timeline.Issues, i => Assert.Null(i.CarTRecord));
    }

    [Fact]
    public void Read_AnotherPatientsCarTAdministration_IsNoCarTRecord()
    {
        var ma = CarT("cart", "unknown");
        ma.Subject = Fx.Subject("p2");

        var issue = Fx.Single(Fx.Read(ma));
        Assert.Equal(DataIssueReasons.OtherPatient, issue.Reason);
        Assert.Null(issue.CarTRecord);
    }

    [Fact]
    public void Read_CarTAdministrationAfterTheRequest_IsTimeAfterRequestAndNoCarTRecord()
    {
        var issue = Fx.Single(Fx.Read(CarT("cart", at: Fx.AsOf.AddHours(2))));
        Assert.Equal(DataIssueReasons.TimeAfterRequest, issue.Reason);
        Assert.Null(issue.CarTRecord);
    }

    [Theory]
    [InlineData("stopped", true)]
    [InlineData("unknown", true)]
    [InlineData(null, true)]
    [InlineData("not-done", false)]
    [InlineData("on-hold", false)]
    [InlineData("entered-in-error", false)]
    [InlineData("preparation", false)]
    public void Read_CarTProcedureWithAStatusNotAccepted_IsACarTRecordUnlessItWasNotGiven(string? status, bool carT)
    {
        var procedure = Fx.Proc("proc", Fx.Text("CAR-T cell infusion"), new FhirDateTime(Infused), status ?? "completed");
        if (status is null) procedure.StatusElement = null!;

        var issue = Fx.Single(Fx.Read(procedure));
        Assert.Equal(DataIssueReasons.StatusNotUsable, issue.Reason);
        Assert.Equal(carT ? new UnusableCarTRecord("Procedure", Infused) : null, issue.CarTRecord);
    }

    [Fact]
    public void Read_CarTProcedureWithoutATime_IsACarTRecord_ALeukapheresisIsNot()
    {
        var infusion = Fx.Proc("proc", Fx.Text("CAR-T cell infusion"));
        infusion.Performed = null!;
        var apheresis = Fx.Proc("aph", Fx.Text("Leukapheresis for CAR-T manufacturing"));
        apheresis.Performed = null!;

        var timeline = Fx.Read(infusion, apheresis);
        Assert.Equal(new UnusableCarTRecord("Procedure", null), timeline.Issues.Single(i => i.Resource == "Procedure/proc").CarTRecord);
        Assert.Null(timeline.Issues.Single(i => i.Resource == "Procedure/aph").CarTRecord);
    }

    private static MedicationAdministration CarT(string id, string status = "completed", DateTimeOffset? at = null) =>
        Fx.Admin(id, new CodeableConcept { Text = "tisagenlecleucel (Kymriah)" }, at ?? Infused, status);
}
