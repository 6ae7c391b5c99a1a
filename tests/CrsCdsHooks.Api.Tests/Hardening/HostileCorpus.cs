using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

using CrsCdsHooks.Api.Tests.Infrastructure;

namespace CrsCdsHooks.Api.Tests.Hardening;

/// <summary>One hostile request and what its answer must show.</summary>
/// <param name="Class">The kind of damage ("truncated-json", "wrong-type", …): the figures are counted per class.</param>
/// <param name="Name">Sample and mutation, for the failure message.</param>
/// <param name="Path">The endpoint posted to.</param>
/// <param name="Content">Creates the body (a fresh one per send; large bodies are streamed, never held).</param>
/// <param name="Field">When set, a 4xx must name this field (it says what is wrong).</param>
/// <param name="Resource">When set, the prefetched resource that was damaged: a 200 must have used it or reported it.</param>
/// <param name="BareHttpError">Malformed at the HTTP level (e.g. a NUL in the path): Kestrel answers a bare 400 before the service sees it.</param>
/// <param name="Generated">A body of this many bytes generated while it is sent over a raw socket (chunked or with Content-Length).</param>
public sealed record HostileCase(string Class, string Name, string Path, Func<HttpContent> Content, string? Field = null, DamagedResource? Resource = null, bool BareHttpError = false,
    (long Length, bool Chunked)? Generated = null)
{
    /// <summary>Beyond a size limit (100 MB bodies, 100,000-entry Bundles, megabyte strings): these come last in the corpus.</summary>
    public bool IsHuge => Class.StartsWith("huge-", StringComparison.Ordinal);

    public override string ToString() => $"[{Class}] {Name}";
}

/// <summary>A damaged resource: its original id and where it sat in the prefetch ("prefetch/vitalSigns/entry[3]").</summary>
public sealed record DamagedResource(string Sample, string Id, string Location, bool IdDamaged);

/// <summary>
/// Generates the hostile corpus from the samples in fhir-samples/: every request is one sample (or the README's
/// feedback body) damaged in one way — truncated, wrong JSON types at every field of the request and at random
/// fields of the resources, invalid UTF-8, lone surrogates, duplicate keys, out-of-range numbers, deep nesting,
/// huge bodies, prefetch keys holding the wrong resources, 100,000-entry Bundles, impossible and zone-less dates,
/// empty strings, unknown resourceTypes. Deterministic: the same cases in the same order on every run.
/// </summary>
public static class HostileCorpus
{
    public const string FeedbackPath = ApiHost.ServicePath + "/feedback";

    private static readonly string[] PrefetchKeys = ["patient", "vitalSigns", "laboratory", "medicationAdministrations", "procedures", "conditions", "allergies"];

    private static readonly string[] BadDates =
    [
        "2026-13-45", "2025-06-15T10:00:00", "2025-02-30", "2025-06-15T25:61:00Z", "0000-00-00", "yesterday",
        "2025-06-15T10:00:00+25:00", "99999-01-01", "2025-06-15 10:00", "", "2025-06-15T10:00:00.123456789012Z", "-2025-06-15",
    ];

    private static readonly string[] UnknownTypes = ["Observaton", "", "Parameters", "DomainResource", "observation", "Resource", "Bundle", "<script>", "Patient/1"];

    private static readonly string[] HugeNumbers = ["1e309", "-1e309", "1e-400", "123456789012345678901234567890123456789", "0.00000000000000000000000000000000001", "-0", "9223372036854775808", "1E+2"];

    /// <summary>The samples that are hook requests, by file name.</summary>
    public static IReadOnlyList<(string Name, JsonObject Request)> Samples { get; } = LoadSamples();

    public static IEnumerable<HostileCase> All()
    {
        foreach (var c in WholeBody()) yield return c;
        foreach (var c in RequestFields()) yield return c;
        foreach (var c in FeedbackFields()) yield return c;
        foreach (var (name, request) in Samples)
        {
            foreach (var c in PerSample(name, request)) yield return c;
        }
        foreach (var c in Huge()) yield return c;
    }

    // ---- whole bodies: not JSON, not an object, wrong media type, nesting ----

