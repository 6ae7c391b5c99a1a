using System.Net;
using System.Text.Json.Nodes;

using CrsCdsHooks.Api.Storage;
using CrsCdsHooks.Api.Tests.Infrastructure;

namespace CrsCdsHooks.Api.Tests.Endpoints;

public sealed class FeedbackTests
{
    private const string FeedbackPath = ApiHost.ServicePath + "/feedback";

    [Fact]
    public async Task Accepted_IsStoredBeforeThe200()
    {
        using var host = new ApiHost(null);

        var response = await host.PostJsonAsync(FeedbackPath, """
            {"feedback":[{"card":"00000000-0000-4000-8000-000000000001","outcome":"accepted",
              "acceptedSuggestions":[{"id":"00000000-0000-4000-8000-000000000002"}],"outcomeTimestamp":"2025-06-15T11:55:00Z"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, host.Store.CompletedWrites);
        var item = Assert.Single(host.Store.Feedback);
        Assert.Equal(new FeedbackItem("crs-patient-view", "00000000-0000-4000-8000-000000000001", "accepted",
            new DateTimeOffset(2025, 6, 15, 11, 55, 0, TimeSpan.Zero), item.AcceptedSuggestionIds, null, null, null, ApiHost.AsOf), item);
        Assert.Equal(["00000000-0000-4000-8000-000000000002"], item.AcceptedSuggestionIds);
    }

    [Fact]
    public async Task Overridden_KeepsTheReasonAndComment()
    {
        using var host = new ApiHost(null);

        var response = await host.PostJsonAsync(FeedbackPath, """
            {"feedback":[{"card":"00000000-0000-4000-8000-0000000000c1","outcome":"overridden","outcomeTimestamp":"2025-06-15T13:55:00+02:00",
              "overrideReason":{"reason":{"code":"already-treated","system":"https://crs-cds-hooks.example/override","display":"Already treated"},
                                "userComment":"Tocilizumab given an hour ago"}}]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var item = Assert.Single(host.Store.Feedback);
        Assert.Equal(("already-treated", "https://crs-cds-hooks.example/override", "Tocilizumab given an hour ago"),
            (item.OverrideReasonCode, item.OverrideReasonSystem, item.OverrideComment));
        Assert.Equal(new DateTimeOffset(2025, 6, 15, 11, 55, 0, TimeSpan.Zero), item.OutcomeTimestamp);
    }

    [Fact]
    public async Task UnknownCardUuid_IsAccepted()
    {
        using var host = new ApiHost(null);

        var response = await host.PostJsonAsync(FeedbackPath, """{"feedback":[{"card":"7d1e9a40-5b7c-4f2e-a3d1-000000000999","outcome":"accepted","outcomeTimestamp":"2025-06-15T11:55:00Z"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(host.Store.Feedback);
    }

    [Theory]
    [InlineData(60, HttpStatusCode.OK)]      // within the default clock skew of 60 s
    [InlineData(61, HttpStatusCode.BadRequest)]
    public async Task OutcomeTimestampAheadOfTheClock_IsAcceptedOnlyWithinTheClockSkew(int secondsAhead, HttpStatusCode expected)
    {
        using var host = new ApiHost(null);
        var at = ApiHost.AsOf.AddSeconds(secondsAhead).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

        var response = await host.PostJsonAsync(FeedbackPath, $$"""{"feedback":[{"card":"00000000-0000-4000-8000-0000000000c1","outcome":"accepted","outcomeTimestamp":"{{at}}"}]}""");

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task SameFeedbackTwice_Is200BothTimesAndStoredOnce()
    {
        using var host = new ApiHost(null);
        const string body = """{"feedback":[{"card":"00000000-0000-4000-8000-0000000000c1","outcome":"accepted","outcomeTimestamp":"2025-06-15T11:55:00Z"}]}""";

        var first = await host.PostJsonAsync(FeedbackPath, body);
        var second = await host.PostJsonAsync(FeedbackPath, body);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Single(host.Store.Feedback);
    }

    [Theory]
    [InlineData("{}", "feedback array")]
    [InlineData("{\"feedback\":[]}", "at least one item")]
    [InlineData("{\"feedback\":[{\"outcome\":\"accepted\",\"outcomeTimestamp\":\"2025-06-15T11:55:00Z\"}]}", "feedback[0].card")]
    [InlineData("{\"feedback\":[{\"card\":\"00000000-0000-4000-8000-00000000000c\",\"outcome\":\"ignored\",\"outcomeTimestamp\":\"2025-06-15T11:55:00Z\"}]}", "feedback[0].outcome")]
    [InlineData("{\"feedback\":[{\"card\":\"00000000-0000-4000-8000-00000000000c\",\"outcome\":\"accepted\"}]}", "feedback[0].outcomeTimestamp")]
    [InlineData("{\"feedback\":[{\"card\":\"00000000-0000-4000-8000-00000000000c\",\"outcome\":\"accepted\",\"outcomeTimestamp\":\"2025-06-15T12:05:00\"}]}", "time zone")]
    [InlineData("{\"feedback\":[{\"card\":\"00000000-0000-4000-8000-00000000000c\",\"outcome\":\"accepted\",\"outcomeTimestamp\":\"yesterday\"}]}", "feedback[0].outcomeTimestamp")]
    [InlineData("{\"feedback\":[{\"card\":\"00000000-0000-4000-8000-00000000000c\",\"outcome\":\"accepted\",\"outcomeTimestamp\":\"2025-06-15T11:55:00Z\",\"acceptedSuggestions\":[\"s-1\"]}]}", "acceptedSuggestions")]
    [InlineData("{\"feedback\":[{\"card\":\"00000000-0000-4000-8000-00000000000c\",\"outcome\":\"overridden\",\"outcomeTimestamp\":\"2025-06-15T11:55:00Z\",\"overrideReason\":{\"reason\":{\"display\":\"x\"}}}]}", "overrideReason.reason")]
    [InlineData("{\"feedback\":[{\"card\":\"00000000-0000-4000-8000-00000000000c\",\"outcome\":\"accepted\",\"outcomeTimestamp\":\"2025-06-15T11:55:00Z\"}, 7]}", "feedback[1]")]
    [InlineData("{\"feedback\":[{\"card\":\"not a uuid <script>\",\"outcome\":\"accepted\",\"outcomeTimestamp\":\"2025-06-15T11:55:00Z\"}]}", "feedback[0].card must be the uuid")]
    [InlineData("{\"feedback\":[{\"card\":\"00000000-0000-4000-8000-00000000000c\",\"outcome\":\"overridden\",\"outcomeTimestamp\":\"2025-06-15T11:55:00Z\",\"acceptedSuggestions\":[{\"id\":\"s-1\"}]}]}", "acceptedSuggestions goes only with outcome")]
    [InlineData("{\"feedback\":[{\"card\":\"00000000-0000-4000-8000-00000000000c\",\"outcome\":\"accepted\",\"outcomeTimestamp\":\"2025-06-15T11:55:00Z\",\"overrideReason\":{\"userComment\":\"x\"}}]}", "overrideReason goes only with outcome")]
    [InlineData("{\"feedback\":[{\"card\":\"00000000-0000-4000-8000-00000000000c\",\"outcome\":\"accepted\",\"outcomeTimestamp\":\"9999-12-31T23:59:59+14:00\"}]}", "lies in the future")]
    public async Task InvalidFeedback_Is400SayingWhatToFix(string body, string expected)
    {
        using var host = new ApiHost(null);

        var response = await host.PostJsonAsync(FeedbackPath, body);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, expected);
        Assert.Empty(host.Store.Feedback);
    }

    [Fact]
    public async Task OneBadItem_StoresNothing()
    {
        using var host = new ApiHost(null);

        var response = await host.PostJsonAsync(FeedbackPath, """
            {"feedback":[{"card":"00000000-0000-4000-8000-0000000000c1","outcome":"accepted","outcomeTimestamp":"2025-06-15T11:55:00Z"},
                         {"card":"00000000-0000-4000-8000-0000000000c2","outcome":"maybe","outcomeTimestamp":"2025-06-15T11:55:00Z"}]}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(host.Store.Feedback);
    }

    [Fact]
    public async Task CommentTooLong_Is400()
    {
        using var host = new ApiHost(null);
        var body = new JsonObject
        {
            ["feedback"] = new JsonArray(new JsonObject
            {
                ["card"] = "00000000-0000-4000-8000-0000000000c1",
                ["outcome"] = "overridden",
                ["outcomeTimestamp"] = "2025-06-15T11:55:00Z",
                ["overrideReason"] = new JsonObject { ["userComment"] = new string('x', 4001) },
            }),
        };

        var response = await host.PostJsonAsync(FeedbackPath, body.ToJsonString());

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "at most 4000 characters");
    }

    [Fact]
    public async Task NotJson_Is415()
    {
        using var host = new ApiHost(null);

        var response = await host.PostJsonAsync(FeedbackPath, "card=c-1", "application/x-www-form-urlencoded");

        await OperationOutcomeAssert.IsOutcomeAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task StoreFails_Is500AndNot200()
    {
        using var host = new ApiHost(null);
        host.Store.Failure = new IOException("database locked");

        var response = await host.PostJsonAsync(FeedbackPath, """{"feedback":[{"card":"00000000-0000-4000-8000-0000000000c1","outcome":"accepted","outcomeTimestamp":"2025-06-15T11:55:00Z"}]}""");

        await OperationOutcomeAssert.IsOutcomeAsync(response, HttpStatusCode.InternalServerError);
    }

    [Fact]
    public async Task Feedback_IsLoggedAsCountsNeverTheComment()
    {
        using var host = new ApiHost(null);

        await host.PostJsonAsync(FeedbackPath, """
            {"feedback":[{"card":"00000000-0000-4000-8000-0000000000c1","outcome":"overridden","outcomeTimestamp":"2025-06-15T11:55:00Z",
              "overrideReason":{"userComment":"patient Jane Doe refused"}}]}
            """);

        Assert.Contains(host.Logs.Entries, e => e.EventId == 9);
        Assert.DoesNotContain("Jane Doe", host.Logs.AllText, StringComparison.Ordinal);
    }
}
