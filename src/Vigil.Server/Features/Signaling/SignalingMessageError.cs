namespace Vigil.Server.Features.Signaling;

/// <summary>Why a client message was refused; answered as a STATUS_RESPONSE when the message had a correlationId.</summary>
internal sealed record SignalingMessageError(string Description, string ErrorType = "InvalidArgumentException", int StatusCode = 400);
