namespace CrsCdsHooks.Core.Cards;

/// <summary>Where card and suggestion uuids come from. The host uses random UUIDs; tests a deterministic sequence.</summary>
public interface ICardIdSource
{
    /// <summary>A new UUID (lower-case, hyphenated).</summary>
    string NewId();
}

/// <summary>A deterministic id source: 00000000-0000-4000-8000-000000000001, …002, … (for tests and golden cards).</summary>
public sealed class SequentialCardIdSource : ICardIdSource
{
    private int _next;

    /// <inheritdoc />
    public string NewId() => $"00000000-0000-4000-8000-{Interlocked.Increment(ref _next):D12}";
}
