namespace Vigil.Server.Features.Provisioning;

/// <summary>
/// A thing's connection as a node lists it in the cluster's presence directory: its presence version and, for the
/// <c>disconnected</c> lifecycle event another node publishes if this one dies, the connection's session and
/// certificate (null in entries written by a node of an earlier version, which kept the version only).
/// </summary>
internal sealed record PresenceEntry(string Thing, long Version, string? SessionId, string? CertificateId);
