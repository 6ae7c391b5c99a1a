using CrsCdsHooks.Core.Cards;
using CrsCdsHooks.Core.Fhir;
using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Terminology;
using CrsCdsHooks.Core.Timeline;

using Hl7.Fhir.Model;

namespace CrsCdsHooks.Core.Tests.Fhir;

public sealed class StatusRulesTests
{
    [Theory]
    [InlineData("final", true)]
    [InlineData("amended", true)]
    [InlineData("corrected", true)]
    [InlineData("preliminary", true)]
    [InlineData("registered", false)]
    [InlineData("cancelled", false)]
    [InlineData("entered-in-error", false)]
    [InlineData("unknown", false)]
    public void Read_ObservationStatus(string status, bool accepted)
    {
        var observation = Fx.Temp("t", 38.2m, "Cel");
        observation.StatusElement = new Code<ObservationStatus> { JsonValue = status };
        var timeline = Fx.Read(observation);
        Assert.Equal(accepted, timeline.Temperatures.Count == 1);
        if (!accepted) Assert.Equal(DataIssueReasons.StatusNotUsable, Fx.Single(timeline).Reason);
    }

    [Fact]
    public void Read_ObservationWithoutStatus_IsNotUsed()
    {
        var observation = Fx.Temp("t", 38.2m, "Cel");
        observation.StatusElement = null!;
        Assert.Equal(DataIssueReasons.StatusNotUsable, Fx.Single(Fx.Read(observation)).Reason);
    }

    [Theory]
    [InlineData("completed", true)]
    [InlineData("in-progress", true)]
    [InlineData("preparation", false)]
    [InlineData("not-done", false)]
    [InlineData("stopped", false)]
    [InlineData("entered-in-error", false)]
    [InlineData("on-hold", false)]
    [InlineData("unknown", false)]
    public void Read_ProcedureStatus(string status, bool accepted)
    {
        var timeline = Fx.Read(Fx.Proc("p", Fx.Sct(Snomed.Cpap), status: status));
        Assert.Equal(accepted, timeline.Oxygen.Count == 1);
        if (!accepted) Assert.Equal(DataIssueReasons.StatusNotUsable, Fx.Single(timeline).Reason);
    }

    [Theory]
    [InlineData("active", "confirmed", true)]
    [InlineData("recurrence", "provisional", true)]
    [InlineData("relapse", "unconfirmed", true)]
    [InlineData(null, null, true)]
    [InlineData("active", "differential", true)]
    [InlineData("inactive", "confirmed", false)]
    [InlineData("remission", "confirmed", false)]
    [InlineData("resolved", "confirmed", false)]
    [InlineData("active", "refuted", false)]
    [InlineData("active", "entered-in-error", false)]
    public void Read_ConditionStatus(string? clinical, string? verification, bool accepted)
    {
        var timeline = Fx.Read(Fx.Cond("c", Fx.Sct(Snomed.Sepsis, "Sepsis"), clinical, verification));
        Assert.Equal(accepted, timeline.Findings.Count == 1);
        if (!accepted) Assert.Equal(DataIssueReasons.NotActive, Fx.Single(timeline).Reason);
    }

    [Theory]
    [InlineData("active", null, true)]
    [InlineData(null, "confirmed", true)]
    [InlineData("inactive", null, false)]
    [InlineData("resolved", null, false)]
    [InlineData("active", "refuted", false)]
    [InlineData("active", "entered-in-error", false)]
    public void Read_AllergyStatus(string? clinical, string? verification, bool accepted)
    {
        var allergy = new AllergyIntolerance
        {
            Id = "a",
            Patient = Fx.Subject(),
            Code = Fx.RxNorm("7980", "penicillin G"),
            ClinicalStatus = clinical is null ? null : new CodeableConcept("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", clinical),
            VerificationStatus = verification is null ? null : new CodeableConcept("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", verification),
        };
        var timeline = Fx.Read(allergy);
        Assert.Equal(accepted, timeline.Allergies.Count == 1);
        if (!accepted) Assert.Equal(DataIssueReasons.NotActive, Fx.Single(timeline).Reason);
    }
}

public sealed class TimeRulesTests
{
    [Theory]
    [InlineData(0, true)]
    [InlineData(300, true)]
    [InlineData(301, false)]
    [InlineData(86400, false)]
    public void Read_DataTimedAfterTheRequest_AcceptedUpToFiveMinutes(int secondsAfterAsOf, bool accepted)
    {
        var timeline = Fx.Read(Fx.Temp("t", 38.5m, "Cel", Fx.AsOf.AddSeconds(secondsAfterAsOf)));
        Assert.Equal(accepted, timeline.Temperatures.Count == 1);
        if (!accepted) Assert.Equal(DataIssueReasons.TimeAfterRequest, Fx.Single(timeline).Reason);
    }