    private static IEnumerable<HostileCase> WholeBody()
    {
        var sample = Samples[0].Request.ToJsonString();
        (string Name, string Body)[] bodies =
        [
            ("empty", ""), ("whitespace", "   \n\t "), ("null", "null"), ("array", "[]"), ("number", "42"), ("string", "\"patient-view\""),
            ("true", "true"), ("empty object", "{}"), ("open brace", "{"), ("close brace", "}"), ("trailing garbage", sample + " x"),
            ("two objects", sample + sample), ("comment", "/* c */" + sample), ("single quotes", "{'hook':'patient-view'}"),
            ("NaN", "{\"hook\": NaN}"), ("trailing comma", "{\"hook\":\"patient-view\",}"), ("unquoted key", "{hook:\"patient-view\"}"),
            ("control character in string", "{\"hook\":\"patient\u0001view\"}"), ("BOM", "\uFEFF" + sample), ("NUL bytes", "\0\0\0\0"),
        ];
        foreach (var (name, body) in bodies)
            yield return new HostileCase("not-json", name, ApiHost.ServicePath, () => Json(body));
        yield return new HostileCase("not-json", "UTF-16 body", ApiHost.ServicePath, () => Bytes(Encoding.Unicode.GetBytes(sample), "application/json; charset=utf-16"));
        yield return new HostileCase("not-json", "feedback: truncated", FeedbackPath, () => Json(FeedbackBody().ToJsonString()[..40]));
        yield return new HostileCase("not-json", "feedback: array", FeedbackPath, () => Json("[]"));

        (string Name, string? Type)[] types = [("text/plain", "text/plain"), ("no content type", null), ("application/xml", "application/xml"), ("form", "application/x-www-form-urlencoded"), ("multipart", "multipart/form-data; boundary=x"), ("fhir+xml", "application/fhir+xml")];
        foreach (var (name, type) in types)
        {
            yield return new HostileCase("media-type", name, ApiHost.ServicePath, () => Bytes(Encoding.UTF8.GetBytes(sample), type), Field: "Content-Type");
            yield return new HostileCase("media-type", "feedback: " + name, FeedbackPath, () => Bytes(Encoding.UTF8.GetBytes(FeedbackBody().ToJsonString()), type), Field: "Content-Type");
        }

        foreach (var depth in new[] { 65, 200, 10_000 })
        {
            yield return new HostileCase("deep-nesting", $"{depth} nested arrays", ApiHost.ServicePath, () => Json(new string('[', depth) + new string(']', depth)), Field: "nesting");
            yield return new HostileCase("deep-nesting", $"{depth} nested objects in a prefetched resource", ApiHost.ServicePath, () =>
            {
                var text = Samples[1].Request.ToJsonString();
                var nested = string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
                return Json(text.Replace("\"resourceType\":\"Patient\"", "\"deep\":" + nested + ",\"resourceType\":\"Patient\"", StringComparison.Ordinal));
            }, Field: "nesting");
        }
        yield return new HostileCase("deep-nesting", "10000 nested arrays in feedback", FeedbackPath, () => Json("{\"feedback\":" + new string('[', 10_000) + new string(']', 10_000) + "}"), Field: "nesting");
    }

    // ---- every field of the request: wrong JSON types, empty strings, lone surrogates ----

