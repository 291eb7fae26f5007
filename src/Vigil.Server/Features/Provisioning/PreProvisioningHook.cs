using System.Text.Json;
using Vigil.Contracts.FleetProvisioning;

namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// Calls a template's pre-provisioning hook: AWS's hook input JSON by HTTP POST, 5 seconds at
/// most (spec §4.6). Any failure (timeout, non-2xx, bad JSON, anything but
/// <c>allowProvisioning: true</c>) refuses the request, as on AWS.
/// </summary>
internal sealed partial class PreProvisioningHook(IHttpClientFactory clients, ILogger<PreProvisioningHook> logger)
{
    public const string HttpClientName = "Vigil.PreProvisioningHook";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private const int MaxResponseBytes = 64 * 1024;

    public async Task<PreProvisioningHookResponse?> CallAsync(Uri url, PreProvisioningHookRequest input, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        try
        {
            var client = clients.CreateClient(HttpClientName);
            using var response = await client.PostAsJsonAsync(url, input, FleetProvisioningJsonContext.Default.PreProvisioningHookRequest, deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                Log.HookFailed(logger, url.GetLeftPart(UriPartial.Path), $"HTTP {(int)response.StatusCode}");
                return null;
            }

            if (response.Content.Headers.ContentLength is > MaxResponseBytes)
            {
                Log.HookFailed(logger, url.GetLeftPart(UriPartial.Path), "the answer is too large");
                return null;
            }

            var body = await response.Content.ReadAsByteArrayAsync(deadline.Token);
            if (body.Length > MaxResponseBytes)
            {
                Log.HookFailed(logger, url.GetLeftPart(UriPartial.Path), "the answer is too large");
                return null;
            }

            return JsonSerializer.Deserialize(body, FleetProvisioningJsonContext.Default.PreProvisioningHookResponse);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Log.HookFailed(logger, url.GetLeftPart(UriPartial.Path), $"no answer within {Timeout.TotalSeconds:0} s");
            return null;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException)
        {
            Log.HookFailed(logger, url.GetLeftPart(UriPartial.Path), e.Message);
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 520, Level = LogLevel.Warning, Message = "Pre-provisioning hook {Url} failed ({Reason}); the request is refused")]
        public static partial void HookFailed(ILogger logger, string url, string reason);
    }
}
