namespace CrsCdsHooks.Workloads;

/// <summary>
/// A stub FHIR server for W3: answers each prefetch query of the discovery document with the W3 patient's
/// resources (generated at start, as of then), after a fixed delay per query (50 ms by default) to stand in for a
/// real FHIR server's latency. Query parameters other than <c>category</c> are ignored (the service's date bounds
/// and sort order do not change the answer).
/// </summary>
public static class FhirStub
{
    /// <summary>Runs the stub until stopped: <c>--urls http://127.0.0.1:PORT [--delay-ms 50]</c>, base path <c>/fhir</c>.</summary>
    public static async Task RunAsync(string[] args, int delayMs)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var data = WorkloadGenerator.Generate(Workload.W3, TimeProvider.System.GetUtcNow());
        var delay = TimeSpan.FromMilliseconds(delayMs);

        async Task<IResult> Answer(string key, CancellationToken aborted)
        {
            await Task.Delay(delay, aborted).ConfigureAwait(false);
            return Results.Bytes(data.Prefetch[key], "application/fhir+json");
        }

        app.MapGet("/fhir/Patient/{id}", (string id, CancellationToken aborted) =>
            id == data.PatientId ? Answer("patient", aborted) : Task.FromResult(Results.NotFound()));
        app.MapGet("/fhir/Observation", (string? category, CancellationToken aborted) => category switch
        {
            "vital-signs" => Answer("vitalSigns", aborted),
            "laboratory" => Answer("laboratory", aborted),
            _ => Task.FromResult(Results.BadRequest()),
        });
        app.MapGet("/fhir/MedicationAdministration", (CancellationToken aborted) => Answer("medicationAdministrations", aborted));
        app.MapGet("/fhir/Procedure", (CancellationToken aborted) => Answer("procedures", aborted));
        app.MapGet("/fhir/Condition", (CancellationToken aborted) => Answer("conditions", aborted));
        app.MapGet("/fhir/AllergyIntolerance", (CancellationToken aborted) => Answer("allergies", aborted));
        app.MapGet("/health", () => Results.Text("ok"));
        await app.RunAsync().ConfigureAwait(false);
    }
}
