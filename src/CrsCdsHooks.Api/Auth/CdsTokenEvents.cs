using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace CrsCdsHooks.Api.Auth;

/// <summary>
/// JwtBearer events for CDS clients: after the signature verified (<see cref="CdsTokenHandler"/>), the claim checks
/// that need the request — aud, exp/iat, lifetime, tenant, jti — then the replay check, last, so only a token that
/// passed everything consumes its jti. On success the client is exposed as a <see cref="CdsClientIdentity"/> feature.
/// </summary>
internal sealed class CdsTokenEvents(
    CdsClientRegistry registry,
    IJtiReplayCache replayCache,
    IOptions<CdsAuthOptions> authOptions,
    IOptions<CdsPublicUrlOptions> publicUrlOptions,
    IHostEnvironment environment,
    TimeProvider timeProvider,
    ILogger<CdsTokenEvents> logger) : JwtBearerEvents
{
    /// <inheritdoc />
    public override async Task TokenValidated(TokenValidatedContext context)
    {
        if (context.SecurityToken is not JsonWebToken jwt || !registry.TryGet(jwt.Issuer, out TrustedCdsClient? client))
        {
            Fail(context, CdsTokenFailure.UnknownIssuer, null, null, null);
            return;
        }

        string? tenant = CdsTokenClaimRules.TenantOf(jwt);
        string? jti = CdsTokenClaimRules.JtiOf(jwt);
        CdsAuthOptions options = authOptions.Value;
        string? audience = CdsTokenClaimRules.ExpectedAudience(
            context.Request, publicUrlOptions.Value.PublicBaseUrl, environment.IsDevelopment());
        CdsTokenFailure? failure = CdsTokenClaimRules.Check(jwt, client, audience, timeProvider.GetUtcNow(), options);
        if (failure is not null)
        {
            Fail(context, failure.Value, client.Issuer, tenant, jti);
            return;
        }

        DateTimeOffset keepUntil = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) + options.ClockSkew;
        if (!await replayCache.TryRecordAsync(client.Issuer, jti!, keepUntil, context.HttpContext.RequestAborted).ConfigureAwait(false))
        {
            Fail(context, CdsTokenFailure.ReplayedJti, client.Issuer, tenant, jti);
            return;
        }

        string? subject = jwt.TryGetPayloadValue(JwtRegisteredClaimNames.Sub, out string? sub) ? sub : null;
        context.HttpContext.Features.Set(new CdsClientIdentity(client.Issuer, tenant, subject, jti!, client.FhirServers));
        CdsTrustLog.TokenAccepted(logger, client.Issuer, tenant, jti);
    }

    /// <inheritdoc />
    public override Task Challenge(JwtBearerChallengeContext context)
    {
        // A fixed description per failed check; the token and its claims are never echoed.
        if (context.AuthenticateFailure is CdsTokenRejectedException rejected)
        {
            context.Error = "invalid_token";
            context.ErrorDescription = CdsTokenRejectedException.Describe(rejected.Failure);
        }

        return Task.CompletedTask;
    }

    private void Fail(TokenValidatedContext context, CdsTokenFailure failure, string? issuer, string? tenant, string? jti)
    {
        CdsTrustLog.TokenRefused(logger, failure, issuer, tenant, jti);
        context.Fail(new CdsTokenRejectedException(failure, issuer, tenant, jti));
    }
}
