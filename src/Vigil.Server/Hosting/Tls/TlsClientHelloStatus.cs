namespace Vigil.Server.Hosting.Tls;

/// <summary>What <see cref="TlsClientHello.TryRead"/> made of the first bytes of a connection.</summary>
internal enum TlsClientHelloStatus
{
    /// <summary>A whole ClientHello was read.</summary>
    Complete,

    /// <summary>Everything so far is a valid beginning; more bytes are needed.</summary>
    NeedMoreData,

    /// <summary>Not a TLS ClientHello, or a malformed or oversized one.</summary>
    Invalid,
}
