using System.Text.Json.Nodes;

using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace CrsCdsHooks.Core.Tests.Management;

/// <summary>The strict re-parse really rejects invalid resources (so passing it means something).</summary>
public sealed class FhirAssertTests
{
    [Theory]
    [InlineData("""{"resourceType":"MedicationRequest","intent":"proposal","medicationCodeableConcept":{"text":"x"},"subject":{"reference":"Patient/p1"}}""")] // no status
    [InlineData("""{"resourceType":"MedicationRequest","status":"draft","intent":"suggestion","medicationCodeableConcept":{"text":"x"},"subject":{"reference":"Patient/p1"}}""")] // bad code
    [InlineData("""{"resourceType":"ServiceRequest","status":"draft","intent":"proposal","subject":{"reference":"Patient/p1"},"unknownElement":1}""")]
    [InlineData("""{"resourceType":"Condition","subject":{"reference":"Patient/p1"},"recordedDate":"yesterday"}""")]
    public void StrictDeserializer_RejectsInvalidResources(string json)
    {
        Assert.Throws<DeserializationFailedException>(() => FhirJsonDeserializer.STRICT.DeserializeResource(json));
    }

    [Fact]
    public void StrictDeserializer_AcceptsAMinimalValidRequest()
    {
        var node = JsonNode.Parse("""{"resourceType":"ServiceRequest","status":"draft","intent":"proposal","subject":{"reference":"Patient/p1"}}""");
        Assert.IsType<ServiceRequest>(FhirAssert.ValidR4<ServiceRequest>(node));
    }
}
