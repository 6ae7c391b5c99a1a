using CrsCdsHooks.Api;
using CrsCdsHooks.Api.Endpoints;
using CrsCdsHooks.Api.Storage;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrsCdsHooks.Benchmarks;

/// <summary>
/// The service's own request path, in process and without HTTP: the host's DI registrations (Program.cs's
/// options, services and FHIR client), one scope and one <see cref="PatientViewHandler"/> per call, the body read
/// from a stream exactly as Kestrel hands it over, and the result written by the host's JSON options to a
/// response stream. Left out: authentication (the handler is called directly), logging providers (the load test
/// measures them), and the card audit, replaced by a no-op store (SQLite's durable write is measured by the load
/// test).
/// </summary>
public sealed class PipelineHost : IDisposable
{
    public const string ServiceId = "crs-patient-view";

    private readonly WebApplication _app;

    public PipelineHost()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // W2 (≈ 13 MB, ≈ 14,400 vital signs in one key) is above the defaults; the load test raises the same limits.
            ["CdsHooks:Limits:MaxBodyBytes"] = "67108864",
            ["CdsHooks:Fhir:MaxResources"] = "20000",
        });
        builder.Services.AddSingleton<IFeedbackStore, NoAuditStore>();
        builder.Services.AddSingleton<IPatientIdHasher, NoAuditStore>();
        builder.Services.AddCdsHooksOptions();
        builder.Services.AddCdsHooksServices();
        builder.Services.AddFhirServerClient();
        _app = builder.Build();
    }

    public IServiceProvider Services => _app.Services;

    /// <summary>One call: request bytes in, response bytes (and status) out.</summary>
    public async Task<(int Status, MemoryStream Body)> CallAsync(byte[] request)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = HttpMethods.Post;
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = request.Length;
        context.Request.Body = new MemoryStream(request, writable: false);
        var body = new MemoryStream();
        context.Response.Body = body;
        var handler = scope.ServiceProvider.GetRequiredService<PatientViewHandler>();
        var result = await handler.HandleAsync(ServiceId, context);
        await result.ExecuteAsync(context);
        return (context.Response.StatusCode, body);
    }

    public void Dispose() => ((IDisposable)_app).Dispose();

    private sealed class NoAuditStore : IFeedbackStore, IPatientIdHasher
    {
        public Task<IReadOnlyList<FeedbackWriteResult>> StoreFeedbackAsync(IReadOnlyList<FeedbackItem> items, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<FeedbackWriteResult>>([.. items.Select(_ => FeedbackWriteResult.Stored)]);

        public Task RecordCardsAsync(IReadOnlyList<CardAuditRecord> cards, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<bool> IsReachableAsync(CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<string> HashAsync(string patientId, CancellationToken cancellationToken) => Task.FromResult("0");
    }
}
