using System.Net;

using CrsCdsHooks.Api.Tests.Infrastructure;

namespace CrsCdsHooks.Api.Tests.Endpoints;

public sealed class HealthTests
{
    [Fact]
    public async Task Live_Is200()
    {
        using var host = new ApiHost(null);

        var response = await host.CreateClient().GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Ready_WhenTheStoreIsReachable_Is200()
    {
        using var host = new ApiHost(null);

        var response = await host.CreateClient().GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Ready_WhenTheStoreIsUnreachable_Is503OperationOutcome()
    {
        using var host = new ApiHost(null);
        host.Store.Reachable = false;

        var response = await host.CreateClient().GetAsync(new Uri("/health/ready", UriKind.Relative));

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.ServiceUnavailable, "feedback store");
    }

    [Fact]
    public async Task Live_StaysUpWhenTheStoreIsUnreachable()
    {
        using var host = new ApiHost(null);
        host.Store.Reachable = false;

        var response = await host.CreateClient().GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
