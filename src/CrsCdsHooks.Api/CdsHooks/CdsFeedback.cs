using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

using CrsCdsHooks.Api.Storage;

namespace CrsCdsHooks.Api.CdsHooks;

/// <summary>The body of <c>POST /cds-services/{id}/feedback</c> (CDS Hooks 2.0).</summary>
/// <param name="Feedback">One item per card outcome.</param>
public sealed record CdsFeedbackRequest(IReadOnlyList<CdsFeedbackItem> Feedback);

/// <summary>What the user did with one card.</summary>
public sealed record CdsFeedbackItem
{
    /// <summary>The card's uuid (required to be a UUID; uuids this service never served are accepted and stored).</summary>
    /// <example>00000000-0000-4000-8000-000000000001</example>
    public required string Card { get; init; }

    /// <summary><c>accepted</c> or <c>overridden</c>.</summary>
    /// <example>accepted</example>
    public required string Outcome { get; init; }

    /// <summary>The suggestions the user accepted (only with <c>accepted</c>; may be left out for a card accepted without a suggestion).</summary>
    public IReadOnlyList<CdsAcceptedSuggestion>? AcceptedSuggestions { get; init; }

    /// <summary>Why the user overrode the card (only with <c>overridden</c>).</summary>
    public CdsOverrideReason? OverrideReason { get; init; }

    /// <summary>When the outcome happened (an instant with a time zone, not in the future beyond <c>CdsHooks:Auth:ClockSkew</c>).</summary>
    /// <example>2025-06-15T11:55:00Z</example>
    public required string OutcomeTimestamp { get; init; }
}

/// <summary>An accepted suggestion.</summary>
/// <param name="Id">The suggestion's uuid.</param>
public sealed record CdsAcceptedSuggestion(string Id);

/// <summary>An override reason: one of the card's <c>overrideReasons</c>, and an optional comment.</summary>
/// <param name="Reason">The coding chosen.</param>
/// <param name="UserComment">Free text from the user.</param>
public sealed record CdsOverrideReason(CdsReasonCoding? Reason, string? UserComment);

/// <summary>A coding in an override reason.</summary>
/// <param name="Code">The code.</param>
/// <param name="System">The code system.</param>
/// <param name="Display">The text shown.</param>
public sealed record CdsReasonCoding(string Code, string? System, string? Display);

/// <summary>Reads and validates feedback; every problem says what to fix.</summary>
internal static partial class CdsFeedbackReader
{
    /// <summary>Longest accepted free-text comment.</summary>
    public const int MaxCommentLength = 4000;

    /// <summary>Longest accepted identifier (card, suggestion, code).</summary>
    public const int MaxIdLength = 256;

    /// <summary>Most items in one feedback body.</summary>
    public const int MaxItems = 1000;

    /// <remarks>
    /// CDS Hooks 2.0: <c>card</c> is the card's uuid; <c>acceptedSuggestions</c> goes with <c>accepted</c> and
    /// <c>overrideReason</c> with <c>overridden</c>, so either with the other outcome is refused. The specification
    /// calls acceptedSuggestions required for accepted outcomes; [operational] an <c>accepted</c> without them is
    /// still stored, because a card with no suggestion (only links, or the infection card's text) can be accepted and
    /// EHRs report it so. An outcome timestamped in the future beyond the clock skew cannot have happened.
    /// </remarks>
    public static IReadOnlyList<FeedbackItem>? TryRead(JsonElement root, string serviceId, DateTimeOffset receivedAt, TimeSpan clockSkew, out IReadOnlyList<string> problems)
    {
        var errors = new List<string>();
        problems = errors;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("feedback", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            errors.Add("The body must be a JSON object with a feedback array: {\"feedback\": [{\"card\": …, \"outcome\": …, \"outcomeTimestamp\": …}]}.");
            return null;
        }
        var count = list.GetArrayLength();
        if (count == 0) errors.Add("feedback must hold at least one item.");
        if (count > MaxItems) errors.Add($"feedback holds {count} items; send at most {MaxItems} per call.");
        if (errors.Count > 0) return null;

        var items = new List<FeedbackItem>();
        var index = 0;
        foreach (var element in list.EnumerateArray())
        {
            var item = ReadItem(element, $"feedback[{index}]", serviceId, receivedAt, clockSkew, errors);
            if (item is not null) items.Add(item);
            index++;
        }
        return errors.Count > 0 ? null : items;
    }

