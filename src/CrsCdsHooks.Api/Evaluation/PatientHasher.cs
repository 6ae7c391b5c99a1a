using System.Security.Cryptography;
using System.Text;

using CrsCdsHooks.Api.Logging;
using CrsCdsHooks.Api.Options;

using Microsoft.Extensions.Options;

namespace CrsCdsHooks.Api.Evaluation;

/// <summary>
/// The salted SHA-256 of a patient id kept with each served card (HMAC-SHA-256 keyed with
/// <c>CdsHooks:Storage:PatientHashSalt</c>, lower-case hex), so acceptance can be reported per patient without
/// storing who the patient is. Without a configured salt a random one is generated for the process (warned).
/// </summary>
internal sealed class PatientHasher
{
    private readonly byte[] _salt;

    public PatientHasher(IOptions<PatientHashOptions> options, ILogger<PatientHasher> logger)
    {
        var configured = options.Value.PatientHashSalt;
        if (string.IsNullOrEmpty(configured))
        {
            _salt = RandomNumberGenerator.GetBytes(32);
            Log.PatientHashSaltGenerated(logger);
        }
        else
        {
            _salt = Encoding.UTF8.GetBytes(configured);
        }
    }

    public string Hash(string patientId)
    {
        ArgumentNullException.ThrowIfNull(patientId);
        return Convert.ToHexStringLower(HMACSHA256.HashData(_salt, Encoding.UTF8.GetBytes(patientId)));
    }
}