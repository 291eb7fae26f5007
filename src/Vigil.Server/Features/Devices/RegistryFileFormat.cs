namespace Vigil.Server.Features.Devices;

internal enum RegistryFileFormat
{
    /// <summary>RFC 4180 CSV with a header row naming the columns serial, secret, model.</summary>
    Csv,

    /// <summary>A JSON array of objects with the string properties serial, secret, model.</summary>
    Json,
}
