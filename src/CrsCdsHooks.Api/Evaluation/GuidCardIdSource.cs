using CrsCdsHooks.Core.Cards;

namespace CrsCdsHooks.Api.Evaluation;

/// <summary>Random card and suggestion uuids (lower-case, hyphenated): feedback refers to them.</summary>
internal sealed class GuidCardIdSource : ICardIdSource
{
    public string NewId() => Guid.NewGuid().ToString("D");
}
