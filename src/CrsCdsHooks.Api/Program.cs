using CrsCdsHooks.Api;
using CrsCdsHooks.Api.Auth;
using CrsCdsHooks.Api.Storage;
using CrsCdsHooks.Api.Endpoints;
using CrsCdsHooks.Api.OpenApi;

var builder = WebApplication.CreateBuilder(args);

builder.AddCdsClientTrust();                            // CDS client JWTs (CDS-HOOKS.md "Trusting CDS clients")
builder.Services.AddCdsStorage(builder.Configuration);   // SQLite feedback + card audit (before the host services)
builder.Services.AddCdsHooksOptions();
builder.Services.AddCdsHooksCors();
builder.Services.AddCdsHooksServices();
builder.Services.AddFhirServerClient();
builder.Services.AddCdsHooksSwagger();

var app = builder.Build();

app.UseCors();
app.UseCdsHooksErrors();
app.UseCdsClientTrust();
app.UseCdsHooksSwagger();

app.MapCdsHooks();
app.MapHealth();
if (app.Environment.IsDevelopment()) app.MapSamples();   // fhir-samples shifted to now, for curl

app.Run();