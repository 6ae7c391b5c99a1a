using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

using CrsCdsHooks.Core.Fhir;
using CrsCdsHooks.Core.Tests.Architecture;

using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace CrsCdsHooks.Core.Tests.Fhir;

/// <summary>
/// The fast path may only ever say "this is clean, and here is exactly what strict Firely would have built":
/// a differential test against the strict deserializer over every resource of every sample and thousands of
/// mutations of them (wrong types, empty or odd literals, impossible dates, unknown or repeated members, missing
/// required members…). Whatever the fast path accepts, strict Firely must accept without a single error and
/// build identically; everything else must be left to the strict path.
/// </summary>
public sealed class CleanResourceJsonTests
{
    private static readonly FhirJsonDeserializer Strict = new();

    private static readonly string SamplesDir = Path.Combine(CorePurityTests.RepoRoot(), "fhir-samples");

    /// <summary>Every resource of every sample (prefetched resources and Bundle entries), as JSON text.</summary>
    private static List<string> SampleResources()
    {
        var resources = new List<string>();
        foreach (var file in Directory.GetFiles(SamplesDir, "*.json").Where(f => !f.EndsWith("expected.json", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var root = JsonNode.Parse(File.ReadAllText(file))!;
            if (root["prefetch"] is not JsonObject prefetch) continue;
            foreach (var (_, value) in prefetch)
            {
                if (value is not JsonObject resource) continue;
                if (resource["resourceType"]?.GetValue<string>() != "Bundle")
                {
                    resources.Add(resource.ToJsonString());
                    continue;
                }
                foreach (var entry in resource["entry"]?.AsArray() ?? [])
                {
                    if (entry?["resource"] is JsonObject r) resources.Add(r.ToJsonString());
                }
            }
        }
        return resources;
    }

    /// <summary>The contract: accepted ⇒ strict reports nothing and builds the same resource. Returns whether accepted.</summary>
    private static bool AssertContract(string json)
    {
        using var document = JsonDocument.Parse(json);
        var clean = CleanResourceJson.TryRead(document.RootElement);
        if (clean is null) return false;
        var reader = new Utf8JsonReader(JsonMarshal.GetRawUtf8Value(document.RootElement));
        var strictClean = Strict.TryDeserializeResource(ref reader, out var strict, out var errors);
        Assert.True(strictClean, $"accepted, but strict Firely reports: {string.Join(" | ", errors.Select(e => e.Message))}\n{json}");
        Assert.True(FirelyEquivalence.AreIdentical(strict, clean, out var difference), $"accepted, but built differently: {difference}\n{json}");
        return true;
    }

    [Fact]
    public void TryRead_EverySampleResource_IsCleanAndIdenticalOrLeftToStrict()
    {
        var resources = SampleResources();
        var accepted = resources.Count(AssertContract);

        // The samples are mostly clean Observations and MedicationAdministrations: the fast path must take most of
        // them, or it buys nothing (noise-data-issues and the other broken entries must be left to strict).
        var eligible = resources.Count(r => r.Contains("\"resourceType\":\"Observation\"", StringComparison.Ordinal)
                                            || r.Contains("\"resourceType\":\"MedicationAdministration\"", StringComparison.Ordinal));
        Assert.True(accepted >= eligible * 0.9, $"the fast path took {accepted} of {eligible} Observations and MedicationAdministrations");
    }

    [Fact]
    public void TryRead_MutatedSampleResources_NeverAcceptWhatStrictRejects()
    {
        var shapes = SampleResources()
            .Where(r => r.Contains("\"resourceType\":\"Observation\"", StringComparison.Ordinal)
                        || r.Contains("\"resourceType\":\"MedicationAdministration\"", StringComparison.Ordinal))
            .GroupBy(Shape, StringComparer.Ordinal)
            .Select(g => g.First())
            .ToList();
        Assert.True(shapes.Count >= 10, $"only {shapes.Count} distinct shapes in the samples");

        var mutations = 0;
        var accepted = 0;
        foreach (var json in shapes)
        {
            foreach (var mutated in Mutations(json))
            {
                mutations++;
                if (AssertContract(mutated)) accepted++;
            }
        }
        Assert.True(mutations > 2000, $"only {mutations} mutations");
        Assert.True(accepted > 0 && accepted < mutations, $"{accepted} of {mutations} mutations accepted: the test must exercise both paths");
    }

    [Theory]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/1"},"effectiveDateTime":"2025-02-30T10:00:00Z"}""")]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"effectiveDateTime":"2025-02-03T24:00:00Z"}""")]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"effectiveDateTime":"2025-02-03T10:00:00"}""")]
    [InlineData("""{"resourceType":"Observation","status":"finished","code":{"text":"x"}}""")]
    [InlineData("""{"resourceType":"Observation","status":"final"}""")]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"coding":[{"code":"a  b"}]}}""")]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://x y"}]}}""")]
    [InlineData("""{"resourceType":"Observation","id":"a_b","status":"final","code":{"text":"x"}}""")]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":1e400}}""")]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"text":""}}""")]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{}}""")]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"category":[]}""")]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"_status":{"id":"s"}}""")]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"component":[{"valueQuantity":{"value":1}}]}""")]
    [InlineData("""{"resourceType":"MedicationAdministration","status":"completed","medicationCodeableConcept":{"text":"x"},"subject":{"reference":"Patient/1"}}""")]
    [InlineData("""{"resourceType":"Observation","status":"final","status":"final","code":{"text":"x"}}""")]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueString":"a","valueQuantity":{"value":1}}""")]
    public void TryRead_WhatStrictRejects_IsLeftToStrict(string json)
    {
        using var document = JsonDocument.Parse(json);
        Assert.Null(CleanResourceJson.TryRead(document.RootElement));
    }

    [Fact]
    public void IsDateTime_EveryAcceptedLiteral_IsAValidFhirDateTimeAndInstant()
    {
        var random = new Random(20261125);
        for (var i = 0; i < 5000; i++)
        {
            var s = RandomDateTime(random);
            if (CleanResourceJson.IsDateTime(s, instant: false)) Assert.True(FhirDateTime.IsValidValue(s), s);
            if (CleanResourceJson.IsDateTime(s, instant: true)) Assert.True(Instant.IsValidValue(s), s);
        }
        Assert.True(CleanResourceJson.IsDateTime("2026-11-25T10:03:00Z", instant: true));
        Assert.True(CleanResourceJson.IsDateTime("2024-02-29T23:59:59.123+14:00", instant: true));
        Assert.True(CleanResourceJson.IsDateTime("2026-11-25", instant: false));
        Assert.False(CleanResourceJson.IsDateTime("2026-11-25", instant: true));
        Assert.False(CleanResourceJson.IsDateTime("2025-02-29T10:00:00Z", instant: false));
        Assert.False(CleanResourceJson.IsDateTime("2025-02-03T10:00:60Z", instant: false));
        Assert.False(CleanResourceJson.IsDateTime("2025-02-03T10:00:00+14:30", instant: false));
    }

    [Fact]
    public void IsId_AgreesWithFirely()
    {
        var random = new Random(7);
        const string alphabet = "aZ09-._ /é";
        for (var i = 0; i < 5000; i++)
        {
            var length = random.Next(0, 70);
            var s = new string([.. Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            Assert.True(CleanResourceJson.IsId(s) == Id.IsValidValue(s), $"'{s}'");
        }
    }

    [Fact]
    public void IsString_AgreesWithFirely()
    {
        var random = new Random(11);
        const string alphabet = "a \t\r\n\u0001\u00a0\u2028\f\v\u0000é😀";
        for (var i = 0; i < 5000; i++)
        {
            var length = random.Next(0, 12);
            var s = new string([.. Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            Assert.True(CleanResourceJson.IsString(s) == FhirString.IsValidValue(s), $"'{s}'");
        }
        foreach (var length in new[] { 1024 * 1024 - 1, 1024 * 1024, 1024 * 1024 + 1 })
        {
            var s = new string('x', length);
            Assert.Equal(FhirString.IsValidValue(s), CleanResourceJson.IsString(s));
        }
    }

    /// <summary>Date-like strings near and across the subset's edges.</summary>
    private static string RandomDateTime(Random r)
    {
        string Pick(params string[] options) => options[r.Next(options.Length)];
        var year = Pick("2026", "2024", "1000", "0999", "9999", "0000", "20x6");
        var month = Pick("01", "02", "12", "13", "00", "1");
        var day = Pick("01", "28", "29", "30", "31", "32", "00");
        var time = Pick("", "T00:00:00", "T23:59:59", "T24:00:00", "T10:60:00", "T10:00:60", "T10:00", "T10:00:00.1", "T10:00:00.123", "T10:00:00.1234", "T10:00:00.");
        var zone = time.Length == 0 ? Pick("", "", "Z") : Pick("Z", "+00:00", "-05:30", "+13:59", "+14:00", "+14:01", "+15:00", "", "z", "+0100");
        return $"{year}-{month}-{day}{time}{zone}";
    }

    /// <summary>The member names of a resource and its nested objects: one representative per distinct structure.</summary>
    private static string Shape(string json)
    {
        var names = new List<string>();
        void Walk(JsonNode? node, string path)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (k, v) in o) Walk(v, $"{path}.{k}");
                    break;
                case JsonArray a:
                    foreach (var v in a) Walk(v, path + "[]");
                    break;
                default:
                    names.Add(path);
                    break;
            }
        }
        Walk(JsonNode.Parse(json), "");
        return string.Join("|", names.Distinct(StringComparer.Ordinal));
    }

    private static readonly JsonNode?[] OddValues =
    [
        JsonValue.Create(""), JsonValue.Create(" "), JsonValue.Create("a  b"), JsonValue.Create("\u00a0"), JsonValue.Create("x\ty"),
        JsonValue.Create(5), JsonValue.Create(1e2), JsonValue.Create(-0.0m), JsonValue.Create(true), null, new JsonObject(), new JsonArray(),
        JsonValue.Create("2025-02-30T10:00:00Z"), JsonValue.Create("2025-02-03T24:00:00Z"), JsonValue.Create("2025-02-03T10:00"),
        JsonValue.Create("2025-02-03"), JsonValue.Create("a_b"), JsonValue.Create("http://x y"), JsonValue.Create("final"), JsonValue.Create("38.4"),
        JsonValue.Create("urn:uuid:0f1e2d3c-4b5a-4697-8877-665544332211"), JsonValue.Create("Patient/x"),
    ];

    /// <summary>Every leaf replaced by each odd value; every member removed; every object given an unknown member, an
    /// extension and a primitive extension; arrays emptied, unwrapped and given a null; objects wrapped in arrays.</summary>
    private static IEnumerable<string> Mutations(string json)
    {
        var paths = new List<(JsonNode Parent, object Key)>();
        void Collect(JsonNode node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (k, v) in o)
                    {
                        paths.Add((o, k));
                        if (v is not null) Collect(v);
                    }
                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        paths.Add((a, i));
                        if (a[i] is { } v) Collect(v);
                    }
                    break;
            }
        }
        Collect(JsonNode.Parse(json)!);

        for (var p = 0; p < paths.Count; p++)
        {
            foreach (var odd in OddValues)
                yield return Mutate(json, p, (_, _) => odd?.DeepClone());
            yield return Mutate(json, p, (_, current) => current is JsonArray a ? (a.Count > 0 ? a[0]?.DeepClone() : null) : new JsonArray(current?.DeepClone()));
            yield return Mutate(json, p, (_, current) => current is JsonArray a ? new JsonArray([.. a.Select(x => x?.DeepClone()), null]) : current?.DeepClone());
            yield return Remove(json, p);
        }

        var root = JsonNode.Parse(json)!.AsObject();
        foreach (var (name, value) in root.ToList())
        {
            if (name == "resourceType") continue;
            var withUnderscore = JsonNode.Parse(json)!.AsObject();
            withUnderscore["_" + name] = new JsonObject { ["id"] = "x" };
            yield return withUnderscore.ToJsonString();
        }
        foreach (var extra in new[] { "extension", "modifierExtension", "text", "note", "performer", "unknownMember", "contained", "identifier" })
        {
            var withExtra = JsonNode.Parse(json)!.AsObject();
            withExtra[extra] = extra switch
            {
                "extension" or "modifierExtension" => new JsonArray(new JsonObject { ["url"] = "http://example.org/x", ["valueString"] = "y" }),
                "text" => new JsonObject { ["status"] = "generated", ["div"] = "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>" },
                "note" => new JsonArray(new JsonObject { ["text"] = "x" }),
                "performer" => new JsonArray(new JsonObject { ["reference"] = "Practitioner/1" }),
                "contained" => new JsonArray(new JsonObject { ["resourceType"] = "Medication", ["id"] = "m" }),
                "identifier" => new JsonArray(new JsonObject { ["value"] = "1" }),
                _ => 1,
            };
            yield return withExtra.ToJsonString();
        }
        // A repeated member (JsonNode cannot hold one: splice the text).
        yield return "{\"status\":\"final\"," + json[1..];
        yield return json[..^1] + ",\"id\":\"again\"}";
    }

    private static string Mutate(string json, int index, Func<object, JsonNode?, JsonNode?> replace)
    {
        var (parent, key) = Locate(JsonNode.Parse(json)!, index);
        if (parent is JsonObject o) o[(string)key] = replace(key, o[(string)key]);
        else if (parent is JsonArray a) a[(int)key] = replace(key, a[(int)key]);
        return parent.Root.ToJsonString();
    }

    private static string Remove(string json, int index)
    {
        var (parent, key) = Locate(JsonNode.Parse(json)!, index);
        if (parent is JsonObject o) o.Remove((string)key);
        else if (parent is JsonArray a) a.RemoveAt((int)key);
        return parent.Root.ToJsonString();
    }

    private static (JsonNode Parent, object Key) Locate(JsonNode root, int index)
    {
        var i = 0;
        (JsonNode, object)? found = null;
        void Walk(JsonNode node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (k, v) in o)
                    {
                        if (i++ == index) found = (o, k);
                        if (v is not null) Walk(v);
                    }
                    break;
                case JsonArray a:
                    for (var j = 0; j < a.Count; j++)
                    {
                        if (i++ == index) found = (a, j);
                        if (a[j] is { } v) Walk(v);
                    }
                    break;
            }
        }
        Walk(root);
        return found ?? throw new InvalidOperationException($"no path {index}");
    }
}
