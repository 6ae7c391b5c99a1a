using System.Text.Json;

namespace CrsCdsHooks.Core.Tests.Cards;

/// <summary>Golden CRS cards: the exact JSON an EHR receives for representative assessments.</summary>
public sealed class CrsCardGoldenTests
{
    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Build_RendersTheGoldenCard(string scenario)
    {
        var card = CardScenarios.Get(scenario).Card();

        GoldenFile.AssertMatches($"crs-card-{scenario}.json", JsonSerializer.Serialize(card, CardScenarios.Indented));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Build_RendersTheGoldenDetailMarkdown(string scenario)
    {
        var card = CardScenarios.Get(scenario).Card();

        GoldenFile.AssertMatches($"crs-card-{scenario}.md", card.Detail!);
    }

    public static TheoryData<string> Scenarios => CardScenarios.Names;
}