    private static FeedbackItem? ReadItem(JsonElement element, string at, string serviceId, DateTimeOffset receivedAt, TimeSpan clockSkew, List<string> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{at} must be an object with card, outcome and outcomeTimestamp.");
            return null;
        }
        var before = errors.Count;
        var card = ReadString(element, "card");
        if (string.IsNullOrWhiteSpace(card) || card.Length > MaxIdLength) errors.Add($"{at}.card is required: the uuid of the card the feedback is about.");
        else if (!Guid.TryParseExact(card, "D", out _)) errors.Add($"{at}.card must be the uuid of the card (e.g. 5f0e7b36-3c1c-4bd7-9d7e-0c8a6f1d2a02), as the card's uuid member gave it.");

        var outcome = ReadString(element, "outcome");
        if (outcome is not ("accepted" or "overridden")) errors.Add($"{at}.outcome is required and must be \"accepted\" or \"overridden\".");

        var timestampText = ReadString(element, "outcomeTimestamp");
        var timestamp = default(DateTimeOffset);
        if (timestampText is null || !Instant().IsMatch(timestampText)
            || !DateTimeOffset.TryParse(timestampText, CultureInfo.InvariantCulture, DateTimeStyles.None, out timestamp))
            errors.Add($"{at}.outcomeTimestamp is required: an instant with a time zone, e.g. 2025-06-15T11:55:00Z.");
        else if (timestamp > receivedAt + clockSkew)
            errors.Add($"{at}.outcomeTimestamp {timestampText} lies in the future (now {receivedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}, clock skew {clockSkew.TotalSeconds:0} s, CdsHooks:Auth:ClockSkew): send when the user acted.");

        var accepted = new List<string>();
        if (element.TryGetProperty("acceptedSuggestions", out var suggestions) && suggestions.ValueKind != JsonValueKind.Null)
        {
            if (suggestions.ValueKind != JsonValueKind.Array)
                errors.Add($"{at}.acceptedSuggestions must be an array of {{\"id\": \"<suggestion uuid>\"}}.");
            else
            {
                foreach (var s in suggestions.EnumerateArray())
                {
                    var id = s.ValueKind == JsonValueKind.Object ? ReadString(s, "id") : null;
                    if (string.IsNullOrWhiteSpace(id) || id.Length > MaxIdLength)
                    {
                        errors.Add($"{at}.acceptedSuggestions must be an array of {{\"id\": \"<suggestion uuid>\"}}.");
                        break;
                    }
                    accepted.Add(id);
                }
            }
        }

        string? reasonCode = null, reasonSystem = null, comment = null;
        if (element.TryGetProperty("overrideReason", out var reason) && reason.ValueKind != JsonValueKind.Null)
        {
            if (reason.ValueKind != JsonValueKind.Object)
                errors.Add($"{at}.overrideReason must be an object with reason (a coding) and/or userComment.");
            else
            {
                if (reason.TryGetProperty("reason", out var coding) && coding.ValueKind != JsonValueKind.Null)
                {
                    reasonCode = coding.ValueKind == JsonValueKind.Object ? ReadString(coding, "code") : null;
                    reasonSystem = coding.ValueKind == JsonValueKind.Object ? ReadString(coding, "system") : null;
                    if (string.IsNullOrWhiteSpace(reasonCode) || reasonCode.Length > MaxIdLength || (reasonSystem?.Length ?? 0) > MaxIdLength)
                        errors.Add($"{at}.overrideReason.reason must be a coding with a code (one of the card's overrideReasons).");
                }
                if (reason.TryGetProperty("userComment", out var text) && text.ValueKind != JsonValueKind.Null)
                {
                    comment = text.ValueKind == JsonValueKind.String ? text.GetString() : null;
                    if (comment is null || comment.Length > MaxCommentLength)
                        errors.Add($"{at}.overrideReason.userComment must be a string of at most {MaxCommentLength} characters.");
                }
            }
        }

        if (outcome == "overridden" && accepted.Count > 0)
            errors.Add($"{at}.acceptedSuggestions goes only with outcome \"accepted\"; an overridden card has no accepted suggestion.");
        if (outcome == "accepted" && (reasonCode is not null || comment is not null))
            errors.Add($"{at}.overrideReason goes only with outcome \"overridden\".");

        if (errors.Count > before) return null;
        return new FeedbackItem(serviceId, card!, outcome!, timestamp, accepted, reasonCode, reasonSystem, comment, receivedAt);
    }

    private static string? ReadString(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Instant();
}
