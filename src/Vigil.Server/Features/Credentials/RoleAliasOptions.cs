using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace Vigil.Server.Features.Credentials;

/// <summary>
/// A role alias of the credentials provider (AWS IoT's <c>RoleAlias</c> with the role's policy
/// inline): how long issued credentials last and what they allow. Policy resources may use
/// <c>${credentials-iot:ThingName}</c>, <c>${credentials-iot:ThingTypeName}</c> and
/// <c>${credentials-iot:AwsCertificateId}</c>.
/// </summary>
internal sealed class RoleAliasOptions
{
    /// <summary>AWS's credentialDurationSeconds: 900 to 43200, default 3600.</summary>
    [Range(900, 43_200, ErrorMessage = "must be from 900 to 43200 seconds")]
    public int CredentialDurationSeconds { get; set; } = 3600;

    public IList<RolePolicyStatement> Statements { get; } = [];

    /// <summary>The policy as IAM JSON (<c>{"Version":"2012-10-17","Statement":[...]}</c>).</summary>
    public string PolicyJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("Version", "2012-10-17");
            writer.WriteStartArray("Statement");
            foreach (var statement in Statements)
            {
                writer.WriteStartObject();
                writer.WriteString("Effect", statement.Effect);
                writer.WriteStartArray("Action");
                foreach (var action in statement.Actions)
                {
                    writer.WriteStringValue(action);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("Resource");
                foreach (var resource in statement.Resources)
                {
                    writer.WriteStringValue(resource);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The default <c>VigilCameraRoleAlias</c>: the KVS camera actions on the camera's own channel (spec §5.2).</summary>
    public static RoleAliasOptions CreateCameraDefault()
    {
        var alias = new RoleAliasOptions();
        var statement = new RolePolicyStatement();
        foreach (var action in new[] { "DescribeSignalingChannel", "CreateSignalingChannel", "GetSignalingChannelEndpoint", "GetIceServerConfig", "ConnectAsMaster", "GetDataEndpoint" })
        {
            statement.Actions.Add("kinesisvideo:" + action);
        }

        statement.Resources.Add("arn:aws:kinesisvideo:*:*:channel/${credentials-iot:ThingName}/*");
        alias.Statements.Add(statement);
        return alias;
    }
}
