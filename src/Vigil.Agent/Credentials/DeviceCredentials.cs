using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Vigil.Contracts.Credentials;
using Vigil.SigV4;

namespace Vigil.Agent.Credentials;

/// <summary>
/// The camera's temporary credentials from the credentials provider (aws-wire.md §5: mTLS with the
/// device certificate, <c>GET /role-aliases/{alias}/credentials</c>, header <c>x-amzn-iot-thingname</c>).
/// They are fetched when first needed and again once 70–80 % of their lifetime has passed (a random
/// point, so a fleet does not ask at the same second), well before they expire; if that refresh fails,
/// the old ones are used while they last.
/// </summary>
internal sealed partial class DeviceCredentials(HttpClient http, Uri providerUrl, string roleAlias, string thingName, TimeProvider time, ILogger logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SigV4Credentials? _current;
    private DateTimeOffset _expiration;
    private DateTimeOffset _refreshAt;

    /// <summary>When the credentials in use expire (MinValue before the first fetch).</summary>
    public DateTimeOffset Expiration => _expiration;

    /// <exception cref="ServerUnreachableException">The provider could not be reached, and no valid credentials are left.</exception>
    /// <exception cref="AgentException">The provider refused, and no valid credentials are left.</exception>
    public async ValueTask<SigV4Credentials> GetAsync(CancellationToken cancellationToken)
    {
        if (_current is { } cached && time.GetUtcNow() < _refreshAt)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            if (_current is { } fresh && now < _refreshAt)
            {
                return fresh;
            }

            try
            {
                return await FetchAsync(cancellationToken);
            }
            catch (Exception e) when (e is AgentException or ServerUnreachableException && _current is { } old && now < _expiration - TimeSpan.FromMinutes(1))
            {
                Log.RefreshFailed(logger, e.Message, _expiration);
                _refreshAt = now + TimeSpan.FromSeconds(30);
                return _current!;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<SigV4Credentials> FetchAsync(CancellationToken cancellationToken)
    {
        var url = new Uri(providerUrl, $"/role-aliases/{Uri.EscapeDataString(roleAlias)}/credentials");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("x-amzn-iot-thingname", thingName);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new ServerUnreachableException($"cannot reach the credentials provider at {providerUrl.Authority}: {e.Message}");
        }

        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new AgentException($"the credentials provider answered {(int)response.StatusCode}: {ErrorMessage(body)}");
            }

            CredentialsProviderCredentials? credentials;
            try
            {
                credentials = JsonSerializer.Deserialize(body, CredentialsProviderJsonContext.Default.CredentialsProviderResponse)?.Credentials;
            }
            catch (JsonException e)
            {
                throw new AgentException($"the credentials provider sent something that is not credentials: {e.Message}");
            }

            if (credentials is null || !DateTimeOffset.TryParseExact(credentials.Expiration, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var expiration))
            {
                throw new AgentException("the credentials provider's answer has no usable credentials or expiration");
            }

            var now = time.GetUtcNow();
            var lifetime = expiration - now;
            _current = new SigV4Credentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken);
            _expiration = expiration;
            _refreshAt = now + (lifetime > TimeSpan.Zero ? lifetime * (RandomNumberGenerator.GetInt32(700, 801) / 1000.0) : TimeSpan.Zero);
            Log.Fetched(logger, expiration);
            return _current;
        }
    }

    private static string ErrorMessage(byte[] body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, CredentialsProviderJsonContext.Default.CredentialsProviderError)?.Message ?? "(no message)";
        }
        catch (JsonException)
        {
            return "(no JSON error body)";
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "Credentials from the credentials provider, valid until {Expiration:u}")]
        public static partial void Fetched(ILogger logger, DateTimeOffset expiration);

        [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Credentials refresh failed ({Reason}); the current ones are valid until {Expiration:u}")]
        public static partial void RefreshFailed(ILogger logger, string reason, DateTimeOffset expiration);
    }
}
