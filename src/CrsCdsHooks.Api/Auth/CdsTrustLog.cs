namespace CrsCdsHooks.Api.Auth;

/// <summary>Log messages of client trust. Only iss, tenant and jti are ever logged, never a token.</summary>
internal static partial class CdsTrustLog
{
    /// <summary>Logs a refused token by its (untrusted, sanitised) iss, tenant and jti.</summary>
    public static void TokenRefused(ILogger logger, CdsTokenFailure reason, string? issuer, string? tenant, string? jti)
    {
        if (logger.IsEnabled(LogLevel.Warning))
        {
            TokenRefusedCore(logger, reason, Safe(issuer), Safe(tenant), Safe(jti));
        }
    }

    /// <summary>Logs an accepted token by its iss, tenant and jti.</summary>
    public static void TokenAccepted(ILogger logger, string issuer, string? tenant, string? jti)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            string? safeTenant = Safe(tenant);
            string? safeJti = Safe(jti);
            TokenAcceptedCore(logger, issuer, safeTenant, safeJti);
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning,
        Message = "CDS client token refused: {Reason} (iss {Issuer}, tenant {Tenant}, jti {Jti})")]
    private static partial void TokenRefusedCore(ILogger logger, CdsTokenFailure reason, string? issuer, string? tenant, string? jti);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug,
        Message = "CDS client token accepted (iss {Issuer}, tenant {Tenant}, jti {Jti})")]
    private static partial void TokenAcceptedCore(ILogger logger, string issuer, string? tenant, string? jti);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information,
        Message = "JWKS of {Issuer} fetched from {JwksUri}: {KeyCount} signing keys")]
    public static partial void JwksFetched(ILogger logger, string issuer, Uri jwksUri, int keyCount);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning,
        Message = "JWKS of {Issuer} could not be fetched from {JwksUri}: {Problem}; keeping {CachedKeyCount} cached keys")]
    public static partial void JwksFetchFailed(ILogger logger, string issuer, Uri jwksUri, string problem, int cachedKeyCount);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning,
        Message = "CdsHooks:Auth:Clients:{Index} is the public CDS Hooks Sandbox and is ignored in environment {Environment}")]
    public static partial void SandboxIgnored(ILogger logger, int index, string environment);

    /// <summary>Claim values from an untrusted token, made safe for a log line (length capped, no control characters).</summary>
    public static string? Safe(string? value)
    {
        if (value is null)
        {
            return null;
        }

        string capped = value.Length > 128 ? value[..128] + "…" : value;
        return string.Concat(capped.Select(c => char.IsControl(c) ? '?' : c));
    }
}
