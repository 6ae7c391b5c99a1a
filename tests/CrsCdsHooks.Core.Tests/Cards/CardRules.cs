using System.Text.Json;
using System.Text.Json.Nodes;

using CrsCdsHooks.Core.CdsHooks;
using CrsCdsHooks.Core.Tests.Management;

namespace CrsCdsHooks.Core.Tests.Cards;

/// <summary>The card rules of CRS-SPEC §7 and CDS-HOOKS.md, checked on the object and on its wire JSON.</summary>
internal static class CardRules
{
    public const string ExtensionKey = "crsCdsHooks.assessment";

    /// <summary>A stand-in for the grading helper's assessment extension.</summary>
    public static IReadOnlyDictionary<string, object> Extension { get; } = new Dictionary<string, object>
    {
        [ExtensionKey] = new Dictionary<string, object>
        {
            ["asOf"] = "2025-06-15T12:00:00Z",
            ["differential"] = new Dictionary<string, object> { ["infection"] = new Dictionary<string, object> { ["level"] = "possible" } },
        },
    };

    public static void AssertValid(CdsCard card)
    {
        Assert.True(card.Summary.Length < 140, $"summary has {card.Summary.Length} characters: {card.Summary}");
        Assert.False(string.IsNullOrWhiteSpace(card.Summary));
        Assert.Contains(card.Indicator, new[] { "info", "warning", "critical" });
        Assert.True(Guid.TryParse(card.Uuid, out _), card.Uuid);
        Assert.False(string.IsNullOrWhiteSpace(card.Source.Label));
        Assert.StartsWith("https://doi.org/", card.Source.Url, StringComparison.Ordinal);
        Assert.NotNull(card.OverrideReasons);
        Assert.NotEmpty(card.OverrideReasons);
        Assert.All(card.OverrideReasons, r => Assert.False(string.IsNullOrWhiteSpace(r.Display)));
        Assert.Equal(card.OverrideReasons.Count, card.OverrideReasons.Select(r => r.Code).Distinct().Count());
        Assert.NotNull(card.Links);
        Assert.All(card.Links, l =>
        {
            Assert.Equal("absolute", l.Type);
            Assert.True(Uri.TryCreate(l.Url, UriKind.Absolute, out _));
        });
        Assert.Equal(card.Suggestions is { Count: > 0 }, card.SelectionBehavior == "any");
        if (card.Suggestions is not null)
        {
            Assert.NotEmpty(card.Suggestions);
            var uuids = card.Suggestions.Select(s => s.Uuid).Append(card.Uuid).ToList();
            Assert.Equal(uuids.Count, uuids.Distinct().Count());
            Assert.All(card.Suggestions, s => Assert.True(Guid.TryParse(s.Uuid, out _)));
            FhirAssert.AllValid(card.Suggestions);
        }

        Assert.NotNull(card.Extension);
        Assert.True(card.Extension.ContainsKey(ExtensionKey));
        Assert.Contains("| Finding | Value (unit) | Time | Source |", card.Detail, StringComparison.Ordinal);

        var json = JsonSerializer.SerializeToNode(card, CdsJson.Options);
        AssertNoEmptyMembers(json, "card");
    }

    /// <summary>
    /// No null, "", [] or {} among the card's members (CDS-HOOKS.md JSON rules: empty optionals are omitted). The rule is
    /// about card members: the value under an <c>extension</c> key is checked only for not being empty itself, because
    /// the assessment extension keeps the CRS-SPEC §7 shape, where <c>"reasons": []</c> and <c>dataIssues</c> are always
    /// present.
    /// </summary>
    public static void AssertNoEmptyMembers(JsonNode? node, string path)
    {
        switch (node)
        {
            case null:
                Assert.Fail($"{path} is null");
                break;
            case JsonObject o when path.EndsWith(".extension", StringComparison.Ordinal):
                Assert.True(o.Count > 0, $"{path} is {{}}");
                foreach (var (k, v) in o) Assert.True(v is JsonObject { Count: > 0 }, $"{path}.{k} is empty");
                break;
            case JsonObject o:
                Assert.True(o.Count > 0, $"{path} is {{}}");
                foreach (var (k, v) in o) AssertNoEmptyMembers(v, $"{path}.{k}");
                break;
            case JsonArray a:
                Assert.True(a.Count > 0, $"{path} is []");
                for (var i = 0; i < a.Count; i++) AssertNoEmptyMembers(a[i], $"{path}[{i}]");
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                Assert.False(string.IsNullOrEmpty(v.GetValue<string>()), $"{path} is \"\"");
                break;
        }
    }
}
