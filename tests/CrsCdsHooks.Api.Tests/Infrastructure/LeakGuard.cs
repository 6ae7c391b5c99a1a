using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CrsCdsHooks.Api.Tests.Infrastructure;

/// <summary>
/// The process-wide "no leaks" guard of the whole test run. Every log line of every test host — the
/// WebApplicationFactory hosts (<see cref="ApiHost"/> and its derivatives, through <see cref="CapturingLoggerProvider"/>),
/// the minimal TestServer hosts of Auth/ (<c>ListLoggerProvider</c>) and the separate service processes
/// (<c>ServiceProcess</c>, their stdout and stderr) — is checked as it is written, message, exception text and scopes,
/// against:
/// <list type="bullet">
/// <item>any JWT: three base64url segments, the first decoding to a JSON object with <c>"alg"</c>;</item>
/// <item><c>Bearer</c> followed by a credential (8 or more token characters with a digit or punctuation);</item>
/// <item>every access token and JWT the tests use (<see cref="RegisterSecret"/>: filled by <c>TokenMint.Sign</c> and
/// <see cref="HookRequests.Authorization"/>) and a fixed set of known test secrets, garbage tokens, bad ids and feedback comments;</item>
/// <item>every patient id, user id, encounter id, identifier value and name of the fhir-samples (read from the files);
/// ids and names as whole words (so "Child" does not match "ChildCount");</item>
/// <item>resource-body fragments (<c>"resourceType":</c>, <c>"valueQuantity":</c>, <c>"subject":</c>, <c>"entry":</c>)
/// and patient-bearing query strings (<c>patient=</c>).</item>
/// </list>
/// A host keeps its violations in a <see cref="LeakRecorder"/> and throws from its Dispose (the test that used it fails,
/// naming the category and a redacted excerpt). Violations no host reported (a host never disposed, a line written
/// after disposal) fail the run at its end: <see cref="LeakGuardTestFramework"/> runs after every test of the assembly,
/// reports them as an assembly cleanup failure and writes the run's figures to TestResults/reliability.txt.
/// Counters are Interlocked: the test classes run in parallel.
/// </summary>
public static partial class LeakGuard
{
    private static readonly ConcurrentDictionary<string, Secret> Secrets = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, int> Hosts = new(StringComparer.Ordinal);
    private static readonly ConcurrentQueue<Violation> All = new();
    private static readonly Lock MatcherGate = new();
    private static long s_lines;
    private static long s_version;
    private static Matcher? s_matcher;

    /// <summary>Placeholder name parts of the samples ("Test Patient"), ordinary words that are not identifying.</summary>
    private static readonly HashSet<string> PlaceholderNames = new(StringComparer.Ordinal) { "Test", "Patient" };

    static LeakGuard()
    {
        foreach (var (value, what) in KnownTestSecrets()) Add(value, what, wholeWord: false);
        foreach (var (value, what, wholeWord) in SampleSecrets()) Add(value, what, wholeWord);
    }

    /// <summary>Log lines checked so far, over every host of the run.</summary>
    public static long LinesScanned => Interlocked.Read(ref s_lines);

    /// <summary>Hosts that fed the guard, by kind.</summary>
    public static IReadOnlyDictionary<string, int> HostsByKind => new SortedDictionary<string, int>(Hosts, StringComparer.Ordinal);

    /// <summary>Leaks found, besides those the guard's own tests plant on purpose.</summary>
    public static int ViolationCount => All.Count(v => !v.Planted);

    public static int PlantedCount => All.Count(v => v.Planted);

    /// <summary>How many values the guard looks for (tokens registered so far included).</summary>
    public static int SecretCount => Secrets.Count;

    /// <summary>A credential a test is about to send (an access token, a JWT, a garbage token): never to be logged.</summary>
    public static void RegisterSecret(string value, string what)
    {
        if (value.Length < 6) return; // "abc", "x": too short to tell from ordinary text; the structural checks remain
        Add(value, what, wholeWord: false);
    }

    /// <summary>Counts a host (or process) that feeds the guard: called where a host is built or a process started.</summary>
    public static void HostStarted(string kind) => Hosts.AddOrUpdate(kind, 1, (_, n) => n + 1);

    /// <summary>
    /// Checks one log line (its message and exception text, then each scope) and returns what it leaks, each with a
    /// redacted excerpt; counts the line.
    /// </summary>
    public static List<string> Inspect(string text, IReadOnlyList<string>? scopes = null, string? values = null)
    {
        Interlocked.Increment(ref s_lines);
        var found = new List<string>();
        Scan(text, "message", found);
        if (values is not null) Scan(values, "structured values", found);
        if (scopes is not null)
        {
            foreach (var scope in scopes) Scan(scope, "scope", found);
        }
        return found;
    }

