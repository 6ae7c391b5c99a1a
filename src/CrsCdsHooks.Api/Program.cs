using CrsCdsHooks.Api;
using CrsCdsHooks.Api.Endpoints;
using CrsCdsHooks.Api.OpenApi;

var builder = WebApplication.CreateBuilder(args);

// Register a durable IFeedbackStore and the JWT trust here, before the host services (the in-memory store is
// only a fallback when none is registered).
builder.Services.AddCdsHooksOptions();
builder.Services.AddCdsHooksCors();
builder.Services.AddCdsHooksServices();
builder.Services.AddFhirServerClient();
builder.Services.AddCdsHooksSwagger();

var app = builder.Build();

app.UseCors();
app.UseCdsHooksErrors();
app.UseCdsHooksSwagger();

app.MapCdsHooks();
app.MapHealth();

app.Run();