    [Theory]
    [InlineData("2026-03-10")]
    [InlineData("2026-03")]
    [InlineData("2026")]
    [InlineData("2026-03-10T09:00:00")]
    [InlineData("2026-13-45")]
    [InlineData("2026-02-30T10:00:00Z")]
    [InlineData("yesterday")]
    [InlineData("")]
    public void Read_ObservationWithoutAnInstant_HasNoUsableTime(string literal)
    {
        var observation = Fx.Temp("t", 38.5m, "Cel");
        observation.Effective = new FhirDateTime { JsonValue = literal };
        var timeline = Fx.Read(observation);
        Assert.Empty(timeline.Temperatures);
        Assert.Equal(DataIssueReasons.NoUsableTime, Fx.Single(timeline).Reason);
    }

    [Fact]
    public void Read_TimeZoneOffsets_AreRespected()
    {
        var west = Fx.Temp("w", 38.5m, "Cel");
        west.Effective = new FhirDateTime { JsonValue = "2026-03-10T05:30:00-05:00" };
        var east = Fx.Temp("e", 38.5m, "Cel");
        east.Effective = new FhirDateTime { JsonValue = "2026-03-10T14:06:00+02:00" }; // 12:06Z: 6 minutes after asOf
        var timeline = Fx.Read(west, east);
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 10, 30, 0, TimeSpan.Zero), Assert.Single(timeline.Temperatures).Time.ToUniversalTime());
        Assert.Equal(("Observation/e", DataIssueReasons.TimeAfterRequest), (Fx.Single(timeline).Resource, Fx.Single(timeline).Reason));
    }

    [Fact]
    public void Read_EffectiveInstantAndPeriodStart_AreUsed()
    {
        var instant = Fx.Temp("a", 38.5m, "Cel");
        instant.Effective = new Instant(Fx.T);
        var period = Fx.Temp("b", 38.6m, "Cel");
        period.Effective = new Period { Start = Fx.Iso(Fx.T.AddMinutes(-30)), End = Fx.Iso(Fx.T) };
        var timeline = Fx.Read(instant, period);
        Assert.Equal([Fx.T.AddMinutes(-30), Fx.T], timeline.Temperatures.Select(t => t.Time));
    }

    [Fact]
    public void Read_NoEffectiveTime_HasNoUsableTime()
    {
        var observation = Fx.Temp("t", 38.5m, "Cel");
        observation.Effective = null;
        Assert.Equal(DataIssueReasons.NoUsableTime, Fx.Single(Fx.Read(observation)).Reason);
    }

    [Fact]
    public void Read_ConditionWithDateOnlyOnset_IsAtTheStartOfThatDay()
    {
        var condition = Fx.Cond("c", Fx.Sct(Snomed.Bacteremia));
        condition.Onset = new FhirDateTime("2026-03-09");
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 0, 0, 0, TimeSpan.Zero), Assert.Single(Fx.Read(condition).Findings).Time);
    }

    [Fact]
    public void Read_ConditionWithoutOnset_UsesRecordedDate()
    {
        var condition = Fx.Cond("c", Fx.Sct(Snomed.Bacteremia));
        condition.Onset = null;
        condition.RecordedDate = Fx.Iso(Fx.T.AddHours(-3));
        Assert.Equal(Fx.T.AddHours(-3), Assert.Single(Fx.Read(condition).Findings).Time);
    }

    [Fact]
    public void Read_Lists_AreSortedByTime()
    {
        var timeline = Fx.Read(Fx.Temp("late", 38.1m, "Cel", Fx.T), Fx.Temp("early", 38.2m, "Cel", Fx.T.AddHours(-5)));
        Assert.Equal(["Observation/early", "Observation/late"], timeline.Temperatures.Select(t => t.Source));
    }
}

public sealed class SubjectRulesTests
{
    [Theory]
    [InlineData("Patient/p2")]
    [InlineData("https://ehr.example/fhir/Patient/p2")]
    [InlineData("Patient/p2/_history/3")]
    [InlineData("https://ehr.example/fhir/Patient/p2/_history/1")]
    [InlineData("Group/g1")]
    [InlineData("Device/d1")]
    [InlineData("p2")]
    [InlineData("Patient/P1")]
    public void Read_SubjectNamingAnotherPatient_IsOtherPatient(string reference)
    {
        var observation = Fx.Temp("t", 38.5m, "Cel");
        observation.Subject = new ResourceReference(reference);
        var timeline = Fx.Read(observation);
        Assert.Empty(timeline.Temperatures);
        Assert.Equal(DataIssueReasons.OtherPatient, Fx.Single(timeline).Reason);
    }

