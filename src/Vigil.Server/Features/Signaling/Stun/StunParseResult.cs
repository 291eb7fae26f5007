namespace Vigil.Server.Features.Signaling.Stun;

/// <summary>What <see cref="StunBindingRequest.TryParse"/> made of a datagram.</summary>
internal enum StunParseResult
{
    /// <summary>A Binding request to answer.</summary>
    BindingRequest,

    /// <summary>A Binding request with comprehension-required attributes this server does not understand: answer 420.</summary>
    UnknownAttributes,

    /// <summary>Not STUN, malformed, a bad FINGERPRINT, or a STUN message that gets no answer (indication, response, other method): drop it.</summary>
    Ignore,
}
