using CrsCdsHooks.Api;
using CrsCdsHooks.Api.Auth;
using CrsCdsHooks.Api.Endpoints;
using CrsCdsHooks.Api.OpenApi;
using CrsCdsHooks.Api.RateLimiting;
using CrsCdsHooks.Api.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.AddCdsClientTrust();                            // CDS client JWTs (CDS-HOOKS.md "Trusting CDS clients")
builder.Services.AddCdsStorage(builder.Configuration);   // SQLite or PostgreSQL feedback + card audit (before the host services)
builder.Services.AddCdsHooksOptions();
builder.Services.AddCdsHooksCors();
builder.Services.AddCdsRateLimiting();                   // per CDS client (JWT iss, else address): CdsHooks:RateLimit
builder.Services.AddCdsHooksServices();
builder.Services.AddFhirServerClient();
builder.Services.AddCdsHooksSwagger();

var app = builder.Build();

app.UseCors();
app.UseCdsHooksErrors();
app.UseCdsRateLimiting();   // after the error contract (its 429 is an OperationOutcome), before authorization
app.UseCdsClientTrust();
app.UseCdsHooksSwagger();

app.MapCdsHooks();
app.MapHealth();
app.MapReports();                                        // GET /reports/feedback when CdsHooks:Reports:Enabled
if (app.Environment.IsDevelopment()) app.MapSamples();   // fhir-samples shifted to now, for curl

app.Run();