    [Theory]
    [InlineData("Patient/p1")]
    [InlineData("https://ehr.example/fhir/Patient/p1")]
    [InlineData("Patient/p1/_history/7")]
    [InlineData("p1")]
    [InlineData("urn:uuid:unresolvable")]
    [InlineData("#contained")]
    public void Read_SubjectThisPatientOrUnresolvable_IsAccepted(string reference)
    {
        var observation = Fx.Temp("t", 38.5m, "Cel");
        observation.Subject = new ResourceReference(reference);
        Assert.Single(Fx.Read(observation).Temperatures);
    }

    [Fact]
    public void Read_AbsentOrIdentifierOnlySubject_IsAccepted()
    {
        var absent = Fx.Temp("a", 38.5m, "Cel");
        absent.Subject = null;
        var identifierOnly = Fx.Temp("b", 38.5m, "Cel");
        identifierOnly.Subject = new ResourceReference { Identifier = new Identifier("urn:mrn", "12345") };
        Assert.Equal(2, Fx.Read(absent, identifierOnly).Temperatures.Count);
    }

    [Fact]
    public void Read_UrnUuidNamingAnotherPatientEntry_IsOtherPatient()
    {
        var observation = Fx.Temp("t", 38.5m, "Cel");
        observation.Subject = new ResourceReference("urn:uuid:other");
        var bundle = new Bundle
        {
            Entry =
            [
                new Bundle.EntryComponent { FullUrl = "urn:uuid:other", Resource = new Patient { Id = "p2" } },
                new Bundle.EntryComponent { Resource = observation },
            ],
        };
        var timeline = Fx.Read(bundle);
        Assert.Empty(timeline.Temperatures);
        Fx.HasIssue(timeline, "Observation/t", DataIssueReasons.OtherPatient);
        Fx.HasIssue(timeline, "Patient/p2", DataIssueReasons.OtherPatient);
    }

    [Fact]
    public void Read_EveryResourceTypeChecksItsSubject()
    {
        var other = new ResourceReference("Patient/p2");
        var administration = Fx.Admin("ma", Fx.Text("norepinephrine"));
        administration.Subject = other;
        var procedure = Fx.Proc("pr", Fx.Sct(Snomed.Cpap));
        procedure.Subject = other;
        var condition = Fx.Cond("c", Fx.Sct(Snomed.Sepsis));
        condition.Subject = other;
        var allergy = new AllergyIntolerance { Id = "al", Patient = other, Code = Fx.Text("penicillin") };
        var timeline = Fx.Read(administration, procedure, condition, allergy);
        Assert.Equal(4, timeline.Issues.Count(i => i.Reason == DataIssueReasons.OtherPatient));
        Assert.Empty(timeline.Drugs);
        Assert.Empty(timeline.Oxygen);
        Assert.Empty(timeline.Findings);
        Assert.Empty(timeline.Allergies);
    }
}

public sealed class PatientAndInputRulesTests
{
    [Theory]
    [InlineData("1990", 1990, 1, 1)]
    [InlineData("1990-07", 1990, 7, 1)]
    [InlineData("1990-07-15", 1990, 7, 15)]
    public void Read_PartialBirthDate_TakesTheEarliestDay(string birthDate, int year, int month, int day)
    {
        var timeline = Fx.Read(new Patient { Id = Fx.PatientId, BirthDate = birthDate });
        Assert.Equal(new PatientFacts("Patient/p1", new DateOnly(year, month, day)), timeline.Patient);
        Assert.Empty(timeline.Issues);
    }

    [Theory]
    [InlineData("1990-13-01", DataIssueReasons.NoValue)]
    [InlineData("2027-01-01", DataIssueReasons.ImplausibleValue)]
    public void Read_UnusableBirthDate_IsReportedAndThePatientKept(string birthDate, string reason)
    {
        var patient = new Patient { Id = Fx.PatientId };
        patient.BirthDateElement = new Date { JsonValue = birthDate };
        var timeline = Fx.Read(patient);
        Assert.Equal(new PatientFacts("Patient/p1", null), timeline.Patient);
        Assert.Equal(reason, Fx.Single(timeline).Reason);
    }

    [Fact]
    public void Read_PatientWithoutBirthDate_IsKeptAndReportedAsBirthDateMissing()
    {
        var timeline = Fx.Read(new Patient { Id = Fx.PatientId });
        Assert.Equal(new PatientFacts("Patient/p1", null), timeline.Patient);
        var issue = Fx.Single(timeline);
        Assert.Equal(("Patient/p1", DataIssueReasons.BirthDateMissing), (issue.Resource, issue.Reason));
    }

