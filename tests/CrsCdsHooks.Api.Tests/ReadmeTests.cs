using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

using CrsCdsHooks.Api.Tests.Infrastructure;
using CrsCdsHooks.Core;
using CrsCdsHooks.Core.Cards;

namespace CrsCdsHooks.Api.Tests;

/// <summary>Every command and file the README names works: the curl examples are replayed against the service.</summary>
public sealed class ReadmeTests
{
    private const string ReadmeOrigin = "http://localhost:5080";

    private static readonly string Readme = File.ReadAllText(RepositoryFiles.PathOf("README.md"));

    public static TheoryData<string> CurlCommands()
    {
        var data = new TheoryData<string>();
        foreach (var command in ReadCurlCommands()) data.Add(command);
        return data;
    }

    [Fact]
    public void Readme_KeepsTheTestCommandWordForWord()
    {
        Assert.Contains("\ndotnet test --logger trx --results-directory TestResults\n", Readme, StringComparison.Ordinal);
    }

    [Fact]
    public void Readme_RunCommand_StartsDevelopmentOnTheUrlTheCurlExamplesUse()
    {
        Assert.Contains("\ndotnet run --project src/CrsCdsHooks.Api\n", Readme, StringComparison.Ordinal);
        using var launch = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.PathOf("src", "CrsCdsHooks.Api", "Properties", "launchSettings.json")));
        var first = launch.RootElement.GetProperty("profiles").EnumerateObject().First().Value;
        Assert.Equal(ReadmeOrigin, first.GetProperty("applicationUrl").GetString());
        Assert.Equal("Development", first.GetProperty("environmentVariables").GetProperty("ASPNETCORE_ENVIRONMENT").GetString());
        Assert.NotEmpty(ReadCurlCommands());
    }

    [Fact]
    public void Readme_NamesEveryConfigurationKeyOfTheContract()
    {
        string[] keys =
        [
            "CdsHooks:PublicBaseUrl", "CdsHooks:Auth:RequireJwt", "CdsHooks:Auth:MaxTokenLifetime", "CdsHooks:Auth:ClockSkew",
            "CdsHooks:Auth:Clients:N:Issuer", "CdsHooks:Auth:Clients:N:JwksUri", "CdsHooks:Auth:Clients:N:Tenants:M",
            "CdsHooks:Auth:Clients:N:FhirServers:M", "CdsHooks:Fhir:AllowAnyServer",
            "CdsHooks:Fhir:Timeout", "CdsHooks:Fhir:Budget", "CdsHooks:Fhir:MaxPages", "CdsHooks:Fhir:MaxResources",
            "CdsHooks:Cors:AllowedOrigins:N", "CdsHooks:Storage:Provider", "CdsHooks:Storage:ConnectionString",
            "CdsHooks:Storage:PatientHashSalt", "CdsHooks:Reports:Enabled", "CdsHooks:Limits:MaxBodyBytes", "CdsHooks:Limits:MaxJsonDepth",
            "CdsHooks:Limits:MaxResources", "CdsHooks:Limits:RequestTimeout", "CdsHooks:Grading:PrimarySystem",
            "CdsHooks:Grading:EligibilityDays", "CdsHooks:Grading:WindowHours",
        ];
        Assert.All(keys, k => Assert.Contains($"`{k}`", Readme, StringComparison.Ordinal));
        Assert.Contains("`…:Jwks`", Readme, StringComparison.Ordinal); // the inline JWKS, beside JwksUri in one row
    }

    [Theory]
    [MemberData(nameof(CurlCommands))]
    public async Task CurlExample_Succeeds(string command)
    {
        using var host = new ApiHost(null, realEvaluator: CoreIsWired());
        string? piped = null;
        foreach (var part in command.Split(" | "))
        {
            var curl = Curl.Parse(part);
            Assert.StartsWith(ReadmeOrigin + "/", curl.Url, StringComparison.Ordinal);
            using var request = new HttpRequestMessage(new HttpMethod(curl.Method), curl.Url[ReadmeOrigin.Length..]);
            if (curl.Data is not null)
            {
                var body = curl.Data == "@-" ? piped ?? throw new InvalidOperationException("-d @- needs a pipe")
                    : curl.Data.StartsWith('@') ? File.ReadAllText(RepositoryFiles.PathOf(curl.Data[1..].Split('/'))) : curl.Data;
                request.Content = new StringContent(body, Encoding.UTF8);
                request.Content.Headers.ContentType = null;
            }
            foreach (var (name, value) in curl.Headers)
            {
                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) request.Content!.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
                else request.Headers.Add(name, value);
            }

            var response = await host.CreateClient().SendAsync(request);

            piped = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{part}\n→ {(int)response.StatusCode}: {piped}");
            if (curl.Url.EndsWith("/cds-services/crs-patient-view", StringComparison.Ordinal))
            {
                var cards = JsonNode.Parse(piped)!["cards"]!.AsArray();
                // A sample fetched from /samples is shifted to now: it is eligible and gets at least the CRS card.
                if (command.Contains("/samples/", StringComparison.Ordinal)) Assert.NotEmpty(cards);
            }
        }
    }

    /// <summary>
    /// The README's cards come from the real clinical core once <see cref="CrsPatientView"/> is wired; until then the
    /// protocol is exercised with the fixed-card evaluator (the host's behaviour is the same either way).
    /// </summary>
    private static bool CoreIsWired()
    {
        try
        {
            new CrsPatientView(new CrsOptions()).Evaluate(new PatientViewInput("p", ApiHost.AsOf, [], []), new SequentialCardIdSource());
            return true;
        }
        catch (NotImplementedException)
        {
            return false;
        }
    }

    internal static List<string> ReadCurlCommands()
    {
        var commands = new List<string>();
        var inCode = false;
        var pending = "";
        foreach (var raw in Readme.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inCode = !inCode;
                continue;
            }
            if (!inCode) continue;
            if (pending.Length > 0 || line.TrimStart().StartsWith("curl ", StringComparison.Ordinal))
            {
                pending += line.EndsWith('\\') ? line[..^1] + " " : line;
                if (!line.EndsWith('\\'))
                {
                    commands.Add(pending.Trim());
                    pending = "";
                }
            }
        }
        return commands;
    }

    /// <summary>The curl options the README uses: -s, -i, -X, -H, -d (text or @file) and the URL.</summary>
    private sealed record Curl(string Method, string Url, IReadOnlyList<(string Name, string Value)> Headers, string? Data)
    {
        public static Curl Parse(string command)
        {
            var words = Words(command.Trim());
            Assert.Equal("curl", words[0]);
            string? method = null, url = null, data = null;
            var headers = new List<(string, string)>();
            for (var i = 1; i < words.Count; i++)
            {
                switch (words[i])
                {
                    case "-s" or "-i" or "-sS" or "--silent":
                        break;
                    case "-X":
                        method = words[++i];
                        break;
                    case "-H":
                        var header = words[++i];
                        var colon = header.IndexOf(':', StringComparison.Ordinal);
                        headers.Add((header[..colon].Trim(), header[(colon + 1)..].Trim()));
                        break;
                    case "-d" or "--data" or "--data-binary":
                        data = words[++i];
                        break;
                    default:
                        Assert.StartsWith("http", words[i], StringComparison.Ordinal);
                        url = words[i];
                        break;
                }
            }
            Assert.NotNull(url);
            return new Curl(method ?? (data is null ? "GET" : "POST"), url, headers, data);
        }

        private static List<string> Words(string command)
        {
            var words = new List<string>();
            var current = new StringBuilder();
            char? quote = null;
            var inWord = false;
            foreach (var c in command)
            {
                if (quote is not null)
                {
                    if (c == quote) quote = null;
                    else current.Append(c);
                }
                else if (c is '\'' or '"')
                {
                    quote = c;
                    inWord = true;
                }
                else if (char.IsWhiteSpace(c))
                {
                    if (inWord) words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
                else
                {
                    current.Append(c);
                    inWord = true;
                }
            }
            if (inWord) words.Add(current.ToString());
            return words;
        }
    }
}