    /// <summary>Whether <paramref name="text"/> leaks anything, without counting it as a log line (for tests of the guard).</summary>
    public static List<string> Check(string text)
    {
        var found = new List<string>();
        Scan(text, "text", found);
        return found;
    }

    /// <summary>The text with every secret, JWT and Bearer credential replaced by what it is.</summary>
    public static string Redact(string text)
    {
        var result = new StringBuilder(text.Length);
        var at = 0;
        foreach (var (start, secret) in SecretsIn(text))
        {
            result.Append(text, at, start - at).Append('[').Append(secret.What).Append(']');
            at = start + secret.Value.Length;
        }
        result.Append(text, at, text.Length - at);
        var redacted = Jwt().Replace(result.ToString(), m => IsJwt(m.Value) ? "[a JWT]" : m.Value);
        return Bearer().Replace(redacted, m => IsCredential(m.Groups["c"].Value) ? "Bearer [a credential]" : m.Value);
    }

    /// <summary>Records violations of one source, for the run's end-of-run check.</summary>
    internal static void Recorded(string source, string violation, bool planted) => All.Enqueue(new Violation(source, violation) { Planted = planted });

    /// <summary>Marks a source's violations as reported (its host threw them at a test).</summary>
    internal static void Reported(string source)
    {
        foreach (var violation in All)
        {
            if (violation.Source == source) violation.Reported = true;
        }
    }

    /// <summary>The violations no host threw at a test.</summary>
    public static List<string> Unreported() => All.Where(v => !v.Reported).Select(v => $"{v.Source}: {v.Text}").ToList();

    /// <summary>The run's figure: lines scanned, hosts, violations (written at the end of the run by <see cref="LeakGuardTestFramework"/>).</summary>
    public static string Summary(int tests)
    {
        var hosts = HostsByKind;
        var kinds = string.Join(", ", hosts.Select(h => string.Create(CultureInfo.InvariantCulture, $"{h.Value} {h.Key}")));
        return string.Create(CultureInfo.InvariantCulture,
            $"{tests} tests: {LinesScanned} log lines (message, exception text and scopes) checked as written, from {hosts.Values.Sum()} hosts ({kinds}), against {SecretCount} values (tokens the tests minted or sent, known test secrets, ids, identifiers and names of the samples), any JWT, any Bearer credential and resource-body fragments: {ViolationCount} leaks (besides {PlantedCount} planted by the guard's own test)");
    }

    private static void Scan(string text, string part, List<string> found)
    {
        if (text.Length == 0) return;
        foreach (var (start, secret) in SecretsIn(text)) found.Add($"{secret.What} in the {part}: {Excerpt(text, start)}");
        foreach (Match m in Jwt().Matches(text))
        {
            if (IsJwt(m.Value) && !Secrets.ContainsKey(m.Value)) found.Add($"a JWT in the {part}: {Excerpt(text, m.Index)}");
        }
        foreach (Match m in Bearer().Matches(text))
        {
            if (IsCredential(m.Groups["c"].Value) && !Secrets.ContainsKey(m.Groups["c"].Value)) found.Add($"a Bearer credential in the {part}: {Excerpt(text, m.Index)}");
        }
        foreach (Match m in Body().Matches(text)) found.Add($"a resource body or patient URL ({m.Value}) in the {part}: {Excerpt(text, m.Index)}");
    }

    /// <summary>The known secrets in the text, left to right, the longest at each place, none overlapping.</summary>
    private static IEnumerable<(int Start, Secret Secret)> SecretsIn(string text)
    {
        var matcher = CurrentMatcher();
        var at = 0;
        while (at < text.Length)
        {
            var next = text.AsSpan(at).IndexOfAny(matcher.Values);
            if (next < 0) yield break;
            var start = at + next;
            if (matcher.LongestAt(text, start) is { } secret)
            {
                yield return (start, secret);
                at = start + secret.Value.Length;
            }
            else
            {
                at = start + 1;
            }
        }
    }

    private static string Excerpt(string text, int at)
    {
        var from = Math.Max(0, at - 80);
        var to = Math.Min(text.Length, at + 160);
        var excerpt = Redact(text[from..to]).ReplaceLineEndings(" ");
        return (from > 0 ? "…" : "") + excerpt + (to < text.Length ? "…" : "");
    }

    private static bool IsCredential(string value) =>
        value.Length >= 8 && value.Any(c => char.IsAsciiDigit(c) || c is '-' or '.' or '_' or '~' or '+' or '/' or '=');

