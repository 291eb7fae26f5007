using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Vigil.Server.Hosting.Metrics;

/// <summary>
/// Section <c>Metrics</c>: <c>GET /metrics</c> in Prometheus text format. By default it answers
/// on the plain HTTP port (<c>Server:HttpPort</c>) only, never on the HTTPS port or the front door
/// that face the internet; with <see cref="Port"/> it moves to a listener of its own.
/// </summary>
internal sealed class MetricsOptions : IValidatableObject
{
    public const string Section = "Metrics";

    /// <summary>Whether <c>/metrics</c> is served at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// A separate plain-HTTP listener for <c>/metrics</c> (which then no longer answers on
    /// <c>Server:HttpPort</c>); null: the HTTP port serves it; 0 picks a free port (tests).
    /// </summary>
    [Range(0, 65535, ErrorMessage = "must be a port number from 0 to 65535")]
    public int? Port { get; set; }

    /// <summary>Where that listener binds: <c>*</c>, <c>localhost</c> or one IP address. Default: <c>Server:ListenAddress</c>.</summary>
    public string? ListenAddress { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ListenAddress is { } address && address is not ("*" or "localhost") && !IPAddress.TryParse(address, out _))
        {
            yield return new ValidationResult($"'{address}' is not '*', 'localhost' or an IP address", [nameof(ListenAddress)]);
        }

        if (ListenAddress is not null && Port is null)
        {
            yield return new ValidationResult("needs Metrics:Port (the HTTP port's address is Server:ListenAddress)", [nameof(ListenAddress)]);
        }
    }
}
