using System.Collections.Concurrent;

using CrsCdsHooks.Api.Storage;

namespace CrsCdsHooks.Api.Feedback;

/// <summary>
/// The fallback store used only when no durable <see cref="IFeedbackStore"/> is registered: process memory,
/// idempotent per card + outcome + timestamp, lost on restart (a warning is logged at start-up). The durable
/// store replaces it by registering its own <see cref="IFeedbackStore"/>.
/// </summary>
internal sealed class InMemoryFeedbackStore : IFeedbackStore
{
    private readonly ConcurrentDictionary<(string Card, string Outcome, DateTimeOffset At), FeedbackItem> _feedback = new();
    private readonly ConcurrentQueue<CardAuditRecord> _cards = new();

    public IReadOnlyCollection<FeedbackItem> Feedback => _feedback.Values.ToList();

    public IReadOnlyCollection<CardAuditRecord> Cards => _cards.ToList();

    public Task<IReadOnlyList<FeedbackWriteResult>> StoreFeedbackAsync(IReadOnlyList<FeedbackItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        IReadOnlyList<FeedbackWriteResult> results = items
            .Select(i => _feedback.TryAdd((i.CardUuid, i.Outcome, i.OutcomeTimestamp), i) ? FeedbackWriteResult.Stored : FeedbackWriteResult.AlreadyStored)
            .ToList();
        return Task.FromResult(results);
    }

    public Task RecordCardsAsync(IReadOnlyList<CardAuditRecord> cards, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cards);
        foreach (var card in cards) _cards.Enqueue(card);
        return Task.CompletedTask;
    }

    public Task<bool> IsReachableAsync(CancellationToken cancellationToken) => Task.FromResult(true);
}