    private static IEnumerable<HostileCase> RequestFields()
    {
        var (sampleName, sample) = Samples[2];
        var fields = new List<string>
        {
            "hook", "hookInstance", "context", "context.patientId", "context.userId", "context.encounterId", "fhirServer",
            "fhirAuthorization", "fhirAuthorization.access_token", "fhirAuthorization.token_type", "fhirAuthorization.expires_in",
            "fhirAuthorization.scope", "fhirAuthorization.subject", "fhirAuthorization.patient", "prefetch", "extension",
            "extension.crsCdsHooks\\.primarySystem",
        };
        fields.AddRange(PrefetchKeys.Select(k => "prefetch." + k));
        foreach (var field in fields)
        {
            foreach (var (kind, value) in WrongValues())
            {
                var request = WithAuthorization(sample);
                if (!TrySet(request, field, value, out var old) || SameKind(old, value)) continue;
                var body = request.ToJsonString();
                yield return new HostileCase("wrong-type", $"{sampleName}: {field} = {kind}", ApiHost.ServicePath, () => Json(body), Field: ErrorField(field, value));
            }
            var withEmpty = WithAuthorization(sample);
            if (TrySet(withEmpty, field, JsonValue.Create(""), out var before) && before is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            {
                var body = withEmpty.ToJsonString();
                yield return new HostileCase("empty-string", $"{sampleName}: {field} = \"\"", ApiHost.ServicePath, () => Json(body), Field: ErrorField(field, JsonValue.Create("")));
            }
            var withSurrogate = WithAuthorization(sample);
            if (TrySet(withSurrogate, field, JsonValue.Create(SurrogateMarker), out var old2) && old2 is JsonValue s && s.GetValueKind() == JsonValueKind.String)
            {
                var body = withSurrogate.ToJsonString().Replace($"\"{SurrogateMarker}\"", "\"\\uD800x\"", StringComparison.Ordinal);
                yield return new HostileCase("lone-surrogate", $"{sampleName}: {field} = \"\\uD800x\"", ApiHost.ServicePath, () => Json(body), Field: "unpaired UTF-16 surrogate");
            }
            var withDuplicate = WithAuthorization(sample);
            if (field.Contains('.', StringComparison.Ordinal) && !field.Contains('\\', StringComparison.Ordinal) && Get(withDuplicate, field) is { } present)
            {
                var text = withDuplicate.ToJsonString();
                var name = field[(field.LastIndexOf('.') + 1)..];
                var marker = $"\"{name}\":{present.ToJsonString()}";
                var at = text.IndexOf(marker, StringComparison.Ordinal);
                if (at >= 0)
                {
                    var body = text.Insert(at, marker + ",");
                    yield return new HostileCase("duplicate-key", $"{sampleName}: {field} twice", ApiHost.ServicePath, () => Json(body), Field: "twice");
                }
            }
        }
        yield return new HostileCase("duplicate-key", $"{sampleName}: hook twice", ApiHost.ServicePath,
            () => Json("{\"hook\":\"patient-view\"," + sample.ToJsonString()[1..]), Field: "twice");
        foreach (var number in HugeNumbers)
        {
            var body = WithAuthorization(sample).ToJsonString().Replace("\"expires_in\":300", $"\"expires_in\":{number}", StringComparison.Ordinal);
            yield return new HostileCase("extreme-number", $"{sampleName}: fhirAuthorization.expires_in = {number}", ApiHost.ServicePath, () => Json(body),
                Field: number is "-0" or "1E+2" ? null : "expires_in");
        }
        // A fhirServer that names somewhere the service must never call.
        foreach (var server in new[] { "file:///etc/passwd", "ftp://ehr.example.org/fhir", "http://user:pass@127.0.0.1/fhir", "http://127.0.0.1/fhir?x=1", "//ehr.example.org/fhir", "fhir", "http://[::1", "javascript:alert(1)" })
        {
            var request = WithAuthorization(sample);
            request["fhirServer"] = server;
            var body = request.ToJsonString();
            yield return new HostileCase("bad-url", $"{sampleName}: fhirServer = {server}", ApiHost.ServicePath, () => Json(body), Field: "fhirServer");
        }
        foreach (var id in new[] { "../../etc/passwd", "a b", new string('x', 65), "Patient/1", "ü", "%00" })
        {
            var request = sample.DeepClone().AsObject();
            request["context"]!["patientId"] = id;
            var body = request.ToJsonString();
            yield return new HostileCase("bad-id", $"{sampleName}: context.patientId = {id}", ApiHost.ServicePath, () => Json(body), Field: "context.patientId");
        }
        // Member names that are not valid Unicode (an unpaired surrogate escape), where the service enumerates members.
        var compact = sample.ToJsonString();
        (string Where, string Body)[] names =
        [
            ("top level", "{\"\\uD800\":1," + compact[1..]),
            ("context", compact.Replace("\"context\":{", "\"context\":{\"\\uDBFF\":\"x\",", StringComparison.Ordinal)),
            ("prefetch", compact.Replace("\"prefetch\":{", "\"prefetch\":{\"\\uD800\":null,", StringComparison.Ordinal)),
            ("a resource", compact.Replace("\"resourceType\":\"Observation\",", "\"resourceType\":\"Observation\",\"\\uDC00\":1,", StringComparison.Ordinal)),
            ("an entry", compact.Replace("{\"fullUrl\":", "{\"\\uD800\":1,\"fullUrl\":", StringComparison.Ordinal)),
        ];
        foreach (var (where, body) in names)
            yield return new HostileCase("lone-surrogate", $"{sampleName}: a member name in {where} is \"\\uD800\"", ApiHost.ServicePath, () => Json(body), Field: "unpaired UTF-16 surrogate");
        foreach (var service in new[] { "unknown", "crs-patient-view%00", new string('a', 300), "..%2F..%2Fhealth" })
            yield return new HostileCase("unknown-service", service.Length > 40 ? "long service id" : service, $"/cds-services/{service}", () => Json(sample.ToJsonString()),
                BareHttpError: service.Contains("%00", StringComparison.Ordinal));
    }

    private static IEnumerable<HostileCase> FeedbackFields()
    {
        string[] fields =
        [
            "feedback", "feedback[0]", "feedback[0].card", "feedback[0].outcome", "feedback[0].outcomeTimestamp",
            "feedback[0].acceptedSuggestions", "feedback[0].acceptedSuggestions[0]", "feedback[0].acceptedSuggestions[0].id",
            "feedback[1].overrideReason", "feedback[1].overrideReason.reason", "feedback[1].overrideReason.reason.code",
            "feedback[1].overrideReason.reason.system", "feedback[1].overrideReason.userComment",
        ];
        foreach (var field in fields)
        {
            foreach (var (kind, value) in WrongValues())
            {
                var body = FeedbackBody();
                if (!TrySet(body, field, value, out var old) || SameKind(old, value)) continue;
                var text = body.ToJsonString();
                yield return new HostileCase("wrong-type", $"feedback: {field} = {kind}", FeedbackPath, () => Json(text), Field: FeedbackErrorField(field, value));
            }
            var empty = FeedbackBody();
            if (TrySet(empty, field, JsonValue.Create(""), out var before) && before is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            {
                var text = empty.ToJsonString();
                yield return new HostileCase("empty-string", $"feedback: {field} = \"\"", FeedbackPath, () => Json(text), Field: FeedbackErrorField(field, JsonValue.Create("")));
            }
            var surrogate = FeedbackBody();
            if (TrySet(surrogate, field, JsonValue.Create(SurrogateMarker), out var old2) && old2 is JsonValue s && s.GetValueKind() == JsonValueKind.String)
            {
                var text = surrogate.ToJsonString().Replace($"\"{SurrogateMarker}\"", "\"\\uDC00\"", StringComparison.Ordinal);
                yield return new HostileCase("lone-surrogate", $"feedback: {field} = \"\\uDC00\"", FeedbackPath, () => Json(text), Field: "unpaired UTF-16 surrogate");
            }
        }
        foreach (var date in BadDates)
        {
            var body = FeedbackBody();
            body["feedback"]![0]!["outcomeTimestamp"] = date;
            var text = body.ToJsonString();
            yield return new HostileCase("bad-date", $"feedback: outcomeTimestamp = {date}", FeedbackPath, () => Json(text), Field: "feedback[0].outcomeTimestamp");
        }
        var many = new JsonObject { ["feedback"] = new JsonArray(Enumerable.Range(0, 1001).Select(i => (JsonNode)FeedbackItem($"{i:x8}-0000-4000-8000-000000000000")).ToArray()) };
        var manyText = many.ToJsonString();
        yield return new HostileCase("too-many", "feedback: 1001 items", FeedbackPath, () => Json(manyText), Field: "1000");
        var longComment = FeedbackBody();
        longComment["feedback"]![1]!["overrideReason"]!["userComment"] = new string('c', 4001);
        var longText = longComment.ToJsonString();
        yield return new HostileCase("too-long", "feedback: 4001-character comment", FeedbackPath, () => Json(longText), Field: "userComment");
        var dup = FeedbackBody().ToJsonString().Replace("{\"card\":", "{\"card\":\"x\",\"card\":", StringComparison.Ordinal);
        yield return new HostileCase("duplicate-key", "feedback: card twice", FeedbackPath, () => Json(dup), Field: "twice");
    }

    // ---- per sample: damage inside the prefetch ----

    private static IEnumerable<HostileCase> PerSample(string name, JsonObject sample)
    {
        var random = new Random(StableHash(name));
        var text = sample.ToJsonString();
        var bytes = Encoding.UTF8.GetBytes(text);

        // Truncated at two random points (and always mid-way through the prefetch).
        foreach (var cut in new[] { random.Next(1, bytes.Length - 1), random.Next(bytes.Length / 2, bytes.Length - 1) })
        {
            var cutAt = cut;
            yield return new HostileCase("truncated-json", $"{name}: cut at byte {cutAt} of {bytes.Length}", ApiHost.ServicePath,
                () => Bytes(bytes.AsSpan(0, cutAt).ToArray(), "application/json"), Field: "not valid JSON");
        }

        // Invalid UTF-8 inside a string value.
        byte[][] invalid = [[0xC3, 0x28], [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80]];
        var stringStarts = IndexesOf(bytes, "\":\""u8.ToArray()).Select(i => i + 3).ToList();
        {
            var at = stringStarts[random.Next(stringStarts.Count)];
            var bad = invalid[random.Next(invalid.Length)];
            var damaged = bytes.Take(at).Concat(bad).Concat(bytes.Skip(at)).ToArray();
            yield return new HostileCase("invalid-utf8", $"{name}: bytes {Convert.ToHexString(bad)} at {at}", ApiHost.ServicePath,
                () => Bytes(damaged, "application/json"), Field: "not valid JSON");
        }

        // A duplicate member in a random object of the prefetch.
        {
            var objects = Descendants(sample["prefetch"]!, "prefetch").Where(d => d.Node is JsonObject o && o.Count > 0).ToList();
            var (path, node) = objects[random.Next(objects.Count)];
            var first = ((JsonObject)node!).First();
            var original = node!.ToJsonString();
            var member = $"{JsonSerializer.Serialize(first.Key)}:{first.Value?.ToJsonString() ?? "null"}";
            var doubled = "{" + member + "," + original[1..];
            var index = text.IndexOf(original, StringComparison.Ordinal);
            if (index >= 0)
            {
                var body = text[..index] + doubled + text[(index + original.Length)..];
                yield return new HostileCase("duplicate-key", $"{name}: {path}.{first.Key} twice", ApiHost.ServicePath, () => Json(body), Field: "twice");
            }
        }

        // Damage to one prefetched resource at a time.
        var entries = Entries(sample).ToList();
        for (var i = 0; i < 4; i++)
        {
            var (location, resource) = entries[random.Next(entries.Count)];
            var fields = Descendants(resource, "").Where(d => d.Path.Length > 0 && d.Path != ".resourceType").ToList();
            var (path, node) = fields[random.Next(fields.Count)];
            var (kind, value) = WrongValues().Where(w => !SameKind(node, w.Value)).ElementAt(random.Next(4));
            yield return ResourceCase("wrong-type", name, sample, location, resource, path, kind, value);
        }
        {
            var (location, resource) = entries[random.Next(entries.Count)];
            var strings = Descendants(resource, "").Where(d => d.Node is JsonValue v && v.GetValueKind() == JsonValueKind.String && d.Path != ".resourceType").ToList();
            var (path, _) = strings[random.Next(strings.Count)];
            yield return ResourceCase("empty-string", name, sample, location, resource, path, "\"\"", JsonValue.Create(""));
        }
        for (var i = 0; i < 2; i++)
        {
            var dated = entries.Select(e => (e.Location, e.Resource, Dates: Descendants(e.Resource, "").Where(d => IsDate(d.Node)).ToList())).Where(e => e.Dates.Count > 0).ToList();
            var (location, resource, dates) = dated[random.Next(dated.Count)];
            var (path, _) = dates[random.Next(dates.Count)];
            var date = BadDates[random.Next(BadDates.Length)];
            yield return ResourceCase("bad-date", name, sample, location, resource, path, $"\"{date}\"", JsonValue.Create(date));
        }
        {
            var (location, resource) = entries[random.Next(entries.Count)];
            var type = UnknownTypes[random.Next(UnknownTypes.Length)];
            yield return ResourceCase("unknown-resource-type", name, sample, location, resource, ".resourceType", $"\"{type}\"", JsonValue.Create(type));
        }
        {
            var numeric = entries.Select(e => (e.Location, e.Resource, Numbers: Descendants(e.Resource, "").Where(d => d.Node is JsonValue v && v.GetValueKind() == JsonValueKind.Number).ToList()))
                .Where(e => e.Numbers.Count > 0).ToList();
            var (location, resource, numbers) = numeric[random.Next(numeric.Count)];
            var (path, _) = numbers[random.Next(numbers.Count)];
            var number = HugeNumbers[random.Next(HugeNumbers.Length)];
            yield return ResourceCase("extreme-number", name, sample, location, resource, path, number, JsonValue.Create(NumberMarker),
                body => body.Replace($"\"{NumberMarker}\"", number, StringComparison.Ordinal));
        }
        {
            var (location, resource) = entries[random.Next(entries.Count)];
            var strings = Descendants(resource, "").Where(d => d.Node is JsonValue v && v.GetValueKind() == JsonValueKind.String).ToList();
            var (path, _) = strings[random.Next(strings.Count)];
            yield return ResourceCase("lone-surrogate", name, sample, location, resource, path, "\"\\uDFFF\"", JsonValue.Create(SurrogateMarker),
                body => body.Replace($"\"{SurrogateMarker}\"", "\"\\uDFFF\"", StringComparison.Ordinal)) with
            { Field = "unpaired UTF-16 surrogate" };
        }

        // A prefetch key holding what another key should hold (or something that is not a search result at all).
        {
            var keys = PrefetchKeys.Where(k => sample["prefetch"]![k] is not null).ToList();
            var key = keys[random.Next(keys.Count)];
            var other = keys.Where(k => k != key).ElementAt(random.Next(keys.Count - 1));
            var request = sample.DeepClone().AsObject();
            request["prefetch"]![key] = sample["prefetch"]![other]!.DeepClone();
            var body = request.ToJsonString();
            yield return new HostileCase("wrong-key-content", $"{name}: prefetch.{key} holds prefetch.{other}", ApiHost.ServicePath, () => Json(body));
        }
        {
            var request = sample.DeepClone().AsObject();
            var key = PrefetchKeys[random.Next(1, PrefetchKeys.Length)];
            request["prefetch"]![key] = new JsonObject { ["resourceType"] = "Patient", ["id"] = "someone-else", ["birthDate"] = "1980-01-01" };
            var body = request.ToJsonString();
            yield return new HostileCase("wrong-key-content", $"{name}: prefetch.{key} holds another patient's Patient", ApiHost.ServicePath, () => Json(body));
        }
    }

    // ---- sizes beyond every limit ----

    private static IEnumerable<HostileCase> Huge()
    {
        const long hundredMb = 100L * 1024 * 1024;
        yield return new HostileCase("huge-body", "100 MB body with Content-Length", ApiHost.ServicePath, () => new ByteArrayContent([]), Field: "MaxBodyBytes", Generated: (hundredMb, false));
        yield return new HostileCase("huge-body", "100 MB body, chunked (no Content-Length)", ApiHost.ServicePath, () => new ByteArrayContent([]), Field: "MaxBodyBytes", Generated: (hundredMb, true));
        yield return new HostileCase("huge-body", "feedback: 100 MB body with Content-Length", FeedbackPath, () => new ByteArrayContent([]), Field: "MaxBodyBytes", Generated: (hundredMb, false));
        yield return new HostileCase("huge-body", "feedback: 100 MB body, chunked", FeedbackPath, () => new ByteArrayContent([]), Field: "MaxBodyBytes", Generated: (hundredMb, true));
        yield return new HostileCase("huge-bundle", "vitalSigns Bundle with 100,000 entries", ApiHost.ServicePath, () => Json(BundleRequest(100_000, minimal: true)), Field: "MaxResources");
        yield return new HostileCase("huge-bundle", "vitalSigns Bundle with 100,000 empty entries", ApiHost.ServicePath, () => Json(BundleRequest(100_000, minimal: true, entry: "{}")), Field: "MaxResources");
        yield return new HostileCase("huge-bundle", "100,000 resources nested in one entry's Bundle", ApiHost.ServicePath, () =>
        {
            var request = Samples[0].Request.DeepClone().AsObject();
            var inner = string.Join(",", Enumerable.Range(0, 100_000).Select(i => $"{{\"resource\":{{\"resourceType\":\"Observation\",\"id\":\"o{i}\"}}}}"));
            request["prefetch"]!["laboratory"] = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "searchset", ["entry"] = new JsonArray(new JsonObject { ["resource"] = "@@inner@@" }) };
            return Json(request.ToJsonString().Replace("\"@@inner@@\"", $"{{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{inner}]}}", StringComparison.Ordinal));
        }, Field: "MaxResources");
        yield return new HostileCase("huge-bundle", "100,000 entries over seven keys", ApiHost.ServicePath, () =>
        {
            var request = Samples[0].Request.DeepClone().AsObject();
            foreach (var key in PrefetchKeys.Skip(1))
                request["prefetch"]![key] = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "searchset", ["entry"] = new JsonArray(Enumerable.Range(0, 100_000 / 6).Select(_ => (JsonNode)new JsonObject()).ToArray()) };
            return Json(request.ToJsonString());
        }, Field: "MaxResources");
        yield return new HostileCase("huge-bundle", "vitalSigns Bundle with 19,900 temperatures (read up to CdsHooks:Fhir:MaxResources, then truncated)", ApiHost.ServicePath,
            () => Json(BundleRequest(19_900)));
        yield return new HostileCase("huge-string", "a 5 MB string in a resource", ApiHost.ServicePath, () =>
        {
            var request = Samples[3].Request.DeepClone().AsObject();
            request["prefetch"]!["patient"]!["text"] = new JsonObject { ["status"] = "generated", ["div"] = new string('x', 5_000_000) };
            return Json(request.ToJsonString());
        });
        yield return new HostileCase("huge-string", "a 1 MB hookInstance", ApiHost.ServicePath, () =>
        {
            var request = Samples[3].Request.DeepClone().AsObject();
            request["hookInstance"] = new string('f', 1_000_000);
            return Json(request.ToJsonString());
        }, Field: "hookInstance");
    }

