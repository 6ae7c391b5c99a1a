namespace CrsCdsHooks.Api.Errors;

// Plain records that describe the OperationOutcome error body in the OpenAPI document. Firely's POCOs are
// never reflected by Swashbuckle (they would show typeName, idElement, …); the body itself is written by Firely.

/// <summary>A FHIR R4 OperationOutcome as returned by every non-2xx answer except 401.</summary>
/// <param name="ResourceType">Always <c>OperationOutcome</c>.</param>
/// <param name="Text">A narrative repeating the issues.</param>
/// <param name="Issue">One issue per problem; each says what to fix.</param>
public sealed record OperationOutcomeSchema(string ResourceType, NarrativeSchema Text, IReadOnlyList<OperationOutcomeIssueSchema> Issue);

/// <summary>FHIR narrative.</summary>
/// <param name="Status">Always <c>generated</c>.</param>
/// <param name="Div">XHTML.</param>
public sealed record NarrativeSchema(string Status, string Div);

/// <summary>One OperationOutcome issue.</summary>
/// <param name="Severity">fatal | error | warning | information.</param>
/// <param name="Code">The FHIR issue type (invalid, not-found, incomplete, too-long, not-supported, forbidden, exception, timeout…).</param>
/// <param name="Details">The text says what to fix.</param>
public sealed record OperationOutcomeIssueSchema(string Severity, string Code, IssueDetailsSchema Details);

/// <summary>Issue details.</summary>
/// <param name="Text">What went wrong and what to fix.</param>
public sealed record IssueDetailsSchema(string Text);
