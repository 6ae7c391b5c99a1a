using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace CrsCdsHooks.Api.Tests.Infrastructure;

/// <summary>
/// A FHIR server played by WireMock on loopback, base <c>http://127.0.0.1:{port}/fhir</c>. Stubs are named for what
/// the server does (serves the vital signs, fails, is slow, pages…); by default every search answers an empty Bundle
/// and the patient read answers the Patient.
/// </summary>
public sealed class FhirServerStub : IDisposable
{
    private FhirServerStub(WireMockServer server)
    {
        Server = server;
        Server.Given(Request.Create().WithPath("/fhir/*").UsingGet()).AtPriority(100)
            .RespondWith(Json(HookRequests.Bundle()));
        ServesPatient();
    }

    public WireMockServer Server { get; }

    public string Origin => $"http://127.0.0.1:{Server.Ports[0]}";

    public string BaseUrl => Origin + "/fhir";

    public static FhirServerStub Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var stub = new FhirServerStub(WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{port}"] }));
        stub.WarmUp();
        return stub;
    }

    public FhirServerStub ServesPatient(string id = HookRequests.PatientId)
    {
        Server.Given(Request.Create().WithPath($"/fhir/Patient/{id}").UsingGet()).AtPriority(10).RespondWith(Json(HookRequests.Patient(id)));
        return this;
    }

    public FhirServerStub ServesVitalSigns(JsonObject bundle)
    {
        Server.Given(Request.Create().WithPath("/fhir/Observation").WithParam("category", "vital-signs").UsingGet()).AtPriority(10).RespondWith(Json(bundle));
        return this;
    }

    public FhirServerStub ServesMedicationAdministrations(JsonObject bundle)
    {
        Server.Given(Request.Create().WithPath("/fhir/MedicationAdministration").UsingGet()).AtPriority(10).RespondWith(Json(bundle));
        return this;
    }

    public FhirServerStub ServesPage(string path, JsonObject bundle)
    {
        Server.Given(Request.Create().WithPath(path).UsingGet()).AtPriority(5).RespondWith(Json(bundle));
        return this;
    }

    public FhirServerStub FailsVitalSigns(int status)
    {
        Server.Given(Request.Create().WithPath("/fhir/Observation").WithParam("category", "vital-signs").UsingGet()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/fhir+json").WithBody(HookRequests.OperationOutcome().ToJsonString()));
        return this;
    }

    public FhirServerStub FailsPage(string path, int status)
    {
        Server.Given(Request.Create().WithPath(path).UsingGet()).AtPriority(5).RespondWith(Response.Create().WithStatusCode(status));
        return this;
    }

    public FhirServerStub FailsEverything(int status)
    {
        Server.Given(Request.Create().WithPath("/fhir/*").UsingGet()).AtPriority(1).RespondWith(Response.Create().WithStatusCode(status));
        return this;
    }

    public FhirServerStub IsSlowForEverything(TimeSpan delay)
    {
        Server.Given(Request.Create().WithPath("/fhir/*").UsingGet()).AtPriority(1).RespondWith(Json(HookRequests.Bundle()).WithDelay(delay));
        return this;
    }

    /// <summary>Every request the server received.</summary>
    public IReadOnlyList<ILogEntry> Requests => Server.LogEntries.ToList();

    /// <summary>Requests whose path starts with the given text (e.g. "/fhir/Observation").</summary>
    public IReadOnlyList<ILogEntry> RequestsTo(string pathStart) =>
        Requests.Where(e => (e.RequestMessage?.Path ?? "").StartsWith(pathStart, StringComparison.Ordinal)).ToList();

    public void Dispose() => Server.Stop();

    /// <summary>One request before the test, so the first real request is not slowed by the server's start-up; then forgotten.</summary>
    private void WarmUp()
    {
        using var client = new HttpClient();
        client.GetAsync(new Uri(Origin + "/warm-up")).GetAwaiter().GetResult().Dispose();
        Server.ResetLogEntries();
    }

    private static IResponseBuilder Json(JsonNode body) =>
        Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/fhir+json").WithBody(body.ToJsonString());
}
