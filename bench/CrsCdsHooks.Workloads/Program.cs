using System.Globalization;

using CrsCdsHooks.Workloads;

// The workload tool of bench/load:
//   generate <w1|w2|w3> <out.json> [--as-of 2026-11-25T12:00:00Z] [--fhir-server http://127.0.0.1:5099/fhir]
//   fhir-stub --urls http://127.0.0.1:5099 [--delay-ms 50]
if (args.Length >= 1 && args[0] == "fhir-stub")
{
    var delay = Option(args, "--delay-ms") is { } d ? int.Parse(d, CultureInfo.InvariantCulture) : 50;
    var hostArgs = args.Skip(1).ToList();
    var at = hostArgs.IndexOf("--delay-ms");
    if (at >= 0) hostArgs.RemoveRange(at, Math.Min(2, hostArgs.Count - at));
    await FhirStub.RunAsync([.. hostArgs], delay);
    return 0;
}
if (args.Length >= 3 && args[0] == "generate" && Enum.TryParse<Workload>(args[1], ignoreCase: true, out var workload))
{
    var asOf = Option(args, "--as-of") is { } a ? DateTimeOffset.Parse(a, CultureInfo.InvariantCulture) : TimeProvider.System.GetUtcNow();
    var fhirServer = Option(args, "--fhir-server");
    if (workload == Workload.W3 && fhirServer is null)
    {
        Console.Error.WriteLine("w3 needs --fhir-server (the stub's base URL, e.g. http://127.0.0.1:5099/fhir)");
        return 2;
    }
    var data = WorkloadGenerator.Generate(workload, asOf);
    var bytes = data.Request(workload == Workload.W3 ? fhirServer : null);
    await File.WriteAllBytesAsync(args[2], bytes);
    Console.WriteLine($"{workload}: {data.ResourceCount} resources, {bytes.Length} bytes -> {args[2]}");
    return 0;
}
Console.Error.WriteLine("usage: generate <w1|w2|w3> <out.json> [--as-of ISO] [--fhir-server URL] | fhir-stub --urls URL [--delay-ms N]");
return 2;

static string? Option(string[] args, string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