    /// <summary>
    /// A request whose vitalSigns Bundle holds <paramref name="entries"/> temperatures of the sample's patient (all
    /// 37.1 °C the day before the sample time), or with <paramref name="minimal"/> bare Observations (the most that fit
    /// in the body limit), or the given <paramref name="entry"/> JSON repeated.
    /// </summary>
    public static string BundleRequest(int entries, bool minimal = false, string? entry = null)
    {
        var head = Samples[0].Request.DeepClone().AsObject();
        var patientId = head["context"]!["patientId"]!.GetValue<string>();
        head["prefetch"]!["vitalSigns"] = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "searchset", ["entry"] = new JsonArray() };
        var text = head.ToJsonString();
        entry ??= minimal ? "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"o@@i@@\"}}" : $"{{\"resource\":{{\"resourceType\":\"Observation\",\"id\":\"o@@i@@\",\"status\":\"final\",\"code\":{{\"coding\":[{{\"system\":\"http://loinc.org\",\"code\":\"8310-5\"}}]}},\"subject\":{{\"reference\":\"Patient/{patientId}\"}},\"effectiveDateTime\":\"2025-06-14T10:00:00Z\",\"valueQuantity\":{{\"value\":37.1,\"code\":\"Cel\",\"system\":\"http://unitsofmeasure.org\"}}}}}}";
        var all = string.Join(",", Enumerable.Range(0, entries).Select(i => entry.Replace("@@i@@", i.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)));
        return text.Replace("\"entry\":[]", "\"entry\":[" + all + "]", StringComparison.Ordinal);
    }

    // ---- building blocks ----

    private const string SurrogateMarker = "@@lone-surrogate@@";
    private const string NumberMarker = "@@huge-number@@";

    private static HostileCase ResourceCase(string @class, string sample, JsonObject request, string location, JsonObject resource, string path, string kind, JsonNode? value, Func<string, string>? rewrite = null)
    {
        var id = resource["id"]?.GetValue<string>() ?? location;
        var damaged = request.DeepClone().AsObject();
        var target = Find(damaged, location);
        Set(target, path, value);
        var body = damaged.ToJsonString();
        if (rewrite is not null) body = rewrite(body);
        return new HostileCase(@class, $"{sample}: {location} ({id}){path} = {kind}", ApiHost.ServicePath, () => Json(body), Resource: new DamagedResource(sample, id, location, path == ".id"));
    }

    /// <summary>One value of each JSON kind, for "wrong type" damage.</summary>
    private static IEnumerable<(string Kind, JsonNode? Value)> WrongValues()
    {
        yield return ("null", null);
        yield return ("number", JsonValue.Create(42));
        yield return ("string", JsonValue.Create("x"));
        yield return ("boolean", JsonValue.Create(true));
        yield return ("array", new JsonArray(JsonValue.Create(1)));
        yield return ("object", new JsonObject { ["a"] = 1 });
    }

    private static bool SameKind(JsonNode? a, JsonNode? b) => Kind(a) == Kind(b);

    private static JsonValueKind Kind(JsonNode? node) => node switch
    {
        null => JsonValueKind.Null,
        JsonObject => JsonValueKind.Object,
        JsonArray => JsonValueKind.Array,
        JsonValue v => v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? JsonValueKind.True : v.GetValueKind(),
        _ => JsonValueKind.Undefined,
    };

    /// <summary>The field a 400 must name when <paramref name="field"/> holds <paramref name="value"/> (null: the damage may be accepted).</summary>
    private static string? ErrorField(string field, JsonNode? value)
    {
        var isNull = value is null;
        return field switch
        {
            // Optional members: null means absent; other values are checked only where the service reads them.
            "context.encounterId" => null,
            "fhirServer" => isNull ? "fhirServer" : "fhirServer", // null with fhirAuthorization present: fhirServer is required
            "extension" or "extension.crsCdsHooks\\.primarySystem" when isNull => null,
            "extension" when value is JsonObject => null, // unknown extensions are ignored
            "fhirAuthorization.scope" or "fhirAuthorization.subject" or "fhirAuthorization.patient" when value is JsonValue s && s.GetValueKind() == JsonValueKind.String && s.GetValue<string>() == "" => null,
            "fhirAuthorization.patient" when isNull => null,
            "extension.crsCdsHooks\\.primarySystem" => "crsCdsHooks.primarySystem",
            "fhirAuthorization" when isNull => null,
            "prefetch" when isNull => null,
            _ when field.StartsWith("prefetch.", StringComparison.Ordinal) && isNull => null,
            _ => field,
        };
    }

    private static string? FeedbackErrorField(string field, JsonNode? value)
    {
        if (value is null && (field.EndsWith("acceptedSuggestions", StringComparison.Ordinal) || field.EndsWith("overrideReason", StringComparison.Ordinal)
            || field.EndsWith("reason", StringComparison.Ordinal) || field.EndsWith("userComment", StringComparison.Ordinal) || field.EndsWith("system", StringComparison.Ordinal)))
            return null; // optional members: null means absent
        if (field.EndsWith(".system", StringComparison.Ordinal)) return null; // the code is what counts; a system of another type is not read
        if (field.EndsWith("overrideReason", StringComparison.Ordinal) && value is JsonObject) return null; // neither reason nor comment: nothing to check
        if (field.EndsWith("userComment", StringComparison.Ordinal) && value is JsonValue c && c.GetValueKind() == JsonValueKind.String && c.GetValue<string>() == "") return null;
        return field switch
        {
            "feedback" or "feedback[0]" => "feedback",
            "feedback[0].acceptedSuggestions[0]" or "feedback[0].acceptedSuggestions[0].id" => "feedback[0].acceptedSuggestions",
            "feedback[1].overrideReason.reason.code" => "feedback[1].overrideReason.reason",
            _ => field,
        };
    }

    private static JsonObject WithAuthorization(JsonObject sample)
    {
        var request = sample.DeepClone().AsObject();
        request["fhirServer"] = "http://127.0.0.1:9/fhir"; // discard port: every key is prefetched, so it is never called
        request["fhirAuthorization"] = HookRequests.Authorization();
        request["extension"] = new JsonObject { ["crsCdsHooks.primarySystem"] = "lee2014" };
        request["context"]!["encounterId"] = "encounter-1";
        request["fhirAuthorization"]!["patient"] = request["context"]!["patientId"]!.GetValue<string>();
        return request;
    }

    private static JsonObject FeedbackBody() => new()
    {
        ["feedback"] = new JsonArray(
            FeedbackItem("5f0e7b36-3c1c-4bd7-9d7e-0c8a6f1d2a02"),
            new JsonObject
            {
                ["card"] = "5f0e7b36-3c1c-4bd7-9d7e-0c8a6f1d2a03",
                ["outcome"] = "overridden",
                ["outcomeTimestamp"] = "2025-06-15T11:56:00Z",
                ["overrideReason"] = new JsonObject
                {
                    ["reason"] = new JsonObject { ["code"] = "not-crs", ["system"] = "https://example.org/override", ["display"] = "Not CRS" },
                    ["userComment"] = "Febrile neutropenia",
                },
            }),
    };

    private static JsonObject FeedbackItem(string card) => new()
    {
        ["card"] = card,
        ["outcome"] = "accepted",
        ["outcomeTimestamp"] = "2025-06-15T11:55:00Z",
        ["acceptedSuggestions"] = new JsonArray(new JsonObject { ["id"] = "8a1f5c2e-2f1d-4c0e-9b7a-1d2c3e4f5a6b" }),
    };

    /// <summary>Every prefetched resource in a Bundle entry, with its location as the service names it.</summary>
    private static IEnumerable<(string Location, JsonObject Resource)> Entries(JsonObject request)
    {
        foreach (var key in PrefetchKeys)
        {
            if (request["prefetch"]?[key] is not JsonObject value || value["entry"] is not JsonArray entries) continue;
            for (var i = 0; i < entries.Count; i++)
            {
                if (entries[i]?["resource"] is JsonObject resource) yield return ($"prefetch/{key}/entry[{i}]", resource);
            }
        }
    }

    private static JsonObject Find(JsonObject request, string location)
    {
        var parts = location.Split('/');
        var index = int.Parse(parts[2][6..^1], CultureInfo.InvariantCulture);
        return request["prefetch"]![parts[1]]!["entry"]![index]!["resource"]!.AsObject();
    }

    private static IEnumerable<(string Path, JsonNode? Node)> Descendants(JsonNode? node, string path)
    {
        yield return (path, node);
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o.ToList())
                {
                    foreach (var d in Descendants(child, $"{path}.{key}")) yield return d;
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    foreach (var d in Descendants(a[i], $"{path}[{i}]")) yield return d;
                }
                break;
        }
    }

    private static bool IsDate(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: >= 10 } s
        && char.IsAsciiDigit(s[0]) && s[4] == '-' && s[7] == '-';

    /// <summary>Path segments: ".a.b[2].c" (a backslash escapes a dot inside a member name).</summary>
    private static List<(string? Member, int? Index)> Segments(string path)
    {
        var result = new List<(string?, int?)>();
        var current = new StringBuilder();
        void Flush()
        {
            if (current.Length > 0) result.Add((current.ToString(), null));
            current.Clear();
        }
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (c == '\\' && i + 1 < path.Length) current.Append(path[++i]);
            else if (c == '.') Flush();
            else if (c == '[')
            {
                Flush();
                var end = path.IndexOf(']', i);
                result.Add((null, int.Parse(path[(i + 1)..end], CultureInfo.InvariantCulture)));
                i = end;
            }
            else current.Append(c);
        }
        Flush();
        return result;
    }

    private static JsonNode? Get(JsonNode root, string path)
    {
        JsonNode? node = root;
        foreach (var (member, index) in Segments(path))
        {
            node = member is not null ? (node as JsonObject)?[member] : node is JsonArray a && index < a.Count ? a[index!.Value] : null;
            if (node is null) return null;
        }
        return node;
    }

    private static bool TrySet(JsonNode root, string path, JsonNode? value, out JsonNode? old)
    {
        old = Get(root, path);
        var segments = Segments(path);
        JsonNode? parent = root;
        foreach (var (member, index) in segments.Take(segments.Count - 1))
        {
            parent = member is not null ? (parent as JsonObject)?[member] : parent is JsonArray a && index < a.Count ? a[index!.Value] : null;
            if (parent is null) return false;
        }
        var (lastMember, lastIndex) = segments[^1];
        if (lastMember is not null && parent is JsonObject o && o.ContainsKey(lastMember))
        {
            o[lastMember] = value;
            return true;
        }
        if (lastIndex is { } i && parent is JsonArray array && i < array.Count)
        {
            array[i] = value;
            return true;
        }
        return false;
    }

    private static void Set(JsonNode root, string path, JsonNode? value)
    {
        if (!TrySet(root, path, value, out _)) throw new InvalidOperationException($"no {path}");
    }

    private static List<int> IndexesOf(byte[] haystack, byte[] needle)
    {
        var found = new List<int>();
        var offset = 0;
        int at;
        while ((at = haystack.AsSpan(offset).IndexOf(needle)) >= 0)
        {
            found.Add(offset + at);
            offset += at + 1;
        }
        return found;
    }

    private static int StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text) hash = (hash ^ c) * 16777619u;
        return (int)(hash & 0x7fffffff);
    }

    private static ByteArrayContent Json(string body) => Bytes(Encoding.UTF8.GetBytes(body), "application/json");

    private static ByteArrayContent Bytes(byte[] body, string? contentType)
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    private static List<(string, JsonObject)> LoadSamples()
    {
        var samples = new List<(string, JsonObject)>();
        foreach (var file in Directory.GetFiles(RepositoryFiles.PathOf("fhir-samples"), "*.json").Order(StringComparer.Ordinal))
        {
            if (JsonNode.Parse(File.ReadAllText(file)) is JsonObject o && o.ContainsKey("hook") && o["prefetch"] is JsonObject)
                samples.Add((Path.GetFileNameWithoutExtension(file), o));
        }
        return samples;
    }
}
