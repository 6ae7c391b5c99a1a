using System.Collections.Concurrent;

using CrsCdsHooks.Api.Storage;

namespace CrsCdsHooks.Api.Tests.Infrastructure;

/// <summary>A feedback store that records every call and can be told to fail or to be unreachable.</summary>
public sealed class RecordingFeedbackStore : IFeedbackStore
{
    private readonly ConcurrentDictionary<(string, string, DateTimeOffset), byte> _keys = new();

    public ConcurrentQueue<FeedbackItem> Feedback { get; } = new();

    public ConcurrentQueue<CardAuditRecord> Cards { get; } = new();

    public bool Reachable { get; set; } = true;

    public Exception? Failure { get; set; }

    private int _completedWrites;

    /// <summary>How many StoreFeedbackAsync calls have returned (the endpoint must answer only after its call).</summary>
    public int CompletedWrites => Volatile.Read(ref _completedWrites);

    public async Task<IReadOnlyList<FeedbackWriteResult>> StoreFeedbackAsync(IReadOnlyList<FeedbackItem> items, CancellationToken cancellationToken)
    {
        await Task.Yield();
        if (Failure is not null) throw Failure;
        var results = new List<FeedbackWriteResult>();
        foreach (var item in items)
        {
            var fresh = _keys.TryAdd((item.CardUuid, item.Outcome, item.OutcomeTimestamp), 0);
            if (fresh) Feedback.Enqueue(item);
            results.Add(fresh ? FeedbackWriteResult.Stored : FeedbackWriteResult.AlreadyStored);
        }
        Interlocked.Increment(ref _completedWrites);
        return results;
    }

    public Task RecordCardsAsync(IReadOnlyList<CardAuditRecord> cards, CancellationToken cancellationToken)
    {
        if (Failure is not null) throw Failure;
        foreach (var card in cards) Cards.Enqueue(card);
        return Task.CompletedTask;
    }

    public Task<bool> IsReachableAsync(CancellationToken cancellationToken) => Task.FromResult(Reachable);
}
