using System.Globalization;
using System.Net.Security;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Vigil.Contracts.Credentials;
using Vigil.Server.Features.Credentials.Policies;
using Vigil.Server.Features.Devices;
using Vigil.Server.Features.Pki;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Credentials;

/// <summary>
/// The AWS IoT credentials provider (spec §5): <c>GET /role-aliases/{alias}/credentials</c> on its
/// own HTTPS listener (<c>CredentialsProvider:Port</c>, HTTP/1.1, device client certificate required),
/// header <c>x-amzn-iot-thingname</c>. The endpoint answers only on that listener (and on the front door's
/// route to it, <c>Server:FrontDoorCredentialsHost</c>), and those answer nothing else.
/// </summary>
internal static partial class CredentialsProviderEndpoints
{
    public const string ThingNameHeader = "x-amzn-iot-thingname";
    private const string ListenerKey = "Vigil.Listener";
    private const string ListenerName = "credentials-provider";

    public static WebApplicationBuilder AddCredentialsProviderServer(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var server = kestrel.ApplicationServices.GetRequiredService<IOptions<ServerOptions>>().Value;
            var options = kestrel.ApplicationServices.GetRequiredService<IOptions<CredentialsProviderOptions>>().Value;
            var endpoints = kestrel.ApplicationServices.GetRequiredService<DevicePlaneEndpoints>();
            PortProbe.EnsureFree(server.ListenAddress, options.Port, "CredentialsProvider:Port");
            KestrelSetup.ListenPublic(kestrel, server.ListenAddress, options.Port, listen =>
            {
                endpoints.CredentialsProvider = listen;
                // The KVS C SDK pins ALPN to http/1.1 (spec §1.1).
                listen.Protocols = HttpProtocols.Http1;
                listen.UseDeviceMutualTls("credentials provider", [SslApplicationProtocol.Http11]);
                listen.Use(next => connection =>
                {
                    MarkListener(connection);
                    return next(connection);
                });
            });
        });
        return builder;
    }

    /// <summary>Makes a connection one of the credentials provider's (its own listener, or the front door's route to it).</summary>
    public static void MarkListener(ConnectionContext connection) => connection.Items[ListenerKey] = ListenerName;

    /// <summary>
    /// Keeps the credentials provider's listener and the rest of the site apart: a request on that
    /// listener reaches only the credentials endpoint, and that endpoint answers only there (404
    /// otherwise). Runs after routing has chosen the endpoint.
    /// </summary>
    public static WebApplication UseCredentialsProviderListener(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var onListener = context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ListenerKey, out var name) == true && Equals(name, ListenerName);
            var isEndpoint = context.GetEndpoint()?.Metadata.GetMetadata<CredentialsProviderMarker>() is not null;
            if (onListener != isEndpoint)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(context);
        });
        return app;
    }

    public static WebApplication MapCredentialsProvider(this WebApplication app)
    {
        app.MapGet("/role-aliases/{alias}/credentials", GetCredentialsAsync)
            .WithMetadata(new CredentialsProviderMarker())
            .ExcludeFromDescription()
            .AllowAnonymous(); // the device certificate (mutual TLS) authenticates it, in GetCredentialsAsync
        return app;
    }

    private static async Task<Results<JsonHttpResult<CredentialsProviderResponse>, JsonHttpResult<CredentialsProviderError>>> GetCredentialsAsync(
        string alias,
        HttpContext context,
        CertificateRegistry certificates,
        ThingRegistry things,
        TemporaryCredentialIssuer issuer,
        IOptions<CredentialsProviderOptions> options,
        TimeProvider time,
        ILogger<CredentialsProviderMarker> logger,
        CancellationToken cancellationToken)
    {
        var certificate = context.Connection.ClientCertificate;
        if (certificate is null)
        {
            return Error(StatusCodes.Status403Forbidden, "a device client certificate is required");
        }

        var certificateId = Fingerprint.Of(certificate);
        var record = await certificates.FindAsync(certificateId, cancellationToken);
        var now = time.GetUtcNow();
        if (record is not { Kind: CertificateKind.Device, Status: CertificateStatus.Active, ThingName: not null } || now < record.NotBefore || now > record.NotAfter)
        {
            Log.Refused(logger, certificateId, alias, "the certificate is not an active device certificate");
            return Error(StatusCodes.Status403Forbidden, "the certificate is not an active device certificate");
        }

        var requested = context.Request.Headers[ThingNameHeader].ToString();
        if (requested.Length > 0 && requested != record.ThingName)
        {
            Log.Refused(logger, certificateId, alias, $"thing name header {DisplayText.Printable(requested)} does not match the certificate's thing {record.ThingName}");
            return Error(StatusCodes.Status403Forbidden, "the thing name does not match the certificate");
        }

        if (!options.Value.RoleAliases.TryGetValue(alias, out var role))
        {
            return Error(StatusCodes.Status404NotFound, $"role alias {DisplayText.Printable(alias)} does not exist");
        }

        var thing = await things.FindAsync(record.ThingName, cancellationToken);
        var issued = issuer.Issue(
            CredentialPrincipal.Thing(record.ThingName, certificateId, thing?.ThingTypeName),
            AccessPolicy.Parse(role.PolicyJson()),
            TimeSpan.FromSeconds(role.CredentialDurationSeconds));
        Log.Issued(logger, record.ThingName, alias, issued.AccessKeyId);
        return TypedResults.Json(
            new CredentialsProviderResponse
            {
                Credentials = new CredentialsProviderCredentials
                {
                    AccessKeyId = issued.AccessKeyId,
                    SecretAccessKey = issued.SecretAccessKey,
                    SessionToken = issued.SessionToken,
                    // Exactly 20 characters: the KVS C SDK rejects anything else (spec §5.1).
                    Expiration = issued.Expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                },
            },
            CredentialsProviderJsonContext.Default.CredentialsProviderResponse);
    }

    private static JsonHttpResult<CredentialsProviderError> Error(int status, string message) =>
        TypedResults.Json(new CredentialsProviderError { Message = message }, CredentialsProviderJsonContext.Default.CredentialsProviderError, statusCode: status);

    private static partial class Log
    {
        [LoggerMessage(EventId = 4501, Level = LogLevel.Warning, Message = "Credentials provider refused certificate {CertificateId} for role alias {Alias}: {Reason}")]
        public static partial void Refused(ILogger logger, string certificateId, string alias, string reason);

        [LoggerMessage(EventId = 4502, Level = LogLevel.Information, Message = "Credentials provider issued {AccessKeyId} to thing {ThingName} for role alias {Alias}")]
        public static partial void Issued(ILogger logger, string thingName, string alias, string accessKeyId);
    }
}
