using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text.Json;

using Hl7.Fhir.Model;

namespace CrsCdsHooks.Core.Fhir;

/// <summary>
/// The fast path of <see cref="FhirResourceJson"/>: builds the Firely POCO of an Observation or a
/// MedicationAdministration straight from its JSON when — and only when — the JSON lies inside a subset that
/// Firely's strict deserializer accepts without a single error. Anything outside the subset returns null, and
/// the caller reads the resource with the strict deserializer as before (with its error reporting).
/// </summary>
/// <remarks>
/// <para>Why: Firely's strict mode validates every element as it reads it, and most of its cost is there (about
/// 45 µs per vital-sign Observation, of which the validator is about two thirds, measured on 2 cores; see the
/// README's "Performance"): over 90 % of a typical hook call went into it. Records from an EHR are overwhelmingly
/// clean, so checking a strict subset of FHIR by hand (and caching what repeats: code systems, codes) and then
/// building the POCO is several times cheaper — without changing what the service reads or reports.</para>
/// <para>The contract, checked in debug builds on every read (<see cref="FhirResourceJson"/>) and by a
/// differential test over every sample and thousands of mutations of them: when this returns a resource, the
/// strict deserializer reports no error for the same JSON and builds an identical resource (same types, same
/// primitive values — Firely stores the raw JSON literal of a primitive, and so does this).</para>
/// <para>The subset, element by element (anything else — extensions, <c>_element</c> members, contained
/// resources, narrative, notes, identifiers, performers, nulls, empty strings/arrays/objects, repeated members, an
/// unknown member or code — falls back to strict):
/// Observation: id, meta (versionId, lastUpdated), status, category, code, subject, encounter,
/// effectiveDateTime | effectivePeriod, issued, valueQuantity | valueString | valueCodeableConcept,
/// dataAbsentReason, interpretation, referenceRange (low, high, type, text), component (code, value as above,
/// dataAbsentReason, interpretation, referenceRange). MedicationAdministration: id, meta, status, category,
/// medicationCodeableConcept | medicationReference, subject, context, effectiveDateTime | effectivePeriod,
/// reasonCode, request, dosage (text, site, route, method, dose, rateQuantity). Datatypes: CodeableConcept
/// (coding, text), Coding (system, version, code, display), Quantity (value, unit, system, code; no comparator),
/// Reference (reference, display), Period (start, end).
/// Primitives: id <c>[A-Za-z0-9\-\.]{1,64}</c>; dateTime as <c>YYYY-MM-DD</c> or
/// <c>YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm)</c> with a real calendar date (no leap second, no 24:00); instant as
/// the latter; decimal a JSON number without exponent that fits a <see cref="decimal"/>; uri, code and string
/// checked by Firely's own rules (<c>IsValidValue</c>; uri and code results cached — systems and codes repeat; string
/// by its length, which is Firely's whole rule for it);
/// status codes from the FHIR value set. Member names are compared as their raw UTF-8 bytes (a name written with
/// JSON escapes is left to strict).</para>
/// </remarks>
internal static class CleanResourceJson
{
    private const int MaxCached = 20_000;
    private const int MaxStringLength = 1024 * 1024;

    private static readonly ConcurrentDictionary<string, bool> Uris = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, bool> Codes = new(StringComparer.Ordinal);

    private static readonly HashSet<string> ObservationStatuses = new(StringComparer.Ordinal)
        { "registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown" };

    private static readonly HashSet<string> AdministrationStatuses = new(StringComparer.Ordinal)
        { "in-progress", "not-done", "on-hold", "completed", "entered-in-error", "stopped", "unknown" };

