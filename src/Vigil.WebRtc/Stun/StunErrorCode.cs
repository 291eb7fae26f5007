namespace Vigil.WebRtc.Stun;

/// Error codes the sender produces or reacts to (RFC 8489 §14.8, RFC 8445 §7.3.1.1, RFC 8656 §19).
internal static class StunErrorCode
{
    public const int BadRequest = 400;
    public const int Unauthorized = 401;
    public const int Forbidden = 403;
    public const int UnknownAttribute = 420;
    public const int AllocationMismatch = 437;
    public const int StaleNonce = 438;
    public const int AddressFamilyNotSupported = 440;
    public const int WrongCredentials = 441;
    public const int UnsupportedTransportProtocol = 442;
    public const int AllocationQuotaReached = 486;
    public const int RoleConflict = 487;
    public const int ServerError = 500;
    public const int InsufficientCapacity = 508;
}
