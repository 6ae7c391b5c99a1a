using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

using CrsCdsHooks.Core.Samples;
using CrsCdsHooks.Core.Timeline;

using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace CrsCdsHooks.Core.Tests.Samples;

/// <summary>
/// fhir-samples is product: every file is a valid patient-view request whose FHIR parses strictly (except the
/// deliberate noise), and every file is indexed in README.md and expected.json with the same values. Grading the
/// samples against expected.json is wired by the integrator once the reader and grader exist.
/// </summary>
public sealed partial class SampleFilesTests
{
    private const string NoiseSample = "noise-data-issues.json";
    private const string ExpectedFile = "expected.json";
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private static readonly string[] PrefetchKeys =
        ["patient", "vitalSigns", "laboratory", "medicationAdministrations", "procedures", "conditions", "allergies"];

    private static readonly string SamplesDirectory = Path.Combine(RepoRoot(), "fhir-samples");

    public static TheoryData<string> SampleFiles()
    {
        var data = new TheoryData<string>();
        foreach (var name in SampleFileNames()) data.Add(name);
        return data;
    }

    [Fact]
    public void Folder_HoldsTheScenarios()
    {
        Assert.True(SampleFileNames().Count >= 20, "fhir-samples should hold the scenarios of issues 3 and 5");
        Assert.Contains(NoiseSample, SampleFileNames());
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Request_HasThePatientViewShape(string file)
    {
        using var doc = Load(file);
        var root = doc.RootElement;

        Assert.Equal("patient-view", root.GetProperty("hook").GetString());
        Assert.True(Guid.TryParse(root.GetProperty("hookInstance").GetString(), out _), "hookInstance must be a UUID");
        var context = root.GetProperty("context");
        var patientId = context.GetProperty("patientId").GetString();
        Assert.False(string.IsNullOrWhiteSpace(patientId));
        Assert.Matches(FhirId(), patientId!);
        Assert.Matches(UserReference(), context.GetProperty("userId").GetString()!);

        var prefetch = root.GetProperty("prefetch");
        foreach (var key in PrefetchKeys)
            Assert.True(prefetch.TryGetProperty(key, out _), $"prefetch.{key} is missing (write null for 'no data')");
        var patient = prefetch.GetProperty("patient");
        Assert.Equal("Patient", patient.GetProperty("resourceType").GetString());
        Assert.Equal(patientId, patient.GetProperty("id").GetString());
        Assert.True(patient.TryGetProperty("birthDate", out _), "every sample patient has a birth date");
    }

    [Fact]
    public void Requests_HaveDistinctHookInstancesAndPatients()
    {
        var instances = new List<string>();
        var patients = new List<string>();
        foreach (var file in SampleFileNames())
        {
            using var doc = Load(file);
            instances.Add(doc.RootElement.GetProperty("hookInstance").GetString()!);
            patients.Add(doc.RootElement.GetProperty("context").GetProperty("patientId").GetString()!);
        }

        Assert.Equal(instances.Count, instances.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(patients.Count, patients.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Prefetch_EveryEntryParsesWithTheStrictDeserializer(string file)
    {
        if (file == NoiseSample) return; // its deliberate noise is checked by NoiseSample_OnlyTheDeliberateEntryIsNotValidFhir

        using var doc = Load(file);
        var failures = StrictFailures(doc.RootElement.GetProperty("prefetch"));

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void NoiseSample_OnlyTheDeliberateEntryIsNotValidFhir()
    {
        using var doc = Load(NoiseSample);
        var prefetch = doc.RootElement.GetProperty("prefetch");

        var failures = StrictFailures(prefetch);

        Assert.Equal(["Observation/s14-noise-invalid-sbp"], failures.Select(f => f.Split(':')[0]).ToArray());
        Assert.Equal("OperationOutcome", prefetch.GetProperty("allergies").GetProperty("resourceType").GetString());
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Prefetch_BundlesAreSearchsetsWhoseEntriesNameTheirResource(string file)
    {
        using var doc = Load(file);
        foreach (var (key, bundle) in Bundles(doc.RootElement.GetProperty("prefetch")))
        {
            Assert.Equal("searchset", bundle.GetProperty("type").GetString());
            var entries = bundle.TryGetProperty("entry", out var e) ? e.EnumerateArray().ToList() : [];
            var matches = 0;
            foreach (var entry in entries)
            {
                var resource = entry.GetProperty("resource");
                var name = $"{resource.GetProperty("resourceType").GetString()}/{resource.GetProperty("id").GetString()}";
                Assert.EndsWith("/" + name, entry.GetProperty("fullUrl").GetString()!, StringComparison.Ordinal);
                var mode = entry.GetProperty("search").GetProperty("mode").GetString();
                Assert.True(mode is "match" or "include", $"{file} {key} {name}: search.mode {mode}");
                if (mode == "match") matches++;
                if (mode == "include") Assert.Equal("Medication", resource.GetProperty("resourceType").GetString());
            }
            Assert.Equal(matches, bundle.GetProperty("total").GetInt32());
        }
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Prefetch_EveryResourceIsThePatients_ExceptTheNoiseSamplesIntruder(string file)
    {
        using var doc = Load(file);
        var patientId = doc.RootElement.GetProperty("context").GetProperty("patientId").GetString();
        var foreign = new List<string>();
        foreach (var resource in Resources(doc.RootElement.GetProperty("prefetch")))
        {
            var reference = resource.TryGetProperty("subject", out var s) ? s : resource.TryGetProperty("patient", out var p) ? p : default;
            if (reference.ValueKind != JsonValueKind.Object) continue;
            if (reference.GetProperty("reference").GetString() != $"Patient/{patientId}") foreign.Add(Name(resource));
        }

        Assert.Equal(file == NoiseSample ? ["Observation/s14-noise-other-patient-bp"] : [], foreign);
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Prefetch_NothingIsTimedAfterTheAnchor_ExceptTheNoiseSamplesClockSkew(string file)
    {
        using var doc = Load(file);
        var late = new List<string>();
        foreach (var resource in Resources(doc.RootElement.GetProperty("prefetch")))
        {
            if (DateTimes(resource).Any(t => t > SampleRequestShifter.Anchor + ClockSkew)) late.Add(Name(resource));
        }

        Assert.Equal(file == NoiseSample ? ["Observation/s14-noise-future-o2dev"] : [], late);
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Shift_ByZero_IsIdentityOnContent(string file)
    {
        var json = File.ReadAllText(Path.Combine(SamplesDirectory, file));

        var shifted = SampleRequestShifter.Shift(json, SampleRequestShifter.Anchor);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(shifted)));
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Shift_MovesEveryDateTimeByTheOffset_AndEveryDateByWholeDays(string file)
    {
        var json = File.ReadAllText(Path.Combine(SamplesDirectory, file));
        var offset = new TimeSpan(10, 3, 30, 0);

        var shifted = JsonNode.Parse(SampleRequestShifter.Shift(json, SampleRequestShifter.Anchor + offset))!;

        var moved = 0;
        Compare(JsonNode.Parse(json), shifted, offset, ref moved);
        Assert.True(moved > 50, $"only {moved} dates moved");
    }

    [Fact]
    public void ExpectedJson_HasOneRowPerSampleFile_AndNoOther()
    {
        var rows = ExpectedRows().Select(r => r.GetProperty("file").GetString()!).ToList();

        Assert.Equal(rows.Count, rows.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(SampleFileNames().Order(StringComparer.Ordinal), rows.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Readme_HasOneRowPerSampleFile_AndNoOther()
    {
        var rows = ReadmeRows().Select(r => r[0]).ToList();

        Assert.Equal(rows.Count, rows.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(SampleFileNames().Order(StringComparer.Ordinal), rows.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Readme_TableSaysWhatExpectedJsonSays()
    {
        var expected = ExpectedRows().ToDictionary(r => r.GetProperty("file").GetString()!, StringComparer.Ordinal);

        foreach (var cells in ReadmeRows())
        {
            var row = expected[cells[0]];
            var file = cells[0];
            Assert.Equal(Day(row), cells[2]);
            Assert.Equal(SystemCell(row.GetProperty("astct2019")), cells[3]);
            Assert.Equal(SystemCell(row.GetProperty("lee2014")), cells[4]);
            Assert.Equal(SystemCell(row.GetProperty("ctcae5")), cells[5]);
            Assert.Equal(WaivedCell(row.GetProperty("feverWaived")), cells[6]);
            Assert.Equal(FindingCell(row.GetProperty("infection")), cells[7]);
            Assert.Equal(FindingCell(row.GetProperty("anaphylaxis")), cells[8]);
            Assert.Equal(DoseCell(row), cells[9]);
            Assert.True(row.GetProperty("cards").GetInt32().ToString(CultureInfo.InvariantCulture) == cells[10], $"{file}: cards");
            Assert.Contains($"### `{file}`", File.ReadAllText(Path.Combine(SamplesDirectory, "README.md")), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ExpectedJson_IsInternallyConsistent()
    {
        foreach (var row in ExpectedRows())
        {
            var file = row.GetProperty("file").GetString();
            var cards = row.GetProperty("cards").GetInt32();
            if (!row.GetProperty("eligible").GetBoolean())
            {
                // Ineligible: no card; eligibility undetermined (an unusable CAR-T record): the one unreadable-infusion card.
                var undetermined = row.TryGetProperty("eligibility", out var eligibility) && eligibility.GetString() == "undetermined";
                Assert.True(cards == (undetermined ? 1 : 0), $"{file}: an ineligible patient gets no cards, an undetermined one the unreadable-infusion card");
                if (undetermined) Assert.True(row.TryGetProperty("dataIssues", out _), $"{file}: an undetermined row names the unusable record in dataIssues");
                Assert.Equal(JsonValueKind.Null, row.GetProperty("astct2019").ValueKind);
                Assert.Equal(JsonValueKind.Null, row.GetProperty("suggestedDoseMg").ValueKind);
                continue;
            }

            var level = (string name) => row.GetProperty(name).GetProperty("level").GetString();
            Assert.Contains(level("infection"), new[] { "likely", "possible", "none-found" });
            Assert.Contains(level("anaphylaxis"), new[] { "likely", "possible", "none-found" });
            var expectedCards = 1 + (level("infection") == "none-found" ? 0 : 1) + (level("anaphylaxis") == "none-found" ? 0 : 1);
            Assert.True(expectedCards == cards, $"{file}: cards = 1 (CRS) + infection + anaphylaxis (§7)");
            foreach (var system in new[] { "astct2019", "lee2014", "ctcae5" })
            {
                var g = row.GetProperty(system);
                var grade = g.GetProperty("grade").GetInt32();
                var upper = g.GetProperty("upperBound").GetInt32();
                var peak = g.GetProperty("peak").GetInt32();
                Assert.True(grade is >= 0 and <= 4 && upper >= grade && upper <= 4, $"{file} {system}: 0 ≤ grade ≤ upperBound ≤ 4");
                Assert.True(peak >= grade, $"{file} {system}: the peak includes the current window");
            }

            var astct = row.GetProperty("astct2019").GetProperty("grade").GetInt32();
            if (row.GetProperty("suggestedDoseMg").ValueKind == JsonValueKind.Number)
            {
                var dose = row.GetProperty("suggestedDoseMg").GetInt32();
                Assert.True(astct >= 2, $"{file}: a dose is suggested only from primary grade 2 (§9.24)");
                Assert.InRange(dose, 1, 800);
            }
            else
            {
                var reason = row.GetProperty("tocilizumab").GetProperty("noDoseReason").GetString();
                Assert.False(string.IsNullOrWhiteSpace(reason), $"{file}: say why no tocilizumab dose is suggested");
            }
        }
    }

    [Fact]
    public void ExpectedJson_NoiseDataIssues_NameResourcesOfTheSample_WithDocumentedReasons()
    {
        var reasons = typeof(DataIssueReasons).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToHashSet(StringComparer.Ordinal);
        var noise = ExpectedRows().Single(r => r.GetProperty("file").GetString() == NoiseSample);
        using var doc = Load(NoiseSample);
        var names = Resources(doc.RootElement.GetProperty("prefetch")).Select(Name).ToHashSet(StringComparer.Ordinal);

        var issues = noise.GetProperty("dataIssues").EnumerateArray().ToList();

        Assert.NotEmpty(issues);
        foreach (var issue in issues)
        {
            var resource = issue.GetProperty("resource").GetString()!;
            Assert.Contains(issue.GetProperty("reason").GetString()!, reasons);
            Assert.True(names.Contains(resource) || resource.StartsWith("prefetch/", StringComparison.Ordinal), resource);
        }
    }

    // --- helpers ------------------------------------------------------------------------------------

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CrsCdsHooks.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("CrsCdsHooks.sln not found above the test output.");
    }

    private static List<string> SampleFileNames() =>
        Directory.EnumerateFiles(SamplesDirectory, "*.json")
            .Select(Path.GetFileName)
            .Where(n => n != ExpectedFile)
            .Order(StringComparer.Ordinal)
            .ToList()!;

    private static JsonDocument Load(string file) => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(SamplesDirectory, file)));

    private static List<JsonElement> ExpectedRows()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(SamplesDirectory, ExpectedFile)));
        return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    /// <summary>The index table's rows, cells trimmed; the first cell reduced to the file name.</summary>
    private static List<string[]> ReadmeRows()
    {
        var rows = new List<string[]>();
        foreach (var line in File.ReadLines(Path.Combine(SamplesDirectory, "README.md")))
        {
            var m = ReadmeRow().Match(line);
            if (!m.Success) continue;
            var cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            cells[0] = m.Groups["file"].Value;
            Assert.True(cells.Length == 11, $"README row for {cells[0]} has {cells.Length} cells");
            rows.Add(cells);
        }
        return rows;
    }

    private static string Day(JsonElement row) =>
        row.GetProperty("day").ValueKind == JsonValueKind.Null ? "—" : row.GetProperty("day").GetInt32().ToString(CultureInfo.InvariantCulture);

    private static string SystemCell(JsonElement g) =>
        g.ValueKind == JsonValueKind.Null ? "—"
            : string.Create(CultureInfo.InvariantCulture,
                $"{g.GetProperty("grade").GetInt32()} (ub {g.GetProperty("upperBound").GetInt32()}, peak {g.GetProperty("peak").GetInt32()})");

    private static string WaivedCell(JsonElement w) => w.ValueKind switch
    {
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        _ => "—",
    };

    private static string FindingCell(JsonElement f)
    {
        if (f.ValueKind == JsonValueKind.Null) return "—";
        var reasons = f.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ToList();
        var level = f.GetProperty("level").GetString();
        return reasons.Count == 0 ? level! : $"{level}: {string.Join(", ", reasons)}";
    }

    private static string DoseCell(JsonElement row)
    {
        if (!row.GetProperty("eligible").GetBoolean()) return "—";
        var dose = row.GetProperty("suggestedDoseMg");
        return dose.ValueKind == JsonValueKind.Null
            ? $"none ({row.GetProperty("tocilizumab").GetProperty("noDoseReason").GetString()})"
            : dose.GetInt32().ToString(CultureInfo.InvariantCulture);
    }

    private static IEnumerable<(string Key, JsonElement Bundle)> Bundles(JsonElement prefetch)
    {
        foreach (var key in PrefetchKeys)
        {
            if (prefetch.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Object
                && value.GetProperty("resourceType").GetString() == "Bundle")
                yield return (key, value);
        }
    }

    private static IEnumerable<JsonElement> Resources(JsonElement prefetch)
    {
        foreach (var key in PrefetchKeys)
        {
            if (!prefetch.TryGetProperty(key, out var value) || value.ValueKind != JsonValueKind.Object) continue;
            if (value.GetProperty("resourceType").GetString() != "Bundle")
            {
                yield return value;
                continue;
            }
            if (!value.TryGetProperty("entry", out var entries)) continue;
            foreach (var entry in entries.EnumerateArray()) yield return entry.GetProperty("resource");
        }
    }

    private static string Name(JsonElement resource) =>
        $"{resource.GetProperty("resourceType").GetString()}/{(resource.TryGetProperty("id", out var id) ? id.GetString() : "?")}";

    /// <summary>"Type/id: message" for every prefetch resource the strict deserializer refuses.</summary>
    private static List<string> StrictFailures(JsonElement prefetch)
    {
        var strict = new FhirJsonDeserializer();
        var failures = new List<string>();
        foreach (var resource in Resources(prefetch))
        {
            try
            {
                var parsed = strict.Deserialize<Resource>(resource.GetRawText());
                Assert.Equal(resource.GetProperty("resourceType").GetString(), parsed.TypeName);
            }
            catch (DeserializationFailedException ex)
            {
                failures.Add($"{Name(resource)}: {ex.Message}");
            }
        }
        return failures;
    }

    private static IEnumerable<DateTimeOffset> DateTimes(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject())
                    foreach (var t in DateTimes(p.Value)) yield return t;
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    foreach (var t in DateTimes(item)) yield return t;
                break;
            case JsonValueKind.String when FhirDateTimeWithZone().IsMatch(element.GetString()!):
                yield return DateTimeOffset.Parse(element.GetString()!, CultureInfo.InvariantCulture);
                break;
        }
    }

    /// <summary>Walks the original and the shifted tree together; every changed string must be a date moved correctly.</summary>
    private static void Compare(JsonNode? original, JsonNode? shifted, TimeSpan offset, ref int moved)
    {
        switch (original)
        {
            case JsonObject o:
                var s = Assert.IsType<JsonObject>(shifted);
                Assert.Equal(o.Select(p => p.Key), s.Select(p => p.Key));
                foreach (var (key, value) in o) Compare(value, s[key], offset, ref moved);
                break;
            case JsonArray a:
                var sa = Assert.IsType<JsonArray>(shifted);
                Assert.Equal(a.Count, sa.Count);
                for (var i = 0; i < a.Count; i++) Compare(a[i], sa[i], offset, ref moved);
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var before = v.GetValue<string>();
                var after = shifted!.GetValue<string>();
                if (FhirDateTimeWithZone().IsMatch(before))
                {
                    var expected = DateTimeOffset.Parse(before, CultureInfo.InvariantCulture) + offset;
                    Assert.Equal(expected, DateTimeOffset.Parse(after, CultureInfo.InvariantCulture));
                    Assert.Equal(before[^6..].EndsWith('Z') ? "Z" : before[^6..], after[^6..].EndsWith('Z') ? "Z" : after[^6..]);
                    moved++;
                }
                else if (FhirDate().IsMatch(before))
                {
                    var expected = DateOnly.ParseExact(before, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(offset.Days);
                    Assert.Equal(expected.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), after);
                    moved++;
                }
                else
                {
                    Assert.Equal(before, after);
                }
                break;
            default:
                Assert.True(JsonNode.DeepEquals(original, shifted));
                break;
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9\-\.]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex FhirId();

    [GeneratedRegex(@"^(Practitioner|PractitionerRole|Patient|RelatedPerson)/[A-Za-z0-9\-\.]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex UserReference();

    [GeneratedRegex(@"^\|\s*\[`(?<file>[^`]+\.json)`\]", RegexOptions.CultureInvariant)]
    private static partial Regex ReadmeRow();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex FhirDateTimeWithZone();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex FhirDate();
}
