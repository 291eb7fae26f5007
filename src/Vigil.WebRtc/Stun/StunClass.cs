namespace Vigil.WebRtc.Stun;

/// RFC 8489 §5: the two class bits C1 C0 of the message type.
internal enum StunClass
{
    Request = 0,
    Indication = 1,
    SuccessResponse = 2,
    ErrorResponse = 3,
}