    /// <summary>A compact JWS/JWE: its first segment is base64url of a JSON object that has "alg".</summary>
    private static bool IsJwt(string candidate)
    {
        var first = candidate[..candidate.IndexOf('.', StringComparison.Ordinal)];
        var base64 = first.Replace('-', '+').Replace('_', '/');
        base64 += (base64.Length % 4) switch { 2 => "==", 3 => "=", 1 => "===", _ => "" };
        try
        {
            var bytes = Convert.FromBase64String(base64);
            return JsonNode.Parse(bytes) is JsonObject header && header.ContainsKey("alg");
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException)
        {
            return false;
        }
    }

    private static void Add(string value, string what, bool wholeWord)
    {
        if (Secrets.TryAdd(value, new Secret(value, what, wholeWord))) Interlocked.Increment(ref s_version);
    }

    private static Matcher CurrentMatcher()
    {
        var version = Interlocked.Read(ref s_version);
        var matcher = Volatile.Read(ref s_matcher);
        if (matcher is not null && matcher.Version == version) return matcher;
        lock (MatcherGate)
        {
            version = Interlocked.Read(ref s_version);
            if (s_matcher is null || s_matcher.Version != version) Volatile.Write(ref s_matcher, new Matcher(version, Secrets.Values.ToList()));
            return s_matcher!;
        }
    }

    /// <summary>Garbage tokens, comments and bad ids the tests send on purpose, and the fixed tokens of the tests.</summary>
    private static IEnumerable<(string Value, string What)> KnownTestSecrets()
    {
        yield return (HookRequests.AccessToken, "an access token");
        yield return ("battery-access-token-7f3a9c51e0", "an access token");
        yield return ("not-a-jwt", "a garbage token");
        yield return ("not.a.jwt", "a garbage token");
        yield return ("dXNlcjpwYXNz", "Basic credentials");
        yield return ("Bearer abc", "a garbage token");
        yield return ("user:pass", "URL credentials");
        yield return (HookRequests.PatientId, "a patient id");
        yield return ("oncologist-1", "a user id");
        yield return ("someone-else", "a patient id");
        yield return ("../../etc/passwd", "a bad patient id");
        yield return ("Jane Doe", "a name in a feedback comment");
        yield return ("SYN-S99", "an identifier in a feedback comment");
        yield return ("Tocilizumab given an hour ago", "a feedback comment");
        yield return ("Febrile neutropenia", "a feedback comment");
    }

