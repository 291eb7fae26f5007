using System.ComponentModel.DataAnnotations;

namespace Vigil.Server.Features.Credentials;

/// <summary>Section <c>CredentialsProvider</c>: the IoT-style certificate → temporary credentials exchange.</summary>
internal sealed class CredentialsProviderOptions
{
    public const string Section = "CredentialsProvider";

    /// <summary>HTTPS with a device client certificate required.</summary>
    [Range(1, 65535, ErrorMessage = "must be a port number from 1 to 65535")]
    public int Port { get; set; } = 8444;

    /// <summary>The role alias written into agent.json for cameras.</summary>
    [RegularExpression("^[\\w=,@-]{1,128}$", ErrorMessage = "must be 1 to 128 letters, digits or =,@-_")]
    public string DefaultRoleAlias { get; set; } = "VigilCameraRoleAlias";
}