    [Fact]
    public void Evaluate_PatientWithoutBirthDate_IsInDataIssuesAndStillGradedWithAdultThresholds()
    {
        Resource[] resources =
        [
            new Patient { Id = Fx.PatientId },
            Fx.Admin("cart", new CodeableConcept { Text = "Yescarta (axicabtagene ciloleucel)" }, Fx.AsOf.AddDays(-3)),
            Fx.Temp("fever", 38.5m, "Cel", Fx.AsOf.AddHours(-3)),
            Fx.Obs("sbp", Fx.Loinc(Loinc.SystolicPressure), Fx.Q(89, "mm[Hg]"), Fx.AsOf.AddHours(-2)),
        ];
        var evaluation = new CrsPatientView(new CrsOptions()).Evaluate(new PatientViewInput(Fx.PatientId, Fx.AsOf, resources, []), new SequentialCardIdSource());

        Assert.Equal(2, evaluation.Assessment.Current[GradingSystem.Astct2019].Grade);
        var extension = (CdsAssessmentExtension)evaluation.Response.Cards[0].Extension![AssessmentExtension.Key];
        Assert.Contains(new CdsDataIssueSummary("Patient/p1", DataIssueReasons.BirthDateMissing), extension.DataIssues);
        Assert.Contains("no birth date (the Patient is still used, with adult thresholds) (birth-date-missing, 1): Patient/p1", evaluation.Response.Cards[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AnotherPatient_IsOtherPatient()
    {
        var timeline = Fx.Read(new Patient { Id = "p2", BirthDate = "1950" });
        Assert.Equal(PatientFacts.Unknown, timeline.Patient);
        Assert.Equal(("Patient/p2", DataIssueReasons.OtherPatient), (Fx.Single(timeline).Resource, Fx.Single(timeline).Reason));
    }

    [Fact]
    public void Read_SameResourceTwice_TheSecondIsDuplicate()
    {
        var timeline = Fx.Read(Fx.Temp("t", 38.5m, "Cel"), Fx.Temp("t", 39.5m, "Cel"));
        Assert.Equal(38.5m, Assert.Single(timeline.Temperatures).Celsius);
        Assert.Equal(("Observation/t", DataIssueReasons.Duplicate), (Fx.Single(timeline).Resource, Fx.Single(timeline).Reason));
    }

    [Fact]
    public void Read_SameIdDifferentTypes_AreNotDuplicates()
    {
        var timeline = Fx.Read(Fx.Temp("x", 38.5m, "Cel"), Fx.Cond("x", Fx.Sct(Snomed.Urticaria)));
        Assert.Empty(timeline.Issues);
    }

    [Fact]
    public void Read_ResourcesWithoutId_AreNamedByPosition()
    {
        var unnamed = Fx.Temp("t", 38.5m, "Cel");
        unnamed.Id = null;
        var unknown = Fx.Obs("u", Fx.Loinc("2345-7", "Glucose"), Fx.Q(5, "mmol/L"));
        unknown.Id = null;
        var timeline = Fx.Read(Fx.Temp("a", 38.1m, "Cel"), unnamed, unknown);
        Assert.Contains(timeline.Temperatures, t => t.Source == "Observation/(no id)#1");
        Assert.Equal(("Observation/(no id)#2", DataIssueReasons.CodeNotRecognised), (Fx.Single(timeline).Resource, Fx.Single(timeline).Reason));
    }

    [Fact]
    public void Read_UnexpectedTypesAndNulls_AreReported()
    {
        var timeline = FhirTimelineReader.Read(Fx.PatientId, Fx.AsOf, [new OperationOutcome { Id = "oo" }, new Encounter { Id = "e" }, null!]);
        Assert.Equal(
            [("OperationOutcome/oo", DataIssueReasons.UnexpectedResourceType), ("Encounter/e", DataIssueReasons.UnexpectedResourceType), ("(null)#2", DataIssueReasons.NotValidFhir)],
            timeline.Issues.Select(i => (i.Resource, i.Reason)));
    }

    [Fact]
    public void Read_BundlesAreUnpacked()
    {
        var inner = new Bundle { Entry = [new Bundle.EntryComponent { Resource = Fx.Temp("t2", 38.6m, "Cel") }] };
        var outer = new Bundle { Entry = [new Bundle.EntryComponent { Resource = Fx.Temp("t1", 38.5m, "Cel") }, new Bundle.EntryComponent { Resource = inner }] };
        Assert.Equal(2, Fx.Read(outer).Temperatures.Count);
    }

    [Fact]
    public void Read_NullArguments_AreProgrammingErrors()
    {
        Assert.Throws<ArgumentNullException>(() => FhirTimelineReader.Read(null!, Fx.AsOf, []));
        Assert.Throws<ArgumentException>(() => FhirTimelineReader.Read(" ", Fx.AsOf, []));
        Assert.Throws<ArgumentNullException>(() => FhirTimelineReader.Read("p1", Fx.AsOf, null!));
    }
}
