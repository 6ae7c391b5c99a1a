using System.Net;
using System.Text.Json.Nodes;

using CrsCdsHooks.Api.Evaluation;
using CrsCdsHooks.Api.Tests.EndToEnd;
using CrsCdsHooks.Api.Tests.Infrastructure;
using CrsCdsHooks.Core.CdsHooks;

namespace CrsCdsHooks.Api.Tests.Evaluation;

/// <summary>
/// The kind the audit records for each card comes from the card itself (its source), and it is right for every card
/// the real core makes from the samples: the CRS card first, an infection card exactly when the infection screen found
/// something, an anaphylaxis card exactly when that screen did — never <c>unknown</c>.
/// </summary>
public sealed class CardKindsTests
{
    [Fact]
    public async Task EverySample_EachServedCardAuditedWithItsKind_MatchingTheScreens()
    {
        using var host = new ApiHost(null, realEvaluator: true);
        var checkedCards = 0;
        foreach (var file in SampleExpectations.SampleFiles())
        {
            host.Store.Cards.Clear();
            using var response = await host.CallAsync(SampleExpectations.Request(file));
            if (response.StatusCode != HttpStatusCode.OK) continue;
            var cards = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["cards"]!.AsArray();
            if (cards.Count == 0) continue;

            // The unreadable-infusion card (car-t-record-status-unknown) has no differential: no screen ran, one CRS card.
            var differential = cards[0]!["extension"]![SampleExpectations.ExtensionKey]!["differential"];
            var expected = new List<string> { CardKinds.Crs };
            if (differential?["infection"]!["level"]!.GetValue<string>() is { } infection && infection != "none-found") expected.Add(CardKinds.Infection);
            if (differential?["anaphylaxis"]!["level"]!.GetValue<string>() is { } anaphylaxis && anaphylaxis != "none-found") expected.Add(CardKinds.Anaphylaxis);

            var audited = host.Store.Cards.ToList();
            Assert.True(expected.SequenceEqual(audited.Select(a => a.Kind)), $"{file}: audited kinds {string.Join(",", audited.Select(a => a.Kind))}, expected {string.Join(",", expected)}");
            Assert.Equal(cards.Select(c => c!["uuid"]!.GetValue<string>()), audited.Select(a => a.CardUuid));
            for (var i = 0; i < cards.Count; i++)
            {
                var offered = cards[i]!["overrideReasons"]!.AsArray().Select(r => (r!["code"]!.GetValue<string>(), r["display"]!.GetValue<string>()));
                Assert.Equal(offered, audited[i].OfferedReasons.Select(r => (r.Code, r.Display)));
            }
            checkedCards += cards.Count;
        }

        // The samples hold infection and anaphylaxis cards too: the loop saw every kind.
        Assert.True(checkedCards > 20, $"only {checkedCards} cards checked");
    }

    [Fact]
    public async Task UnreadableCarTInfusion_ItsCardIsAuditedAsACrsCard_NotGraded()
    {
        using var host = new ApiHost(null, realEvaluator: true);
        var request = SampleExpectations.Request("paediatric-15y-low-map-not-hypotension.json");
        request["prefetch"]!["medicationAdministrations"]!["entry"]![3]!["resource"]!["medicationCodeableConcept"]!["coding"]![0]!["display"] = "";

        using var response = await host.CallAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var card = Assert.Single(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["cards"]!.AsArray())!;
        Assert.StartsWith("CAR-T infusion record could not be read", card["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        var audited = Assert.Single(host.Store.Cards);
        Assert.Equal((card["uuid"]!.GetValue<string>(), CardKinds.Crs), (audited.CardUuid, audited.Kind));
        Assert.Equal("crs astct2019 not graded (car-t-record-unusable); infection not screened; anaphylaxis not screened", audited.Summary);
        Assert.Equal(
            card["overrideReasons"]!.AsArray().Select(r => (r!["code"]!.GetValue<string>(), r["display"]!.GetValue<string>())),
            audited.OfferedReasons.Select(r => (r.Code, r.Display)));
    }

    [Fact]
    public void Card_WithASourceOfNoKnownCriteria_IsUnknown()
    {
        var card = new CdsCard { Uuid = "u", Summary = "s", Indicator = "info", Source = new CdsSource("Somebody else's rule", "https://example.org/rule") };

        Assert.Equal(CardKinds.Unknown, CardKinds.Of(card));
        Assert.Equal(CardKinds.Unknown, CardKinds.Of(card with { Source = new CdsSource("No URL") }));
    }
}