    /// <summary>The resource, or null when its JSON is outside the subset (read it with the strict deserializer).</summary>
    public static Resource? TryRead(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("resourceType"u8, out var type) || type.ValueKind != JsonValueKind.String)
            return null;
        if (type.ValueEquals("Observation"u8)) return Observation(json);
        if (type.ValueEquals("MedicationAdministration"u8)) return Administration(json);
        return null;
    }

    // ---- resources -------------------------------------------------------------------------------------------

    private static Observation? Observation(JsonElement json)
    {
        var o = new Observation();
        var seen = new Seen();
        foreach (var p in json.EnumerateObject())
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(p);
            var x = p.Value;
            if (name.SequenceEqual("resourceType"u8)) { if (!seen.First(0)) return null; }
            else if (name.SequenceEqual("id"u8)) { if (!seen.First(1) || IdOf(x) is not { } id) return null; o.IdElement = id; }
            else if (name.SequenceEqual("meta"u8)) { if (!seen.First(2) || MetaOf(x) is not { } meta) return null; o.Meta = meta; }
            else if (name.SequenceEqual("status"u8))
            {
                if (!seen.First(3) || Literal(x) is not { } status || !ObservationStatuses.Contains(status)) return null;
                o.StatusElement = new Code<ObservationStatus> { JsonValue = status };
            }
            else if (name.SequenceEqual("category"u8)) { if (!seen.First(4) || !Concepts(x, o.Category)) return null; }
            else if (name.SequenceEqual("code"u8)) { if (!seen.First(5) || ConceptOf(x) is not { } code) return null; o.Code = code; }
            else if (name.SequenceEqual("subject"u8)) { if (!seen.First(6) || ReferenceOf(x) is not { } subject) return null; o.Subject = subject; }
            else if (name.SequenceEqual("encounter"u8)) { if (!seen.First(7) || ReferenceOf(x) is not { } encounter) return null; o.Encounter = encounter; }
            else if (name.SequenceEqual("effectiveDateTime"u8)) { if (!seen.First(8) || DateTimeOf(x) is not { } at) return null; o.Effective = at; }
            else if (name.SequenceEqual("effectivePeriod"u8)) { if (!seen.First(8) || PeriodOf(x) is not { } period) return null; o.Effective = period; }
            else if (name.SequenceEqual("issued"u8)) { if (!seen.First(9) || InstantOf(x) is not { } issued) return null; o.IssuedElement = issued; }
            else if (ValueOf(name, x) is { } value) { if (!seen.First(10) || value.Value is not { } v) return null; o.Value = v; }
            else if (name.SequenceEqual("dataAbsentReason"u8)) { if (!seen.First(11) || ConceptOf(x) is not { } absent) return null; o.DataAbsentReason = absent; }
            else if (name.SequenceEqual("interpretation"u8)) { if (!seen.First(12) || !Concepts(x, o.Interpretation)) return null; }
            else if (name.SequenceEqual("referenceRange"u8)) { if (!seen.First(13) || !ReferenceRanges(x, o.ReferenceRange)) return null; }
            else if (name.SequenceEqual("component"u8)) { if (!seen.First(14) || !Components(x, o.Component)) return null; }
            else return null;
        }
        return seen.Has(3) && seen.Has(5) ? o : null; // status and code are required (1..1)
    }

    private static MedicationAdministration? Administration(JsonElement json)
    {
        var a = new MedicationAdministration();
        var seen = new Seen();
        foreach (var p in json.EnumerateObject())
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(p);
            var x = p.Value;
            if (name.SequenceEqual("resourceType"u8)) { if (!seen.First(0)) return null; }
            else if (name.SequenceEqual("id"u8)) { if (!seen.First(1) || IdOf(x) is not { } id) return null; a.IdElement = id; }
            else if (name.SequenceEqual("meta"u8)) { if (!seen.First(2) || MetaOf(x) is not { } meta) return null; a.Meta = meta; }
            else if (name.SequenceEqual("status"u8))
            {
                if (!seen.First(3) || Literal(x) is not { } status || !AdministrationStatuses.Contains(status)) return null;
                a.StatusElement = new Code<MedicationAdministration.MedicationAdministrationStatusCodes> { JsonValue = status };
            }
            else if (name.SequenceEqual("category"u8)) { if (!seen.First(4) || ConceptOf(x) is not { } category) return null; a.Category = category; }
            else if (name.SequenceEqual("medicationCodeableConcept"u8)) { if (!seen.First(5) || ConceptOf(x) is not { } medication) return null; a.Medication = medication; }
            else if (name.SequenceEqual("medicationReference"u8)) { if (!seen.First(5) || ReferenceOf(x) is not { } medication) return null; a.Medication = medication; }
            else if (name.SequenceEqual("subject"u8)) { if (!seen.First(6) || ReferenceOf(x) is not { } subject) return null; a.Subject = subject; }
            else if (name.SequenceEqual("context"u8)) { if (!seen.First(7) || ReferenceOf(x) is not { } context) return null; a.Context = context; }
            else if (name.SequenceEqual("effectiveDateTime"u8)) { if (!seen.First(8) || DateTimeOf(x) is not { } at) return null; a.Effective = at; }
            else if (name.SequenceEqual("effectivePeriod"u8)) { if (!seen.First(8) || PeriodOf(x) is not { } period) return null; a.Effective = period; }
            else if (name.SequenceEqual("reasonCode"u8)) { if (!seen.First(9) || !Concepts(x, a.ReasonCode)) return null; }
            else if (name.SequenceEqual("request"u8)) { if (!seen.First(10) || ReferenceOf(x) is not { } request) return null; a.Request = request; }
            else if (name.SequenceEqual("dosage"u8)) { if (!seen.First(11) || DosageOf(x) is not { } dosage) return null; a.Dosage = dosage; }
            else return null;
        }
        // status, medication[x], subject and effective[x] are required (1..1)
        return seen.Has(3) && seen.Has(5) && seen.Has(6) && seen.Has(8) ? a : null;
    }

    // ---- backbone elements -----------------------------------------------------------------------------------

    private static bool ReferenceRanges(JsonElement json, List<Observation.ReferenceRangeComponent> into) => Array(json, into, ReferenceRangeOf);

    private static Observation.ReferenceRangeComponent? ReferenceRangeOf(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object) return null;
        var r = new Observation.ReferenceRangeComponent();
        var seen = new Seen();
        foreach (var p in json.EnumerateObject())
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(p);
            var x = p.Value;
            if (name.SequenceEqual("low"u8)) { if (!seen.First(0) || QuantityOf(x) is not { } low) return null; r.Low = low; }
            else if (name.SequenceEqual("high"u8)) { if (!seen.First(1) || QuantityOf(x) is not { } high) return null; r.High = high; }
            else if (name.SequenceEqual("type"u8)) { if (!seen.First(2) || ConceptOf(x) is not { } type) return null; r.Type = type; }
            else if (name.SequenceEqual("text"u8)) { if (!seen.First(3) || StringOf(x) is not { } text) return null; r.TextElement = text; }
            else return null;
        }
        return seen.Any ? r : null;
    }

    private static bool Components(JsonElement json, List<Observation.ComponentComponent> into) => Array(json, into, ComponentOf);

    private static Observation.ComponentComponent? ComponentOf(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object) return null;
        var c = new Observation.ComponentComponent();
        var seen = new Seen();
        foreach (var p in json.EnumerateObject())
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(p);
            var x = p.Value;
            if (name.SequenceEqual("code"u8)) { if (!seen.First(0) || ConceptOf(x) is not { } code) return null; c.Code = code; }
            else if (ValueOf(name, x) is { } value) { if (!seen.First(1) || value.Value is not { } v) return null; c.Value = v; }
            else if (name.SequenceEqual("dataAbsentReason"u8)) { if (!seen.First(2) || ConceptOf(x) is not { } absent) return null; c.DataAbsentReason = absent; }
            else if (name.SequenceEqual("interpretation"u8)) { if (!seen.First(3) || !Concepts(x, c.Interpretation)) return null; }
            else if (name.SequenceEqual("referenceRange"u8)) { if (!seen.First(4) || !ReferenceRanges(x, c.ReferenceRange)) return null; }
            else return null;
        }
        return seen.Has(0) ? c : null; // component.code is required (1..1)
    }

    private static MedicationAdministration.DosageComponent? DosageOf(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object) return null;
        var d = new MedicationAdministration.DosageComponent();
        var seen = new Seen();
        foreach (var p in json.EnumerateObject())
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(p);
            var x = p.Value;
            if (name.SequenceEqual("text"u8)) { if (!seen.First(0) || StringOf(x) is not { } text) return null; d.TextElement = text; }
            else if (name.SequenceEqual("site"u8)) { if (!seen.First(1) || ConceptOf(x) is not { } site) return null; d.Site = site; }
            else if (name.SequenceEqual("route"u8)) { if (!seen.First(2) || ConceptOf(x) is not { } route) return null; d.Route = route; }
            else if (name.SequenceEqual("method"u8)) { if (!seen.First(3) || ConceptOf(x) is not { } method) return null; d.Method = method; }
            else if (name.SequenceEqual("dose"u8)) { if (!seen.First(4) || QuantityOf(x) is not { } dose) return null; d.Dose = dose; }
            else if (name.SequenceEqual("rateQuantity"u8)) { if (!seen.First(5) || QuantityOf(x) is not { } rate) return null; d.Rate = rate; }
            else return null;
        }
        return seen.Any ? d : null;
    }

    private static Meta? MetaOf(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object) return null;
        var m = new Meta();
        var seen = new Seen();
        foreach (var p in json.EnumerateObject())
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(p);
            var x = p.Value;
            if (name.SequenceEqual("versionId"u8)) { if (!seen.First(0) || IdOf(x) is not { } version) return null; m.VersionIdElement = version; }
            else if (name.SequenceEqual("lastUpdated"u8)) { if (!seen.First(1) || InstantOf(x) is not { } updated) return null; m.LastUpdatedElement = updated; }
            else return null;
        }
        return seen.Any ? m : null;
    }

    // ---- datatypes -------------------------------------------------------------------------------------------

    /// <summary>For a value[x] member (valueQuantity, valueString, valueCodeableConcept): its value, null when unreadable; not a value[x] member: null.</summary>
    private static ValueMember? ValueOf(ReadOnlySpan<byte> name, JsonElement value) =>
        name.SequenceEqual("valueQuantity"u8) ? new ValueMember(QuantityOf(value))
        : name.SequenceEqual("valueString"u8) ? new ValueMember(StringOf(value))
        : name.SequenceEqual("valueCodeableConcept"u8) ? new ValueMember(ConceptOf(value))
        : null;

    private readonly record struct ValueMember(DataType? Value);

    private static bool Concepts(JsonElement json, List<CodeableConcept> into) => Array(json, into, ConceptOf);

    private static CodeableConcept? ConceptOf(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object) return null;
        var c = new CodeableConcept();
        var seen = new Seen();
        foreach (var p in json.EnumerateObject())
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(p);
            var x = p.Value;
            if (name.SequenceEqual("coding"u8)) { if (!seen.First(0) || !Array(x, c.Coding, CodingOf)) return null; }
            else if (name.SequenceEqual("text"u8)) { if (!seen.First(1) || StringOf(x) is not { } text) return null; c.TextElement = text; }
            else return null;
        }
        return seen.Any ? c : null;
    }

    private static Coding? CodingOf(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object) return null;
        var c = new Coding();
        var seen = new Seen();
        foreach (var p in json.EnumerateObject())
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(p);
            var x = p.Value;
            if (name.SequenceEqual("system"u8)) { if (!seen.First(0) || UriOf(x) is not { } system) return null; c.SystemElement = system; }
            else if (name.SequenceEqual("version"u8)) { if (!seen.First(1) || StringOf(x) is not { } version) return null; c.VersionElement = version; }
            else if (name.SequenceEqual("code"u8)) { if (!seen.First(2) || CodeOf(x) is not { } code) return null; c.CodeElement = code; }
            else if (name.SequenceEqual("display"u8)) { if (!seen.First(3) || StringOf(x) is not { } display) return null; c.DisplayElement = display; }
            else return null;
        }
        return seen.Any ? c : null;
    }

    private static Quantity? QuantityOf(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object) return null;
        var q = new Quantity();
        var seen = new Seen();
        foreach (var p in json.EnumerateObject())
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(p);
            var x = p.Value;
            if (name.SequenceEqual("value"u8)) { if (!seen.First(0) || DecimalOf(x) is not { } value) return null; q.ValueElement = value; }
            else if (name.SequenceEqual("unit"u8)) { if (!seen.First(1) || StringOf(x) is not { } unit) return null; q.UnitElement = unit; }
            else if (name.SequenceEqual("system"u8)) { if (!seen.First(2) || UriOf(x) is not { } system) return null; q.SystemElement = system; }
            else if (name.SequenceEqual("code"u8)) { if (!seen.First(3) || CodeOf(x) is not { } code) return null; q.CodeElement = code; }
            else return null;
        }
        return seen.Any ? q : null;
    }

    private static ResourceReference? ReferenceOf(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object) return null;
        var r = new ResourceReference();
        var seen = new Seen();
        foreach (var p in json.EnumerateObject())
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(p);
            var x = p.Value;
            if (name.SequenceEqual("reference"u8)) { if (!seen.First(0) || StringOf(x) is not { } reference) return null; r.ReferenceElement = reference; }
            else if (name.SequenceEqual("display"u8)) { if (!seen.First(1) || StringOf(x) is not { } display) return null; r.DisplayElement = display; }
            else return null;
        }
        return seen.Any ? r : null;
    }

    private static Period? PeriodOf(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object) return null;
        var period = new Period();
        var seen = new Seen();
        foreach (var p in json.EnumerateObject())
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(p);
            var x = p.Value;
            if (name.SequenceEqual("start"u8)) { if (!seen.First(0) || DateTimeOf(x) is not { } start) return null; period.StartElement = start; }
            else if (name.SequenceEqual("end"u8)) { if (!seen.First(1) || DateTimeOf(x) is not { } end) return null; period.EndElement = end; }
            else return null;
        }
        return seen.Any ? period : null;
    }

    // ---- primitives (Firely stores the raw JSON literal: so does this) --------------------------------------

    private static Id? IdOf(JsonElement json) => Literal(json) is { } s && IsId(s) ? new Id { JsonValue = s } : null;

    /// <summary>
    /// A FHIR string: Firely's rule (<see cref="FhirString.IsValidValue"/>) is 1 to 1,048,576 characters of anything,
    /// which is checked here without its regular expression — a shared Regex serialises threads that use it at once,
    /// and the gatherer reads large Bundles on every core (a test holds this to Firely's rule).
    /// </summary>
    private static FhirString? StringOf(JsonElement json) =>
        Literal(json) is { Length: <= MaxStringLength } s ? new FhirString { JsonValue = s } : null;

    /// <summary>True for what <see cref="StringOf"/> accepts as a string's characters (tests compare it with Firely).</summary>
    internal static bool IsString(string s) => s.Length is > 0 and <= MaxStringLength;

    private static FhirUri? UriOf(JsonElement json) => Literal(json) is { } s && Cached(Uris, s, FhirUri.IsValidValue) ? new FhirUri { JsonValue = s } : null;

    private static Code? CodeOf(JsonElement json) => Literal(json) is { } s && Cached(Codes, s, Code.IsValidValue) ? new Code { JsonValue = s } : null;

    private static FhirDateTime? DateTimeOf(JsonElement json) =>
        Literal(json) is { } s && IsDateTime(s, instant: false) ? new FhirDateTime { JsonValue = s } : null;

    private static Instant? InstantOf(JsonElement json) =>
        Literal(json) is { } s && IsDateTime(s, instant: true) ? new Instant { JsonValue = s } : null;

    private static FhirDecimal? DecimalOf(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Number) return null;
        var raw = JsonMarshal.GetRawUtf8Value(json);
        if (raw.IndexOfAny((byte)'e', (byte)'E') >= 0 || !json.TryGetDecimal(out var value)) return null;
        return new FhirDecimal { JsonValue = value };
    }

    /// <summary>A JSON string that is not empty or white space (Firely refuses those), else null.</summary>
    private static string? Literal(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.String) return null;
        var s = json.GetString();
        return string.IsNullOrWhiteSpace(s) ? null : s;
    }

    private static bool Cached(ConcurrentDictionary<string, bool> cache, string value, Func<string, bool> isValid)
    {
        if (cache.TryGetValue(value, out var valid)) return valid;
        valid = isValid(value);
        if (cache.Count < MaxCached) cache.TryAdd(value, valid);
        return valid;
    }

    /// <summary>FHIR id: <c>[A-Za-z0-9\-\.]{1,64}</c>.</summary>
    internal static bool IsId(string s)
    {
        if (s.Length is 0 or > 64) return false;
        foreach (var c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.')) return false;
        }
        return true;
    }

    /// <summary>
    /// A strict subset of FHIR dateTime (and, with <paramref name="instant"/>, of instant): <c>YYYY-MM-DD</c> (dateTime
    /// only) or <c>YYYY-MM-DDThh:mm:ss[.f{1,3}](Z|±hh:mm)</c>, year 1000–9998 (no overflow when the offset is applied), a real calendar day, hours 00–23, no leap
    /// second, offsets up to ±13:59 or ±14:00. Everything else (partial dates, missing seconds, leap seconds…) is left to
    /// Firely.
    /// </summary>
    internal static bool IsDateTime(string s, bool instant)
    {
        if (s.Length < 10 || !Digits(s, 0, 4, out var year) || year is < 1000 or > 9998 || s[4] != '-' || !Digits(s, 5, 2, out var month) || s[7] != '-'
            || !Digits(s, 8, 2, out var day) || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
            return false;
        if (s.Length == 10) return !instant;
        if (s.Length < 20 || s[10] != 'T' || !Digits(s, 11, 2, out var hour) || hour > 23 || s[13] != ':' || !Digits(s, 14, 2, out var minute)
            || minute > 59 || s[16] != ':' || !Digits(s, 17, 2, out var second) || second > 59)
            return false;
        var i = 19;
        if (s[i] == '.')
        {
            var digits = 0;
            while (i + 1 + digits < s.Length && char.IsAsciiDigit(s[i + 1 + digits])) digits++;
            if (digits is < 1 or > 3) return false;
            i += 1 + digits;
        }
        if (i == s.Length - 1) return s[i] == 'Z';
        if (i != s.Length - 6 || s[i] is not ('+' or '-') || !Digits(s, i + 1, 2, out var offsetHours) || s[i + 3] != ':' || !Digits(s, i + 4, 2, out var offsetMinutes))
            return false;
        return offsetMinutes <= 59 && (offsetHours <= 13 || (offsetHours == 14 && offsetMinutes == 0));
    }

    private static bool Digits(string s, int start, int count, out int value)
    {
        value = 0;
        if (start + count > s.Length) return false;
        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(s[i])) return false;
            value = (value * 10) + (s[i] - '0');
        }
        return true;
    }

    // ---- plumbing --------------------------------------------------------------------------------------------

    /// <summary>A non-empty JSON array whose every item reads (Firely refuses empty arrays and nulls in them).</summary>
    private static bool Array<T>(JsonElement json, List<T> into, Func<JsonElement, T?> read) where T : class
    {
        if (json.ValueKind != JsonValueKind.Array || json.GetArrayLength() == 0) return false;
        foreach (var item in json.EnumerateArray())
        {
            if (read(item) is not { } value) return false;
            into.Add(value);
        }
        return true;
    }

    /// <summary>Which members an object had: each at most once (Firely reports a repeated member).</summary>
    private struct Seen
    {
        private uint _bits;

        public readonly bool Any => _bits != 0;

        public readonly bool Has(int member) => (_bits & (1u << member)) != 0;

        public bool First(int member)
        {
            if (Has(member)) return false;
            _bits |= 1u << member;
            return true;
        }
    }
}
