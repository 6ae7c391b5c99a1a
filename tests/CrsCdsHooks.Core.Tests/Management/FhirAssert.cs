using System.Text.Json.Nodes;

using CrsCdsHooks.Core.CdsHooks;

using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace CrsCdsHooks.Core.Tests.Management;

/// <summary>Re-parses suggestion resources with Firely's strict deserializer: they must be valid FHIR R4.</summary>
internal static class FhirAssert
{
    /// <summary>Parses the JSON strictly (throws with every issue when invalid) and returns the resource.</summary>
    public static T ValidR4<T>(JsonNode? json) where T : Resource
    {
        Assert.NotNull(json);
        var text = json.ToJsonString();
        Resource resource;
        try
        {
            resource = FhirJsonDeserializer.STRICT.DeserializeResource(text);
        }
        catch (DeserializationFailedException ex)
        {
            Assert.Fail($"Not valid FHIR R4: {ex.Message}\n{text}");
            throw;
        }

        return Assert.IsAssignableFrom<T>(resource);
    }

    /// <summary>Every create action of every suggestion re-parses strictly; returns the resources.</summary>
    public static IReadOnlyList<Resource> AllValid(IEnumerable<CdsSuggestion> suggestions)
    {
        var list = new List<Resource>();
        foreach (var s in suggestions)
        {
            Assert.NotNull(s.Actions);
            Assert.NotEmpty(s.Actions);
            foreach (var a in s.Actions)
            {
                Assert.Equal("create", a.Type);
                Assert.False(string.IsNullOrWhiteSpace(a.Description));
                list.Add(ValidR4<Resource>(a.Resource));
            }
        }

        return list;
    }

    /// <summary>The one create action's resource of a suggestion, parsed strictly.</summary>
    public static T Single<T>(CdsSuggestion suggestion) where T : Resource =>
        ValidR4<T>(Assert.Single(suggestion.Actions!).Resource);
}
