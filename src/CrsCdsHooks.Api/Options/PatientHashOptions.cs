using System.ComponentModel.DataAnnotations;

namespace CrsCdsHooks.Api.Options;

/// <summary>
/// The salt of the patient hash kept with each served card (configuration key
/// <c>CdsHooks:Storage:PatientHashSalt</c>). The audit store never holds a patient id, only this hash.
/// </summary>
public sealed class PatientHashOptions
{
    /// <summary>Configuration section (shared with the store's provider and connection string).</summary>
    public const string Section = "CdsHooks:Storage";

    /// <summary>
    /// A secret of at least 16 characters. When absent a random salt is generated at start-up (logged as a
    /// warning): hashes then do not match across restarts, so set it wherever the audit must link cards over time.
    /// </summary>
    [MinLength(16, ErrorMessage = "CdsHooks:Storage:PatientHashSalt must be at least 16 characters.")]
    public string? PatientHashSalt { get; set; }
}