    /// <summary>The identifying values of every sample in fhir-samples/.</summary>
    private static IEnumerable<(string Value, string What, bool WholeWord)> SampleSecrets()
    {
        foreach (var file in Directory.GetFiles(RepositoryFiles.PathOf("fhir-samples"), "*.json"))
        {
            JsonNode? root;
            try
            {
                root = JsonNode.Parse(File.ReadAllText(file));
            }
            catch (JsonException)
            {
                continue;
            }
            if ((root as JsonObject)?["context"] is JsonObject context)
            {
                foreach (var (key, what) in new[] { ("patientId", "a patient id"), ("userId", "a user id"), ("encounterId", "an encounter id") })
                {
                    if (context[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: >= 4 } id)
                    {
                        yield return (id, what, true);
                        if (id.Contains('/', StringComparison.Ordinal)) yield return (id[(id.IndexOf('/', StringComparison.Ordinal) + 1)..], what, true);
                    }
                }
            }
            foreach (var node in Descendants(root))
            {
                if (node is not JsonObject o) continue;
                if (o["resourceType"]?.GetValueKind() == JsonValueKind.String && o["resourceType"]!.GetValue<string>() is "Patient" or "Practitioner" or "RelatedPerson" or "Person")
                {
                    if (o["id"] is JsonValue id && id.GetValueKind() == JsonValueKind.String && id.GetValue<string>() is { Length: >= 4 } value)
                        yield return (value, o["resourceType"]!.GetValue<string>() == "Patient" ? "a patient id" : "a person id", true);
                    foreach (var name in o["name"] as JsonArray ?? [])
                    {
                        if (name is not JsonObject n) continue;
                        foreach (var part in new[] { n["family"], n["text"] }.Concat(n["given"] as JsonArray ?? []))
                        {
                            if (part is JsonValue p && p.GetValueKind() == JsonValueKind.String && p.GetValue<string>() is { Length: >= 3 } s && !PlaceholderNames.Contains(s))
                                yield return (s, "a name", true);
                        }
                    }
                }
                if (o["identifier"] is JsonArray identifiers)
                {
                    foreach (var identifier in identifiers)
                    {
                        if ((identifier as JsonObject)?["value"] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: >= 4 } value)
                            yield return (value, "an identifier", true);
                    }
                }
                if (o["reference"] is JsonValue r && r.GetValueKind() == JsonValueKind.String && r.GetValue<string>() is { } reference
                    && reference.StartsWith("Patient/", StringComparison.Ordinal) && reference.Length >= "Patient/".Length + 4)
                    yield return (reference["Patient/".Length..], "a patient id", true);
            }
        }
    }

    private static IEnumerable<JsonNode?> Descendants(JsonNode? node)
    {
        yield return node;
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, child) in o)
                {
                    foreach (var d in Descendants(child)) yield return d;
                }
                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    foreach (var d in Descendants(child)) yield return d;
                }
                break;
        }
    }

    [GeneratedRegex(@"(?<![A-Za-z0-9_-])e[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"\bBearer\s+(?<c>[A-Za-z0-9\-._~+/]+=*)", RegexOptions.IgnoreCase)]
    private static partial Regex Bearer();

    [GeneratedRegex("\"(resourceType|valueQuantity|subject|entry)\"\\s*:|[?&]patient=")]
    private static partial Regex Body();

    private sealed record Secret(string Value, string What, bool WholeWord);

    private sealed class Violation(string source, string text)
    {
        public string Source { get; } = source;

        public string Text { get; } = text;

        public bool Reported { get; set; }

        public bool Planted { get; init; }
    }

    /// <summary>One immutable snapshot of the secrets, searched with <see cref="SearchValues{T}"/> (many strings at once).</summary>
    private sealed class Matcher
    {
        private readonly Dictionary<char, List<Secret>> _byFirst = [];

        public Matcher(long version, List<Secret> secrets)
        {
            Version = version;
            Values = SearchValues.Create(secrets.Select(s => s.Value).ToArray(), StringComparison.Ordinal);
            foreach (var secret in secrets.OrderByDescending(s => s.Value.Length))
            {
                if (!_byFirst.TryGetValue(secret.Value[0], out var list)) _byFirst[secret.Value[0]] = list = [];
                list.Add(secret);
            }
        }

        public long Version { get; }

        public SearchValues<string> Values { get; }

        /// <summary>The longest secret at <paramref name="at"/> (whole-word secrets only between word boundaries).</summary>
        public Secret? LongestAt(string text, int at)
        {
            if (!_byFirst.TryGetValue(text[at], out var candidates)) return null;
            foreach (var secret in candidates)
            {
                if (at + secret.Value.Length > text.Length || string.CompareOrdinal(text, at, secret.Value, 0, secret.Value.Length) != 0) continue;
                if (secret.WholeWord && (IsWordChar(text, at - 1) || IsWordChar(text, at + secret.Value.Length))) continue;
                return secret;
            }
            return null;
        }

        private static bool IsWordChar(string text, int at) => at >= 0 && at < text.Length && char.IsLetterOrDigit(text[at]);
    }
}

/// <summary>
/// One host's share of the guard: checks each line as it is written, keeps what leaked, and throws it (redacted) when
/// the host is disposed, so the test that produced the line fails.
/// </summary>
public sealed class LeakRecorder
{
    private static int s_next;
    private readonly ConcurrentQueue<string> _violations = new();
    private int _thrown;

    public LeakRecorder(string kind)
    {
        Source = $"{kind} #{Interlocked.Increment(ref s_next).ToString(CultureInfo.InvariantCulture)}";
    }

    public string Source { get; }

    public IReadOnlyCollection<string> Violations => _violations;

    /// <summary>Set by the guard's own test, which leaks on purpose: its violations still throw but are not counted as leaks of the run.</summary>
    public bool Planted { get; set; }

    /// <summary>Checks one line (category and level name it in a violation).</summary>
    public void Line(string category, string level, string text, IReadOnlyList<string>? scopes = null, string? values = null)
    {
        foreach (var violation in LeakGuard.Inspect(text, scopes, values))
        {
            var described = $"{violation} [{level} {category}]";
            _violations.Enqueue(described);
            LeakGuard.Recorded(Source, described, Planted);
        }
    }

    /// <summary>Throws once if anything leaked.</summary>
    public void ThrowIfLeaked()
    {
        if (_violations.IsEmpty || Interlocked.Exchange(ref _thrown, 1) == 1) return;
        LeakGuard.Reported(Source);
        throw new LogLeakException($"{_violations.Count} log line(s) of {Source} leak:\n" + string.Join("\n", _violations.Take(20)));
    }
}

/// <summary>A log line held something that must never be logged.</summary>
public sealed class LogLeakException(string message) : Exception(message);
