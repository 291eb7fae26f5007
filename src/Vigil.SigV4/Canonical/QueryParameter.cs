namespace Vigil.SigV4.Canonical;

/// <summary>
/// One query parameter in both forms: as it enters the canonical query string (strict SigV4 encoding of the
/// decoded octets) and decoded (UTF-8, invalid sequences replaced) for reading the X-Amz-* values.
/// </summary>
internal readonly record struct QueryParameter(string EncodedName, string EncodedValue, string Name, string Value);
